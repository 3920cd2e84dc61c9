"""Quiz attempts, answers and the poll ids that lead answers back to their attempt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, case, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import QuizAnswer, QuizAttempt, QuizQuestionSent

RUNNING, FINISHED, ABANDONED = "running", "finished", "abandoned"


@dataclass(frozen=True, slots=True)
class AttemptRecord:
    id: int
    user_id: int
    module_id: str
    status: str
    question_ids: tuple[str, ...]
    position: int
    score: int
    total: int
    passed: bool | None
    started_at: datetime
    finished_at: datetime | None


@dataclass(frozen=True, slots=True)
class PollRecord:
    platform: str
    ref: str
    attempt_id: int
    position: int
    option_order: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class AnswerRecord:
    position: int
    question_id: str
    chosen: int
    correct: bool


@dataclass(frozen=True, slots=True)
class QuestionCount:
    question_id: str
    answered: int
    correct: int


@dataclass(frozen=True, slots=True)
class ModuleCount:
    module_id: str
    attempts: int
    finished: int
    passed: int


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.sum(case((condition, 1), else_=0))


_ATTEMPT = tuple(QuizAttempt.__table__.columns)


def _attempt(row: Row[Any]) -> AttemptRecord:
    return AttemptRecord(
        id=row.id,
        user_id=row.user_id,
        module_id=row.module_id,
        status=row.status,
        question_ids=tuple(row.question_ids),
        position=row.position,
        score=row.score,
        total=row.total,
        passed=row.passed,
        started_at=row.started_at,
        finished_at=row.finished_at,
    )


class QuizRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def abandon_running(self, user_id: int) -> None:
        """Older running attempts stop accepting answers (one quiz at a time)."""
        await self._session.execute(
            update(QuizAttempt)
            .where(QuizAttempt.user_id == user_id, QuizAttempt.status == RUNNING)
            .values(status=ABANDONED)
        )

    async def add_attempt(
        self, user_id: int, module_id: str, question_ids: list[str], now: datetime
    ) -> AttemptRecord:
        row = (
            await self._session.execute(
                insert(QuizAttempt)
                .values(
                    user_id=user_id,
                    module_id=module_id,
                    status=RUNNING,
                    question_ids=question_ids,
                    position=0,
                    score=0,
                    total=len(question_ids),
                    started_at=now,
                )
                .returning(*_ATTEMPT)
            )
        ).one()
        return _attempt(row)

    async def get(self, attempt_id: int) -> AttemptRecord | None:
        row = (
            await self._session.execute(select(*_ATTEMPT).where(QuizAttempt.id == attempt_id))
        ).first()
        return _attempt(row) if row else None

    async def running(self, user_id: int) -> AttemptRecord | None:
        row = (
            await self._session.execute(
                select(*_ATTEMPT)
                .where(QuizAttempt.user_id == user_id, QuizAttempt.status == RUNNING)
                .order_by(QuizAttempt.id.desc())
                .limit(1)
            )
        ).first()
        return _attempt(row) if row else None

    async def add_poll(
        self,
        platform: str,
        ref: str,
        attempt_id: int,
        position: int,
        order: list[int],
        now: datetime,
    ) -> None:
        """Record a sent question; one sent again under the same reference (a channel that
        names a question by its attempt and position) replaces the record."""
        await self._session.execute(
            delete(QuizQuestionSent).where(
                QuizQuestionSent.platform == platform, QuizQuestionSent.ref == ref
            )
        )
        await self._session.execute(
            insert(QuizQuestionSent).values(
                platform=platform,
                ref=ref,
                attempt_id=attempt_id,
                position=position,
                option_order=order,
                sent_at=now,
            )
        )

    async def order_sent(self, attempt_id: int, position: int) -> tuple[int, ...] | None:
        """The option order a question of an attempt was last sent in, on any channel."""
        order = await self._session.scalar(
            select(QuizQuestionSent.option_order)
            .where(
                QuizQuestionSent.attempt_id == attempt_id,
                QuizQuestionSent.position == position,
            )
            .order_by(QuizQuestionSent.sent_at.desc())
            .limit(1)
        )
        return tuple(order) if order is not None else None

    async def poll(self, platform: str, ref: str) -> PollRecord | None:
        """The question a channel's reference (a Telegram poll id) names."""
        query = select(QuizQuestionSent).where(
            QuizQuestionSent.platform == platform, QuizQuestionSent.ref == ref
        )
        row = (await self._session.execute(query)).scalar_one_or_none()
        if row is None:
            return None
        return PollRecord(
            row.platform, row.ref, row.attempt_id, row.position, tuple(row.option_order)
        )

    async def record_answer(
        self,
        attempt: AttemptRecord,
        question_id: str,
        chosen: int,
        correct: bool,
        now: datetime,
        *,
        finished: bool,
        passed: bool | None,
    ) -> bool:
        """Store the answer and move the attempt on; False if this position was answered.

        The update only matches while the attempt still stands at this position, so of two
        answers to one question (a retried update, a second poll) only the first counts.
        """
        values: dict[str, Any] = {
            "position": attempt.position + 1,
            "score": QuizAttempt.score + (1 if correct else 0),
        }
        if finished:
            values.update(status=FINISHED, finished_at=now, passed=passed)
        moved = await self._session.execute(
            update(QuizAttempt)
            .where(
                QuizAttempt.id == attempt.id,
                QuizAttempt.status == RUNNING,
                QuizAttempt.position == attempt.position,
            )
            .values(**values)
        )
        if getattr(moved, "rowcount", 0) != 1:
            return False
        try:
            async with self._session.begin_nested():
                await self._session.execute(
                    insert(QuizAnswer).values(
                        attempt_id=attempt.id,
                        position=attempt.position,
                        question_id=question_id,
                        chosen=chosen,
                        correct=correct,
                        answered_at=now,
                    )
                )
        except IntegrityError:
            return False
        return True

    async def answers(self, attempt_id: int) -> list[AnswerRecord]:
        rows = await self._session.execute(
            select(
                QuizAnswer.position, QuizAnswer.question_id, QuizAnswer.chosen, QuizAnswer.correct
            )
            .where(QuizAnswer.attempt_id == attempt_id)
            .order_by(QuizAnswer.position)
        )
        return [AnswerRecord(r.position, r.question_id, r.chosen, r.correct) for r in rows]

    async def best_results(self, user_id: int) -> dict[str, tuple[int, int]]:
        """Module id -> (score, total) of the best passed attempt."""
        rows = await self._session.execute(
            select(QuizAttempt.module_id, QuizAttempt.score, QuizAttempt.total)
            .where(QuizAttempt.user_id == user_id, QuizAttempt.passed.is_(True))
            .order_by(QuizAttempt.id)
        )
        best: dict[str, tuple[int, int]] = {}
        for row in rows:
            old = best.get(row.module_id)
            if old is None or row.score * old[1] > old[0] * row.total:
                best[row.module_id] = (row.score, row.total)
        return best

    async def count_attempts(self, user_id: int) -> tuple[int, int]:
        """(attempts, answers) stored for the user, for /privacy."""
        attempts = await self._session.scalar(
            select(func.count()).select_from(QuizAttempt).where(QuizAttempt.user_id == user_id)
        )
        answers = await self._session.scalar(
            select(func.count())
            .select_from(QuizAnswer)
            .join(QuizAttempt, QuizAttempt.id == QuizAnswer.attempt_id)
            .where(QuizAttempt.user_id == user_id)
        )
        return int(attempts or 0), int(answers or 0)

    async def question_counts(self) -> list[QuestionCount]:
        rows = await self._session.execute(
            select(
                QuizAnswer.question_id,
                func.count(),
                _count_if(QuizAnswer.correct.is_(True)),
            ).group_by(QuizAnswer.question_id)
        )
        return [QuestionCount(r[0], int(r[1]), int(r[2] or 0)) for r in rows]

    async def module_counts(self) -> list[ModuleCount]:
        finished = _count_if(QuizAttempt.status == FINISHED)
        passed = _count_if(QuizAttempt.passed.is_(True))
        rows = await self._session.execute(
            select(QuizAttempt.module_id, func.count(), finished, passed).group_by(
                QuizAttempt.module_id
            )
        )
        return [ModuleCount(r[0], int(r[1]), int(r[2] or 0), int(r[3] or 0)) for r in rows]

    async def delete_for(self, user_id: int) -> None:
        attempts = select(QuizAttempt.id).where(QuizAttempt.user_id == user_id)
        await self._session.execute(
            delete(QuizQuestionSent).where(QuizQuestionSent.attempt_id.in_(attempts))
        )
        await self._session.execute(delete(QuizAnswer).where(QuizAnswer.attempt_id.in_(attempts)))
        await self._session.execute(delete(QuizAttempt).where(QuizAttempt.user_id == user_id))
