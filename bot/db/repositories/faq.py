"""FAQ: questions sent to a person and their conversation, answer feedback, drafts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, case, delete, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    ComplaintDraft,
    FaqFeedback,
    FaqMessage,
    FaqNotice,
    FaqQuestion,
    FaqVoice,
    User,
)


@dataclass(frozen=True, slots=True)
class QuestionRecord:
    id: int
    user_id: int
    language: str
    text: str
    status: str  # open, answered or closed
    taken_by: int | None
    best_entry_id: str | None
    best_score: float | None
    created_at: datetime
    updated_at: datetime
    voice: str | None = None  # asked by voice: the recording's type (ogg, mp3, m4a)


@dataclass(frozen=True, slots=True)
class ClaimedNotice:
    """A notice claimed for sending: to staff about a question or the learner's answer back
    (`message_id`), or a person's reply (`message_id`) to the learner."""

    id: int
    question_id: int
    message_id: int | None
    user_id: int


@dataclass(frozen=True, slots=True)
class MessageRecord:
    """One message about a question: a person's reply or the learner's answer back."""

    text: str
    from_learner: bool
    sender_id: int | None


@dataclass(frozen=True, slots=True)
class FeedbackCount:
    entry_id: str
    helpful: int
    not_helpful: int


@dataclass(frozen=True, slots=True)
class DraftRecord:
    text: str
    saved_at: datetime


_COLUMNS = tuple(FaqQuestion.__table__.columns)


def _question(row: Row[Any]) -> QuestionRecord:
    return QuestionRecord(
        id=row.id,
        user_id=row.user_id,
        language=row.language,
        text=row.text,
        status=row.status,
        taken_by=row.taken_by,
        best_entry_id=row.best_entry_id,
        best_score=row.best_score,
        created_at=row.created_at,
        updated_at=row.updated_at,
        voice=row.voice,
    )


class FaqRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def _insert(self) -> Any:
        dialect = self._session.bind.dialect.name if self._session.bind else "sqlite"
        return pg_insert if dialect == "postgresql" else sqlite_insert

    # --- questions to a person ----------------------------------------------------------
    async def add_question(
        self,
        user_id: int,
        language: str,
        text: str,
        now: datetime,
        best_entry_id: str | None,
        best_score: float | None,
        voice: str | None = None,
    ) -> QuestionRecord:
        row = (
            await self._session.execute(
                insert(FaqQuestion)
                .values(
                    user_id=user_id,
                    language=language,
                    text=text,
                    status="open",
                    best_entry_id=best_entry_id,
                    best_score=best_score,
                    voice=voice,
                    created_at=now,
                    updated_at=now,
                )
                .returning(*_COLUMNS)
            )
        ).one()
        return _question(row)

    async def get_question(self, question_id: int) -> QuestionRecord | None:
        row = (
            await self._session.execute(select(*_COLUMNS).where(FaqQuestion.id == question_id))
        ).first()
        return _question(row) if row else None

    async def take(self, question_id: int, staff_id: int) -> bool:
        """The first person to reply takes the question; False when someone else has it
        (one statement, so two people replying at once cannot both take it)."""
        result = await self._session.execute(
            update(FaqQuestion)
            .where(
                FaqQuestion.id == question_id,
                or_(FaqQuestion.taken_by.is_(None), FaqQuestion.taken_by == staff_id),
            )
            .values(taken_by=staff_id)
            .returning(FaqQuestion.id)
        )
        return result.first() is not None

    async def release_taken(self, staff_id: int) -> None:
        """Hand back the questions a person took (they no longer hold a staff role)."""
        await self._session.execute(
            update(FaqQuestion).where(FaqQuestion.taken_by == staff_id).values(taken_by=None)
        )

    async def set_status(self, question_id: int, status: str, now: datetime) -> None:
        await self._session.execute(
            update(FaqQuestion)
            .where(FaqQuestion.id == question_id)
            .values(status=status, updated_at=now)
        )

    async def add_message(
        self,
        question_id: int,
        sender_id: int,
        from_learner: bool,
        text: str,
        now: datetime,
        *,
        voice: bool = False,
    ) -> int:
        return int(
            (
                await self._session.scalars(
                    insert(FaqMessage)
                    .values(
                        question_id=question_id,
                        sender_id=sender_id,
                        from_learner=from_learner,
                        text=text,
                        at=now,
                        voice=voice,
                    )
                    .returning(FaqMessage.id)
                )
            ).one()
        )

    async def message(self, message_id: int) -> MessageRecord | None:
        row = (
            await self._session.execute(
                select(FaqMessage.text, FaqMessage.from_learner, FaqMessage.sender_id).where(
                    FaqMessage.id == message_id
                )
            )
        ).one_or_none()
        return MessageRecord(row.text, row.from_learner, row.sender_id) if row else None

    # --- notices to staff and replies to learners, sent by a job ------------------------
    async def add_notices(
        self, question_id: int, message_id: int | None, user_ids: list[int], now: datetime
    ) -> None:
        if user_ids:
            await self._session.execute(
                insert(FaqNotice),
                [
                    {
                        "question_id": question_id,
                        "message_id": message_id,
                        "user_id": user_id,
                        "state": "pending",
                        "not_before": now,
                    }
                    for user_id in user_ids
                ],
            )

    async def claim_notices(self, now: datetime, limit: int) -> list[ClaimedNotice]:
        """Mark up to `limit` due notices as sending (one run's, whichever process claims
        them first: `FOR UPDATE SKIP LOCKED` on PostgreSQL, the write lock on SQLite)."""
        due = (
            select(FaqNotice.id)
            .where(FaqNotice.state == "pending", FaqNotice.not_before <= now)
            .order_by(FaqNotice.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        rows = await self._session.execute(
            update(FaqNotice)
            .where(FaqNotice.id.in_(due.scalar_subquery()))
            .values(state="sending")
            .returning(
                FaqNotice.id, FaqNotice.question_id, FaqNotice.message_id, FaqNotice.user_id
            )
            .execution_options(synchronize_session=False)
        )
        return sorted((ClaimedNotice(**row._mapping) for row in rows), key=lambda n: n.id)

    async def finish_notice(self, notice_id: int, state: str, now: datetime) -> None:
        await self._session.execute(
            update(FaqNotice).where(FaqNotice.id == notice_id).values(state=state, done_at=now)
        )

    async def postpone_notice(self, notice_id: int, retry_at: datetime) -> None:
        """Not sent (flood limit, no connection): pending again, not before `retry_at`."""
        await self._session.execute(
            update(FaqNotice)
            .where(FaqNotice.id == notice_id)
            .values(state="pending", not_before=retry_at)
        )

    async def notice_states(self, question_id: int) -> dict[int, str]:
        """Each notified staff member's notice state for a question (its first notices)."""
        rows = await self._session.execute(
            select(FaqNotice.user_id, FaqNotice.state).where(
                FaqNotice.question_id == question_id, FaqNotice.message_id.is_(None)
            )
        )
        return {row.user_id: row.state for row in rows}

    async def open_questions(self, limit: int = 30) -> list[QuestionRecord]:
        """Questions waiting for a person, oldest first."""
        rows = await self._session.execute(
            select(*_COLUMNS)
            .where(FaqQuestion.status == "open")
            .order_by(FaqQuestion.created_at, FaqQuestion.id)
            .limit(limit)
        )
        return [_question(row) for row in rows]

    async def count_open(self) -> int:
        value = await self._session.scalar(
            select(func.count()).select_from(FaqQuestion).where(FaqQuestion.status == "open")
        )
        return int(value or 0)

    async def recent_questions(self, limit: int = 15) -> list[QuestionRecord]:
        """The newest questions people had to ask a person: the FAQ's gaps."""
        rows = await self._session.execute(
            select(*_COLUMNS).order_by(FaqQuestion.created_at.desc()).limit(limit)
        )
        return [_question(row) for row in rows]

    async def gap_topics(self) -> list[tuple[str | None, int]]:
        """How many questions went to a person, by the FAQ entry that came closest (None:
        none came close), most asked first: the gaps without anyone's words."""
        n = func.count()
        rows = await self._session.execute(
            select(FaqQuestion.best_entry_id, n.label("n"))
            .group_by(FaqQuestion.best_entry_id)
            .order_by(n.desc(), FaqQuestion.best_entry_id)
        )
        return [(row.best_entry_id, int(row.n)) for row in rows]

    async def staff_ids(self) -> list[int]:
        """Users with the trainer or admin role who have not blocked the bot."""
        rows = await self._session.scalars(
            select(User.id).where(User.role.in_(("trainer", "admin")), User.blocked.is_(False))
        )
        return list(rows)

    # --- feedback on answers -------------------------------------------------------------
    async def set_feedback(
        self, user_id: int, entry_id: str, helpful: bool, now: datetime
    ) -> None:
        statement = (
            self._insert()(FaqFeedback)
            .values(user_id=user_id, entry_id=entry_id, helpful=helpful, at=now)
            .on_conflict_do_update(
                index_elements=[FaqFeedback.user_id, FaqFeedback.entry_id],
                set_={"helpful": helpful, "at": now},
            )
        )
        await self._session.execute(statement)

    async def feedback_counts(self) -> list[FeedbackCount]:
        """Entries with any 👎, most 👎 first."""
        down = func.sum(case((FaqFeedback.helpful.is_(False), 1), else_=0))
        up = func.sum(case((FaqFeedback.helpful.is_(True), 1), else_=0))
        rows = await self._session.execute(
            select(FaqFeedback.entry_id, up.label("up"), down.label("down"))
            .group_by(FaqFeedback.entry_id)
            .having(down > 0)
            .order_by(down.desc(), FaqFeedback.entry_id)
        )
        return [FeedbackCount(row.entry_id, int(row.up), int(row.down)) for row in rows]

    # --- complaint drafts -----------------------------------------------------------------
    async def save_draft(self, user_id: int, text: str, now: datetime) -> None:
        statement = (
            self._insert()(ComplaintDraft)
            .values(user_id=user_id, text=text, saved_at=now)
            .on_conflict_do_update(
                index_elements=[ComplaintDraft.user_id], set_={"text": text, "saved_at": now}
            )
        )
        await self._session.execute(statement)

    async def get_draft(self, user_id: int) -> DraftRecord | None:
        row = (
            await self._session.execute(
                select(ComplaintDraft.text, ComplaintDraft.saved_at).where(
                    ComplaintDraft.user_id == user_id
                )
            )
        ).first()
        return DraftRecord(row.text, row.saved_at) if row else None

    async def delete_draft(self, user_id: int) -> bool:
        result = await self._session.execute(
            delete(ComplaintDraft).where(ComplaintDraft.user_id == user_id)
        )
        return bool(getattr(result, "rowcount", 0))

    # --- privacy ----------------------------------------------------------------------------
    async def asked_by(self, user_id: int) -> list[QuestionRecord]:
        """The questions a learner sent to a person, newest first (for /privacy)."""
        rows = await self._session.execute(
            select(*_COLUMNS)
            .where(FaqQuestion.user_id == user_id)
            .order_by(FaqQuestion.created_at.desc(), FaqQuestion.id.desc())
        )
        return [_question(row) for row in rows]

    async def counts_for(self, user_id: int) -> tuple[int, int, int]:
        """(questions asked, answer ratings, messages written) for /privacy."""
        questions = await self._session.scalar(
            select(func.count()).select_from(FaqQuestion).where(FaqQuestion.user_id == user_id)
        )
        ratings = await self._session.scalar(
            select(func.count()).select_from(FaqFeedback).where(FaqFeedback.user_id == user_id)
        )
        written = await self._session.scalar(
            select(func.count()).select_from(FaqMessage).where(FaqMessage.sender_id == user_id)
        )
        return int(questions or 0), int(ratings or 0), int(written or 0)

    async def delete_for(self, user_id: int) -> None:
        """Erase the learner's questions (with their conversations), ratings and draft; as
        staff, their replies stay for the learner but no longer say who wrote them."""
        asked = select(FaqQuestion.id).where(FaqQuestion.user_id == user_id)
        await self._session.execute(
            delete(FaqNotice).where(
                or_(FaqNotice.user_id == user_id, FaqNotice.question_id.in_(asked))
            )
        )
        await self._session.execute(delete(FaqMessage).where(FaqMessage.question_id.in_(asked)))
        await self._session.execute(delete(FaqVoice).where(FaqVoice.question_id.in_(asked)))
        await self._session.execute(delete(FaqQuestion).where(FaqQuestion.user_id == user_id))
        await self._session.execute(delete(FaqFeedback).where(FaqFeedback.user_id == user_id))
        await self._session.execute(
            delete(ComplaintDraft).where(ComplaintDraft.user_id == user_id)
        )
        await self._session.execute(
            update(FaqMessage).where(FaqMessage.sender_id == user_id).values(sender_id=None)
        )
        await self._session.execute(
            update(FaqQuestion).where(FaqQuestion.taken_by == user_id).values(taken_by=None)
        )
