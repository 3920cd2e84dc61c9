"""Cohorts, their members and invitation codes, and the progress members share."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    CardProgress,
    Cohort,
    CohortMember,
    Invitation,
    QuizAnswer,
    QuizAttempt,
    User,
)


@dataclass(frozen=True, slots=True)
class CohortRecord:
    id: int
    trainer_id: int
    name: str
    language: str
    place: str | None
    created_at: datetime
    members: int = 0


@dataclass(frozen=True, slots=True)
class InvitationRecord:
    code: str
    kind: str  # cohort or trainer
    cohort_id: int | None
    created_by: int
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    used_by: int | None
    used_at: datetime | None


@dataclass(frozen=True, slots=True)
class MemberRecord:
    user_id: int
    display_name: str
    joined_at: datetime
    last_seen_at: datetime


@dataclass(frozen=True, slots=True)
class BestScore:
    score: int
    total: int
    passed: bool


@dataclass(frozen=True, slots=True)
class MissedQuestion:
    question_id: str
    module_id: str
    wrong: int
    answered: int


_COHORT = (
    Cohort.id,
    Cohort.trainer_id,
    Cohort.name,
    Cohort.language,
    Cohort.place,
    Cohort.created_at,
)
_INVITATION = tuple(Invitation.__table__.columns)


def _cohort(row: Any) -> CohortRecord:
    return CohortRecord(**row._mapping)


class CohortRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def _insert(self) -> Any:
        dialect = self._session.bind.dialect.name if self._session.bind else "sqlite"
        return pg_insert if dialect == "postgresql" else sqlite_insert

    # --- cohorts -----------------------------------------------------------------------

    async def add(
        self, trainer_id: int, name: str, language: str, place: str | None, now: datetime
    ) -> int:
        value = await self._session.scalar(
            insert(Cohort)
            .values(
                trainer_id=trainer_id, name=name, language=language, place=place, created_at=now
            )
            .returning(Cohort.id)
        )
        assert value is not None
        return int(value)

    async def get(self, cohort_id: int) -> CohortRecord | None:
        members = (
            select(func.count())
            .select_from(CohortMember)
            .where(CohortMember.cohort_id == Cohort.id)
            .scalar_subquery()
            .label("members")
        )
        row = (
            await self._session.execute(select(*_COHORT, members).where(Cohort.id == cohort_id))
        ).first()
        return _cohort(row) if row else None

    async def of_trainer(self, trainer_id: int) -> list[CohortRecord]:
        members = (
            select(func.count())
            .select_from(CohortMember)
            .where(CohortMember.cohort_id == Cohort.id)
            .scalar_subquery()
            .label("members")
        )
        rows = await self._session.execute(
            select(*_COHORT, members).where(Cohort.trainer_id == trainer_id).order_by(Cohort.id)
        )
        return [_cohort(row) for row in rows]

    async def of_member(self, user_id: int) -> list[CohortRecord]:
        rows = await self._session.execute(
            select(*_COHORT)
            .join(CohortMember, CohortMember.cohort_id == Cohort.id)
            .where(CohortMember.user_id == user_id)
            .order_by(Cohort.id)
        )
        return [_cohort(row) for row in rows]

    # --- members -------------------------------------------------------------------------

    async def add_member(self, cohort_id: int, user_id: int, name: str, now: datetime) -> bool:
        """Add the learner; False when they were already a member."""
        stmt = (
            self._insert()(CohortMember)
            .values(cohort_id=cohort_id, user_id=user_id, display_name=name, joined_at=now)
            .on_conflict_do_nothing(index_elements=[CohortMember.cohort_id, CohortMember.user_id])
            .returning(CohortMember.user_id)
        )
        return (await self._session.execute(stmt)).first() is not None

    async def remove_member(self, cohort_id: int, user_id: int) -> bool:
        result = await self._session.execute(
            delete(CohortMember)
            .where(CohortMember.cohort_id == cohort_id, CohortMember.user_id == user_id)
            .returning(CohortMember.user_id)
        )
        return result.first() is not None

    async def is_member(self, cohort_id: int, user_id: int) -> bool:
        value = await self._session.scalar(
            select(func.count())
            .select_from(CohortMember)
            .where(CohortMember.cohort_id == cohort_id, CohortMember.user_id == user_id)
        )
        return bool(value)

    async def members(self, cohort_id: int) -> list[MemberRecord]:
        rows = await self._session.execute(
            select(
                CohortMember.user_id,
                CohortMember.display_name,
                CohortMember.joined_at,
                User.last_seen_at,
            )
            .join(User, User.id == CohortMember.user_id)
            .where(CohortMember.cohort_id == cohort_id)
            .order_by(CohortMember.joined_at, CohortMember.user_id)
        )
        return [MemberRecord(**row._mapping) for row in rows]

    # --- what members share --------------------------------------------------------------

    async def seen_cards(self, user_ids: Sequence[int]) -> dict[int, set[str]]:
        rows = await self._session.execute(
            select(CardProgress.user_id, CardProgress.card_id).where(
                CardProgress.user_id.in_(user_ids)
            )
        )
        seen: dict[int, set[str]] = defaultdict(set)
        for user_id, card_id in rows:
            seen[user_id].add(card_id)
        return dict(seen)

    async def best_scores(self, user_ids: Sequence[int]) -> dict[int, dict[str, BestScore]]:
        """Each member's best finished attempt per module (highest share, then newest)."""
        rows = await self._session.execute(
            select(
                QuizAttempt.user_id,
                QuizAttempt.module_id,
                QuizAttempt.score,
                QuizAttempt.total,
                QuizAttempt.passed,
            )
            .where(QuizAttempt.user_id.in_(user_ids), QuizAttempt.status == "finished")
            .order_by(QuizAttempt.finished_at)
        )
        best: dict[int, dict[str, BestScore]] = defaultdict(dict)
        for user_id, module_id, score, total, passed in rows:
            current = best[user_id].get(module_id)
            if current is None or score * current.total >= current.score * total:
                best[user_id][module_id] = BestScore(score, total, bool(passed))
        return dict(best)

    async def missed_questions(self, user_ids: Sequence[int], limit: int) -> list[MissedQuestion]:
        """Questions answered wrongly most often by these learners, in finished attempts."""
        rows = await self._session.execute(
            select(
                QuizAnswer.question_id,
                QuizAttempt.module_id,
                QuizAnswer.correct,
                func.count(),
            )
            .join(QuizAttempt, QuizAttempt.id == QuizAnswer.attempt_id)
            .where(QuizAttempt.user_id.in_(user_ids))
            .group_by(QuizAnswer.question_id, QuizAttempt.module_id, QuizAnswer.correct)
        )
        counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
        for question_id, module_id, correct, n in rows:
            entry = counts[(question_id, module_id)]
            entry[1] += int(n)
            if not correct:
                entry[0] += int(n)
        missed = [
            MissedQuestion(question_id, module_id, wrong_n, answered)
            for (question_id, module_id), (wrong_n, answered) in counts.items()
            if wrong_n > 0
        ]
        missed.sort(key=lambda m: (-m.wrong, -m.wrong / m.answered, m.question_id))
        return missed[:limit]

    # --- invitations ---------------------------------------------------------------------

    async def add_invitation(
        self,
        code: str,
        kind: str,
        created_by: int,
        now: datetime,
        expires_at: datetime | None,
        cohort_id: int | None = None,
    ) -> None:
        await self._session.execute(
            insert(Invitation).values(
                code=code,
                kind=kind,
                cohort_id=cohort_id,
                created_by=created_by,
                created_at=now,
                expires_at=expires_at,
            )
        )

    async def invitation(self, code: str) -> InvitationRecord | None:
        row = (
            await self._session.execute(select(*_INVITATION).where(Invitation.code == code))
        ).first()
        return InvitationRecord(**row._mapping) if row else None

    async def live_invitation(self, cohort_id: int, now: datetime) -> InvitationRecord | None:
        """The cohort's newest code that is neither revoked nor expired."""
        row = (
            await self._session.execute(
                select(*_INVITATION)
                .where(
                    Invitation.cohort_id == cohort_id,
                    Invitation.revoked_at.is_(None),
                    or_(Invitation.expires_at.is_(None), Invitation.expires_at > now),
                )
                .order_by(Invitation.created_at.desc())
                .limit(1)
            )
        ).first()
        return InvitationRecord(**row._mapping) if row else None

    async def revoke_cohort_invitations(self, cohort_id: int, now: datetime) -> None:
        await self._session.execute(
            update(Invitation)
            .where(Invitation.cohort_id == cohort_id, Invitation.revoked_at.is_(None))
            .values(revoked_at=now)
        )

    async def revoke_invitations_of(self, trainer_id: int, now: datetime) -> None:
        """Every live code to the cohorts a trainer runs."""
        owned = select(Cohort.id).where(Cohort.trainer_id == trainer_id).scalar_subquery()
        await self._session.execute(
            update(Invitation)
            .where(Invitation.cohort_id.in_(owned), Invitation.revoked_at.is_(None))
            .values(revoked_at=now)
        )

    async def use_invitation(self, code: str, user_id: int, now: datetime) -> bool:
        """Take a one-time code; False if someone took it first (one statement, no race)."""
        result = await self._session.execute(
            update(Invitation)
            .where(
                Invitation.code == code,
                Invitation.used_by.is_(None),
                Invitation.revoked_at.is_(None),
            )
            .values(used_by=user_id, used_at=now)
            .returning(Invitation.code)
        )
        return result.first() is not None

    # --- trainers ------------------------------------------------------------------------

    async def trainers(self) -> list[tuple[int, int]]:
        """(user id, number of cohorts) of every trainer."""
        cohorts = (
            select(func.count())
            .select_from(Cohort)
            .where(Cohort.trainer_id == User.id)
            .scalar_subquery()
        )
        rows = await self._session.execute(
            select(User.id, cohorts).where(User.role == "trainer").order_by(User.id)
        )
        return [(int(user_id), int(n)) for user_id, n in rows]

    # --- privacy -------------------------------------------------------------------------

    async def delete_for(self, user_id: int) -> None:
        """Memberships, the cohorts and codes the user made (with their members), and the
        one-time trainer codes they used: blanking `used_by` would make a used code work
        again, and the row says nothing once its user is gone."""
        owned = select(Cohort.id).where(Cohort.trainer_id == user_id).scalar_subquery()
        await self._session.execute(
            delete(CohortMember).where(
                or_(CohortMember.user_id == user_id, CohortMember.cohort_id.in_(owned))
            )
        )
        await self._session.execute(
            delete(Invitation).where(
                or_(
                    Invitation.created_by == user_id,
                    Invitation.cohort_id.in_(owned),
                    Invitation.used_by == user_id,
                )
            )
        )
        await self._session.execute(delete(Cohort).where(Cohort.trainer_id == user_id))
