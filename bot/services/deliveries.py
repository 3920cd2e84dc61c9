"""What a channel tells the bot after a send, and when a person last wrote on a channel.

Some channels answer a send at once and report its fate later (WhatsApp's status
callbacks: delivered, read, or failed after it was accepted). The bot keeps a digest of the
channel's id for each announcement copy, reminder and consultation notice it sent, and a
report moves that row on, so an announcement's totals say what reached people. WhatsApp
also lets the bot write freely only within 24 hours of a person's last message: each account
keeps the minute of that message, which is all the window needs.
"""

from __future__ import annotations

from datetime import datetime

from bot.db.repositories import Delivered, Outcome
from bot.db.repositories.processed import event_digest
from bot.db.uow import UnitOfWork

_REMINDER_OUTCOMES = {Delivered.FAILED: Outcome.FAILED, Delivered.BLOCKED: Outcome.BLOCKED}


def ref_digest(ref: str) -> str:
    """What is kept of a channel's message id (a WhatsApp id encodes the number)."""
    return event_digest(ref)


async def heard_from(
    uow: UnitOfWork, platform: str, external_id: str, at: datetime
) -> datetime | None:
    """The person wrote at `at`: keep the minute (rounded down, so the window the bot
    counts never outlasts WhatsApp's). Returns the minute kept, or None when nothing
    changed (unknown account, or that minute is known)."""
    minute = at.replace(second=0, microsecond=0)
    changed = await uow.accounts.heard_from(platform, external_id, minute)
    await uow.commit()
    return minute if changed else None


async def reported(uow: UnitOfWork, ref: str, state: Delivered) -> bool:
    """Apply a delivery status to the announcement copy, reminder or consultation notice
    sent as `ref`; False when no row has that ref (yet: the sender may not have written it)."""
    digest = ref_digest(ref)
    found = await uow.announcements.reported(digest, state)
    if found is None:
        found = await uow.reminders.reported(digest, _REMINDER_OUTCOMES.get(state))
    if found is None:
        found = await uow.consultations.notice_reported(digest, state)
    await uow.commit()
    return found is not None
