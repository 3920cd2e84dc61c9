"""Reminders: one settings row a learner, claimed by the dispatcher, and a log of outcomes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import case, delete, func, insert, literal, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Reminder, ReminderLog, User


class Outcome(StrEnum):
    """What became of a due reminder, as logged."""

    SENT = "sent"
    SKIPPED = "skipped"  # too late after downtime, or it fell in the quiet hours
    BLOCKED = "blocked"  # Telegram said the learner blocked the bot
    FAILED = "failed"  # Telegram refused it for another reason; not retried


@dataclass(frozen=True, slots=True)
class ReminderRecord:
    user_id: int
    enabled: bool
    days: int  # bit mask, bit 0 = Monday
    hour: int
    next_due_at: datetime | None
    lease_until: datetime | None
    last_sent_at: datetime | None


@dataclass(frozen=True, slots=True)
class DueReminder:
    """A claimed reminder with what deciding and writing it need from the user's row."""

    user_id: int
    language: str | None
    time_zone: str | None
    last_seen_at: datetime
    blocked: bool
    opted_out: bool  # STOP: due reminders are skipped until START
    days: int
    hour: int
    due_at: datetime


@dataclass(frozen=True, slots=True)
class ReminderCounts:
    opted_in: int
    sent: int
    skipped: int
    blocked: int


# Selected columns carry the record fields' names, so a row maps onto its record directly.
_COLUMNS = tuple(Reminder.__table__.columns)
_DUE_COLUMNS = (
    Reminder.user_id,
    User.language,
    User.time_zone,
    User.last_seen_at,
    User.blocked,
    User.opted_out_at.is_not(None).label("opted_out"),
    Reminder.days,
    Reminder.hour,
    Reminder.next_due_at.label("due_at"),
)


class ReminderRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, user_id: int) -> ReminderRecord | None:
        row = (
            await self._session.execute(select(*_COLUMNS).where(Reminder.user_id == user_id))
        ).first()
        return ReminderRecord(**row._mapping) if row else None

    async def save(
        self, user_id: int, *, enabled: bool, days: int, hour: int, next_due_at: datetime | None
    ) -> None:
        """Create or replace the learner's settings; a new due time drops any lease."""
        dialect = self._session.bind.dialect.name if self._session.bind else "sqlite"
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        values = {"enabled": enabled, "days": days, "hour": hour, "next_due_at": next_due_at}
        stmt = insert(Reminder).values(user_id=user_id, **values)
        await self._session.execute(
            stmt.on_conflict_do_update(
                index_elements=[Reminder.user_id], set_={**values, "lease_until": None}
            )
        )

    async def claim(self, now: datetime, lease_until: datetime, limit: int) -> list[int]:
        """Lease up to `limit` due reminders nobody holds; return their user ids.

        On PostgreSQL the rows are picked `FOR UPDATE SKIP LOCKED`, so dispatchers in several
        processes get disjoint rows; SQLite leaves the clause out and runs the one UPDATE under
        its write lock. A lease that ran out (a crashed dispatcher) makes the row due again.
        """
        due = (
            select(Reminder.user_id)
            .where(
                Reminder.enabled.is_(True),
                Reminder.next_due_at <= now,
                or_(Reminder.lease_until.is_(None), Reminder.lease_until <= now),
            )
            .order_by(Reminder.next_due_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        stmt = (
            update(Reminder)
            .where(Reminder.user_id.in_(due.scalar_subquery()))
            .values(lease_until=lease_until)
            .returning(Reminder.user_id)
            .execution_options(synchronize_session=False)
        )
        return list((await self._session.scalars(stmt)).all())

    async def load_due(self, user_ids: Sequence[int]) -> list[DueReminder]:
        rows = await self._session.execute(
            select(*_DUE_COLUMNS)
            .join(User, User.id == Reminder.user_id)
            .where(Reminder.user_id.in_(user_ids), Reminder.next_due_at.is_not(None))
        )
        return [DueReminder(**row._mapping) for row in rows]

    async def sends_since(
        self, user_ids: Sequence[int], since: datetime
    ) -> dict[int, list[datetime]]:
        """Due times of the reminders sent to each user that were due after `since`."""
        rows = await self._session.execute(
            select(ReminderLog.user_id, ReminderLog.due_at).where(
                ReminderLog.user_id.in_(user_ids),
                ReminderLog.outcome == Outcome.SENT,
                ReminderLog.due_at > since,
            )
        )
        sends: dict[int, list[datetime]] = defaultdict(list)
        for user_id, at in rows:
            sends[user_id].append(at)
        return dict(sends)

    async def finish(
        self, user_id: int, next_due_at: datetime | None, sent_at: datetime | None = None
    ) -> None:
        """Set the next due time and drop the lease (and note the send, if one went out).

        A learner who turned reminders off meanwhile keeps them off, with no due time.
        """
        values: dict[str, Any] = {"lease_until": None}
        if sent_at is not None:
            values["last_sent_at"] = sent_at
        await self._session.execute(
            update(Reminder)
            .where(Reminder.user_id == user_id)
            .values(
                next_due_at=case(
                    (Reminder.enabled.is_(True), literal(next_due_at, Reminder.next_due_at.type)),
                    else_=None,
                ),
                **values,
            )
        )

    async def release(self, user_id: int, retry_at: datetime) -> None:
        """Keep the reminder due but let nobody take it before `retry_at`."""
        await self._session.execute(
            update(Reminder)
            .where(Reminder.user_id == user_id, Reminder.enabled.is_(True))
            .values(lease_until=retry_at)
        )

    async def wake(self, user_id: int, now: datetime) -> None:
        """Make a parked (blocked) learner's reminder due again, to be rescheduled."""
        await self._session.execute(
            update(Reminder)
            .where(
                Reminder.user_id == user_id,
                Reminder.enabled.is_(True),
                Reminder.next_due_at.is_(None),
            )
            .values(next_due_at=now, lease_until=None)
        )

    async def log(
        self,
        user_id: int,
        due_at: datetime,
        at: datetime,
        outcome: Outcome,
        ref: str | None = None,
    ) -> None:
        """`ref`: the digest of the channel's id for the message, where it reports later."""
        await self._session.execute(
            insert(ReminderLog).values(
                user_id=user_id, due_at=due_at, at=at, outcome=outcome.value, ref=ref
            )
        )

    async def reported(self, ref: str, outcome: Outcome | None) -> bool | None:
        """A failure (or an unreachable number) the channel reported after the reminder
        `ref` was sent (None: a status the log does not keep, such as read): True when it
        changed the log, None when no reminder has it."""
        for _ in range(2):  # as AnnouncementRepository.reported
            if outcome is not None:
                result = await self._session.execute(
                    update(ReminderLog)
                    .where(ReminderLog.ref == ref, ReminderLog.outcome == Outcome.SENT.value)
                    .values(outcome=outcome.value)
                    .returning(ReminderLog.id)
                )
                if result.first() is not None:
                    return True
            current = await self._session.scalar(
                select(ReminderLog.outcome).where(ReminderLog.ref == ref).limit(1)
            )
            if current is None:
                return None
            if outcome is None or current != Outcome.SENT.value:
                return False
        return False

    async def counts(self, since: datetime) -> ReminderCounts:
        """Learners opted in (and of them, blocked), and outcomes logged after `since`."""
        enabled = select(func.count()).select_from(Reminder).where(Reminder.enabled.is_(True))
        opted_in = await self._session.scalar(enabled)
        blocked = await self._session.scalar(
            enabled.join(User, User.id == Reminder.user_id).where(User.blocked.is_(True))
        )
        rows = await self._session.execute(
            select(ReminderLog.outcome, func.count())
            .where(ReminderLog.at >= since)
            .group_by(ReminderLog.outcome)
        )
        outcomes = {outcome: count for outcome, count in rows}
        return ReminderCounts(
            opted_in=int(opted_in or 0),
            sent=int(outcomes.get(Outcome.SENT, 0)),
            skipped=int(outcomes.get(Outcome.SKIPPED, 0)),
            blocked=int(blocked or 0),
        )

    async def count_log(self, user_id: int) -> int:
        value = await self._session.scalar(
            select(func.count()).select_from(ReminderLog).where(ReminderLog.user_id == user_id)
        )
        return int(value or 0)

    async def prune_log(self, before: datetime) -> None:
        await self._session.execute(delete(ReminderLog).where(ReminderLog.at < before))

    async def delete_for(self, user_id: int) -> None:
        await self._session.execute(delete(ReminderLog).where(ReminderLog.user_id == user_id))
        await self._session.execute(delete(Reminder).where(Reminder.user_id == user_id))
