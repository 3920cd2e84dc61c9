"""Where to reach a person outside their own turn: their oldest account on a channel this
process runs (a person on two channels hears from the bot on the one they came by first)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.conversation.ports import Channel, Channels
from bot.db.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class Reach:
    channel: Channel
    address: str
    last_wrote: datetime | None = None  # their last message on that channel, where kept


async def where(uow: UnitOfWork, channels: Channels, user_ids: list[int]) -> dict[int, Reach]:
    """Each person's channel and address; people with no account on a running channel are
    missing from the result."""
    found: dict[int, Reach] = {}
    for account in await uow.accounts.of_users(user_ids):
        channel = channels.get(account.platform)
        if channel is not None and account.user_id not in found:
            found[account.user_id] = Reach(channel, account.address, account.last_inbound_at)
    return found
