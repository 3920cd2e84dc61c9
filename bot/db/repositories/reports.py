"""Delivery statuses a channel reports after a send (WhatsApp's delivered, read, failed),
applied to the row of the message sent: an announcement copy or a consultation notice,
each keeping a `state` and the digest of the channel's id for it as `ref`."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession


class Delivered(StrEnum):
    """What became of one recipient's copy of an announcement (or of a notice)."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    BLOCKED = "blocked"
    FAILED = "failed"
    OPTED_OUT = "opted_out"  # the learner sent STOP: counted, never sent
    SKIPPED = "skipped"  # the channel could not write to them (no template for WhatsApp)
    # reported later by the channel (WhatsApp's statuses)
    DELIVERED = "delivered"
    READ = "read"


# What a status reported later may follow: it only moves a row on (read after delivered,
# never back), and a failure or an unreachable number reported after the send undoes it.
REPORTED_AFTER = {
    Delivered.DELIVERED: (Delivered.SENT,),
    Delivered.READ: (Delivered.SENT, Delivered.DELIVERED),
    Delivered.FAILED: (Delivered.SENT, Delivered.DELIVERED),
    Delivered.BLOCKED: (Delivered.SENT, Delivered.DELIVERED),
}


async def apply_report(
    session: AsyncSession, model: Any, ref: str, state: Delivered
) -> bool | None:
    """Move the row of `model` sent as `ref` to `state`: True when it changed, False when
    the row is further on already, None when no row has that ref."""
    before = REPORTED_AFTER.get(state)
    if before is None:
        return False
    # Twice: the send's record may be committed between the update and the look
    # (PostgreSQL shows each statement what was committed before it).
    for _ in range(2):
        result = await session.execute(
            update(model)
            .where(model.ref == ref, model.state.in_(before))
            .values(state=state.value)
            .returning(model.ref)
        )
        if result.first() is not None:
            return True
        current = await session.scalar(select(model.state).where(model.ref == ref).limit(1))
        if current is None:
            return None
        if current not in before:
            return False
    return False
