"""Announcements and one row per recipient: the delivery's durable state."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, delete, exists, func, insert, literal, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Announcement, AnnouncementRecipient, Cohort, CohortMember, User
from bot.db.repositories.reports import Delivered, apply_report

__all__ = [
    "AnnouncementContent",
    "AnnouncementRecord",
    "AnnouncementRepository",
    "ClaimedCopy",
    "Delivered",
]


@dataclass(frozen=True, slots=True)
class AnnouncementRecord:
    id: int
    author_id: int
    source_chat_id: int | None
    source_message_id: int | None
    kind: str
    body: str | None
    media_name: str | None
    media_mime: str | None
    cohort_ids: list[int]
    everyone: bool
    status: str
    scheduled_at: datetime | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    progress_ref: str | None


@dataclass(frozen=True, slots=True)
class AnnouncementContent:
    """What an announcement says: text (or a file's caption) in the restricted markup and
    our own copy of its file. `legacy` is the Telegram message (chat id, message id) of an
    announcement written before content was stored; it has no body and no file."""

    kind: str
    body: str | None
    media: bytes | None = None
    media_name: str | None = None
    media_mime: str | None = None
    legacy: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class ClaimedCopy:
    """A recipient leased for sending."""

    id: int
    announcement_id: int
    user_id: int
    language: str | None = None  # the learner's


# Everything but the file, which only delivery and the preview read.
_COLUMNS = tuple(c for c in Announcement.__table__.columns if c.name != "media")


def _due(now: datetime) -> Any:
    return (Announcement.status == "scheduled") & (Announcement.scheduled_at <= now)


def _ready(now: datetime) -> Any:
    return or_(
        AnnouncementRecipient.state == Delivered.PENDING,
        (AnnouncementRecipient.state == Delivered.SENDING)
        & (AnnouncementRecipient.lease_until <= now),
    )


class AnnouncementRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add_draft(self, author_id: int, content: AnnouncementContent, now: datetime) -> int:
        value = await self._session.scalar(
            insert(Announcement)
            .values(
                author_id=author_id,
                kind=content.kind,
                body=content.body,
                media=content.media,
                media_name=content.media_name,
                media_mime=content.media_mime,
                cohort_ids=[],
                everyone=False,
                status="draft",
                created_at=now,
            )
            .returning(Announcement.id)
        )
        assert value is not None
        return int(value)

    async def get(self, announcement_id: int) -> AnnouncementRecord | None:
        row = (
            await self._session.execute(
                select(*_COLUMNS).where(Announcement.id == announcement_id)
            )
        ).first()
        return AnnouncementRecord(**row._mapping) if row else None

    async def content(self, announcement_id: int) -> AnnouncementContent | None:
        row = (
            await self._session.execute(
                select(
                    Announcement.kind,
                    Announcement.body,
                    Announcement.media,
                    Announcement.media_name,
                    Announcement.media_mime,
                    Announcement.source_chat_id,
                    Announcement.source_message_id,
                ).where(Announcement.id == announcement_id)
            )
        ).first()
        if row is None:
            return None
        kind, body, media, name, mime, chat_id, message_id = row
        legacy = (chat_id, message_id) if body is None and chat_id and message_id else None
        return AnnouncementContent(kind, body, media, name, mime, legacy)

    async def set_audience(
        self, announcement_id: int, cohort_ids: list[int], everyone: bool
    ) -> None:
        await self._session.execute(
            update(Announcement)
            .where(Announcement.id == announcement_id, Announcement.status == "draft")
            .values(cohort_ids=sorted(cohort_ids), everyone=everyone)
        )

    async def schedule(
        self, announcement_id: int, at: datetime, progress_ref: str | None = None
    ) -> bool:
        """Draft → scheduled; False if it was no longer a draft (a second press)."""
        result = await self._session.execute(
            update(Announcement)
            .where(Announcement.id == announcement_id, Announcement.status == "draft")
            .values(status="scheduled", scheduled_at=at, progress_ref=progress_ref)
            .returning(Announcement.id)
        )
        return result.first() is not None

    async def cancel(self, announcement_id: int) -> bool:
        """Scheduled or draft → cancelled; False once delivery has started."""
        result = await self._session.execute(
            update(Announcement)
            .where(
                Announcement.id == announcement_id,
                Announcement.status.in_(("draft", "scheduled")),
            )
            .values(status="cancelled")
            .returning(Announcement.id)
        )
        return result.first() is not None

    async def cancel_all_of(self, author_id: int) -> int:
        """Cancel every draft and scheduled announcement of an author; how many there were.
        Those already being delivered go on: some learners have them already."""
        result = await self._session.execute(
            update(Announcement)
            .where(
                Announcement.author_id == author_id,
                Announcement.status.in_(("draft", "scheduled")),
            )
            .values(status="cancelled")
            .returning(Announcement.id)
        )
        return len(result.all())

    async def scheduled_of(self, author_id: int) -> list[AnnouncementRecord]:
        rows = await self._session.execute(
            select(*_COLUMNS)
            .where(Announcement.author_id == author_id, Announcement.status == "scheduled")
            .order_by(Announcement.scheduled_at)
        )
        return [AnnouncementRecord(**row._mapping) for row in rows]

    def _audience(self, author_id: int, cohort_ids: Sequence[int], everyone: bool) -> Any:
        """Select (user id, blocked, opted out) of the learners an announcement goes to.

        Cohorts count only while the author still owns them, so a forged id reaches nobody.
        """
        if everyone:
            return select(User.id.label("user_id"), User.blocked, _opted_out()).where(
                User.consent_at.is_not(None), User.id != author_id
            )
        return (
            select(CohortMember.user_id, User.blocked, _opted_out())
            .join(Cohort, Cohort.id == CohortMember.cohort_id)
            .join(User, User.id == CohortMember.user_id)
            .where(
                CohortMember.cohort_id.in_(list(cohort_ids)),
                Cohort.trainer_id == author_id,
                CohortMember.user_id != author_id,
            )
            .distinct()
        )

    async def count_audience(
        self, author_id: int, cohort_ids: Sequence[int], everyone: bool
    ) -> int:
        audience = self._audience(author_id, cohort_ids, everyone).subquery()
        value = await self._session.scalar(select(func.count()).select_from(audience))
        return int(value or 0)

    async def work_waiting(self, now: datetime) -> tuple[bool, bool, bool]:
        """(any due, any copy ready, any delivery open): cheap reads, so an idle run of the
        job never takes SQLite's write lock."""
        due = await self._session.scalar(select(Announcement.id).where(_due(now)).limit(1))
        ready = await self._session.scalar(
            select(AnnouncementRecipient.id).where(_ready(now)).limit(1)
        )
        sending = await self._session.scalar(
            select(Announcement.id).where(Announcement.status == "sending").limit(1)
        )
        return due is not None, ready is not None, sending is not None

    async def start_due(self, now: datetime, limit: int = 10) -> list[AnnouncementRecord]:
        """Turn due scheduled announcements into deliveries: mark them sending and write a
        row per recipient, in the caller's transaction (all or nothing).

        `FOR UPDATE SKIP LOCKED` on PostgreSQL gives each process its own announcements.
        """
        due = (
            select(Announcement.id)
            .where(_due(now))
            .order_by(Announcement.scheduled_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        ids = list(
            (
                await self._session.scalars(
                    update(Announcement)
                    .where(Announcement.id.in_(due.scalar_subquery()))
                    .values(status="sending", started_at=now)
                    .returning(Announcement.id)
                    .execution_options(synchronize_session=False)
                )
            ).all()
        )
        started: list[AnnouncementRecord] = []
        for announcement_id in ids:
            record = await self.get(announcement_id)
            assert record is not None
            audience = self._audience(
                record.author_id, record.cohort_ids, record.everyone
            ).subquery()
            state = case(
                (audience.c.blocked.is_(True), literal(Delivered.BLOCKED.value)),
                (audience.c.opted_out.is_(True), literal(Delivered.OPTED_OUT.value)),
                else_=literal(Delivered.PENDING.value),
            )
            await self._session.execute(
                insert(AnnouncementRecipient).from_select(
                    ["announcement_id", "user_id", "state"],
                    select(literal(announcement_id), audience.c.user_id, state),
                )
            )
            started.append(record)
        return started

    async def claim(self, now: datetime, lease_until: datetime, limit: int) -> list[ClaimedCopy]:
        """Lease up to `limit` copies to send: pending ones, or those whose lease ran out
        (a delivery run that died)."""
        ready = (
            select(AnnouncementRecipient.id)
            .where(_ready(now))
            .order_by(AnnouncementRecipient.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        ids = list(
            (
                await self._session.scalars(
                    update(AnnouncementRecipient)
                    .where(AnnouncementRecipient.id.in_(ready.scalar_subquery()))
                    .values(state=Delivered.SENDING.value, lease_until=lease_until)
                    .returning(AnnouncementRecipient.id)
                    .execution_options(synchronize_session=False)
                )
            ).all()
        )
        if not ids:
            return []
        rows = await self._session.execute(
            select(
                AnnouncementRecipient.id,
                AnnouncementRecipient.announcement_id,
                AnnouncementRecipient.user_id,
                User.language,
            )
            .join(User, User.id == AnnouncementRecipient.user_id)
            .where(AnnouncementRecipient.id.in_(ids))
            .order_by(AnnouncementRecipient.id)
        )
        return [ClaimedCopy(**row._mapping) for row in rows]

    async def record(
        self, copy_id: int, state: Delivered, now: datetime, ref: str | None = None
    ) -> None:
        """The copy's outcome; `ref`: the digest of the channel's id for it, where the
        channel reports its delivery later."""
        await self._session.execute(
            update(AnnouncementRecipient)
            .where(AnnouncementRecipient.id == copy_id)
            .values(state=state.value, lease_until=None, done_at=now, ref=ref)
        )

    async def reported(self, ref: str, state: Delivered) -> bool | None:
        """A status the channel reported for the copy sent as `ref`: True when it changed
        the copy, False when the copy is further on already, None when no copy has it."""
        return await apply_report(self._session, AnnouncementRecipient, ref, state)

    async def release(self, copy_id: int, retry_at: datetime) -> None:
        """Keep the copy to send, but let nobody take it before `retry_at`."""
        await self._session.execute(
            update(AnnouncementRecipient)
            .where(AnnouncementRecipient.id == copy_id)
            .values(state=Delivered.SENDING.value, lease_until=retry_at)
        )

    async def counts(self, announcement_id: int) -> dict[Delivered, int]:
        rows = await self._session.execute(
            select(AnnouncementRecipient.state, func.count())
            .where(AnnouncementRecipient.announcement_id == announcement_id)
            .group_by(AnnouncementRecipient.state)
        )
        return {Delivered(state): int(n) for state, n in rows}

    async def finish_complete(self, now: datetime) -> list[int]:
        """Mark done the deliveries with no copy left to send; return their ids."""
        unfinished = exists().where(
            AnnouncementRecipient.announcement_id == Announcement.id,
            AnnouncementRecipient.state.in_((Delivered.PENDING, Delivered.SENDING)),
        )
        result = await self._session.scalars(
            update(Announcement)
            .where(Announcement.status == "sending", ~unfinished)
            .values(status="done", finished_at=now)
            .returning(Announcement.id)
            .execution_options(synchronize_session=False)
        )
        return list(result.all())

    async def sending(self) -> list[AnnouncementRecord]:
        rows = await self._session.execute(
            select(*_COLUMNS).where(Announcement.status == "sending").order_by(Announcement.id)
        )
        return [AnnouncementRecord(**row._mapping) for row in rows]

    async def set_progress_ref(self, announcement_id: int, ref: str) -> None:
        await self._session.execute(
            update(Announcement).where(Announcement.id == announcement_id).values(progress_ref=ref)
        )

    async def count_received(self, user_id: int) -> int:
        """Announcements delivered to the user (for /privacy)."""
        value = await self._session.scalar(
            select(func.count())
            .select_from(AnnouncementRecipient)
            .where(AnnouncementRecipient.user_id == user_id)
        )
        return int(value or 0)

    async def delete_for(self, user_id: int) -> None:
        """The user's delivery rows, and the announcements they wrote (with theirs)."""
        written = select(Announcement.id).where(Announcement.author_id == user_id)
        await self._session.execute(
            delete(AnnouncementRecipient).where(
                or_(
                    AnnouncementRecipient.user_id == user_id,
                    AnnouncementRecipient.announcement_id.in_(written.scalar_subquery()),
                )
            )
        )
        await self._session.execute(delete(Announcement).where(Announcement.author_id == user_id))


def _opted_out() -> Any:
    return User.opted_out_at.is_not(None).label("opted_out")
