"""Consultations: published consultations, answers, opt-ins and the notices already sent."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, exists, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Consultation,
    ConsultationAnswer,
    ConsultationFollower,
    ConsultationNotice,
    ConsultationSubscriber,
    User,
)
from bot.db.repositories.reports import Delivered, apply_report


@dataclass(frozen=True, slots=True)
class ConsultationRecord:
    id: int
    slug: str
    spec: dict[str, Any]
    status: str
    opens_at: datetime
    closes_at: datetime
    published_at: datetime
    outcome: str | None
    outcome_at: datetime | None


@dataclass(frozen=True, slots=True)
class ConsultationAnswerRecord:
    consultation_id: int
    number: int
    section: int
    stance: str
    kind: str
    text: str | None
    channel: str
    file_platform: str | None
    file_kept: bool
    file_id: str | None
    file_size: int | None
    mime_type: str | None
    file_name: str | None
    language: str
    submitted_on: date
    user_id: int | None
    author_name: str | None


@dataclass(frozen=True, slots=True)
class Recipient:
    user_id: int
    language: str | None
    opted_out: bool = False  # STOP: the notice is recorded and counted, never sent


_CONSULTATION = tuple(Consultation.__table__.columns)
_ANSWER = tuple(ConsultationAnswer.__table__.columns)


class ConsultationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def _insert(self) -> Any:
        dialect = self._session.bind.dialect.name if self._session.bind else "sqlite"
        return pg_insert if dialect == "postgresql" else sqlite_insert

    # --- consultations ----------------------------------------------------------------
    async def all(self) -> list[ConsultationRecord]:
        rows = await self._session.execute(select(*_CONSULTATION).order_by(Consultation.id))
        return [ConsultationRecord(**row._mapping) for row in rows]

    async def get(self, consultation_id: int) -> ConsultationRecord | None:
        row = (
            await self._session.execute(
                select(*_CONSULTATION).where(Consultation.id == consultation_id)
            )
        ).first()
        return ConsultationRecord(**row._mapping) if row else None

    async def add(
        self,
        slug: str,
        spec: dict[str, Any],
        status: str,
        opens_at: datetime,
        closes_at: datetime,
        now: datetime,
    ) -> int | None:
        """Publish; None when the slug was published already (by a double tap, say)."""
        stmt = (
            self._insert()(Consultation)
            .values(
                slug=slug,
                spec=spec,
                status=status,
                opens_at=opens_at,
                closes_at=closes_at,
                published_at=now,
            )
            .on_conflict_do_nothing(index_elements=[Consultation.slug])
            .returning(Consultation.id)
        )
        return await self._session.scalar(stmt)

    async def set_status(self, consultation_id: int, status: str) -> None:
        await self._session.execute(
            update(Consultation).where(Consultation.id == consultation_id).values(status=status)
        )

    async def set_outcome(self, consultation_id: int, outcome: str, at: datetime) -> bool:
        """Store the "what changed" note once; False when one was already written."""
        result = await self._session.execute(
            update(Consultation)
            .where(Consultation.id == consultation_id, Consultation.outcome.is_(None))
            .values(outcome=outcome, outcome_at=at)
            .returning(Consultation.id)
        )
        return result.first() is not None

    # --- answers ------------------------------------------------------------------------
    async def numbers(self, consultation_id: int) -> set[int]:
        rows = await self._session.scalars(
            select(ConsultationAnswer.number).where(
                ConsultationAnswer.consultation_id == consultation_id
            )
        )
        return set(rows)

    async def add_answer(self, values: dict[str, Any]) -> bool:
        """Insert an answer; False when its number was taken meanwhile."""
        stmt = (
            self._insert()(ConsultationAnswer)
            .values(**values)
            .on_conflict_do_nothing()
            .returning(ConsultationAnswer.number)
        )
        return (await self._session.scalar(stmt)) is not None

    async def add_answers(self, rows: list[dict[str, Any]]) -> None:
        """Insert a batch of held answers in one statement, in the order given."""
        if rows:
            await self._session.execute(self._insert()(ConsultationAnswer).values(rows))

    async def answer(self, consultation_id: int, number: int) -> ConsultationAnswerRecord | None:
        row = (
            await self._session.execute(
                select(*_ANSWER).where(
                    ConsultationAnswer.consultation_id == consultation_id,
                    ConsultationAnswer.number == number,
                )
            )
        ).first()
        return ConsultationAnswerRecord(**row._mapping) if row else None

    async def answers_of(self, user_id: int) -> list[ConsultationAnswerRecord]:
        rows = await self._session.execute(
            select(*_ANSWER)
            .where(ConsultationAnswer.user_id == user_id)
            .order_by(ConsultationAnswer.consultation_id, ConsultationAnswer.number)
        )
        return [ConsultationAnswerRecord(**row._mapping) for row in rows]

    async def answers(self, consultation_id: int) -> list[ConsultationAnswerRecord]:
        rows = await self._session.execute(
            select(*_ANSWER)
            .where(ConsultationAnswer.consultation_id == consultation_id)
            .order_by(ConsultationAnswer.section, ConsultationAnswer.number)
        )
        return [ConsultationAnswerRecord(**row._mapping) for row in rows]

    async def replace_answer(
        self, consultation_id: int, number: int, user_id: int, values: dict[str, Any]
    ) -> bool:
        result = await self._session.execute(
            update(ConsultationAnswer)
            .where(
                ConsultationAnswer.consultation_id == consultation_id,
                ConsultationAnswer.number == number,
                ConsultationAnswer.user_id == user_id,
            )
            .values(**values)
            .returning(ConsultationAnswer.number)
        )
        return result.first() is not None

    async def delete_answer(self, consultation_id: int, number: int, user_id: int) -> bool:
        result = await self._session.execute(
            delete(ConsultationAnswer)
            .where(
                ConsultationAnswer.consultation_id == consultation_id,
                ConsultationAnswer.number == number,
                ConsultationAnswer.user_id == user_id,
            )
            .returning(ConsultationAnswer.number)
        )
        return result.first() is not None

    async def counts(self, consultation_id: int) -> dict[tuple[int, str], int]:
        """Answers per (section, stance)."""
        rows = await self._session.execute(
            select(ConsultationAnswer.section, ConsultationAnswer.stance, func.count())
            .where(ConsultationAnswer.consultation_id == consultation_id)
            .group_by(ConsultationAnswer.section, ConsultationAnswer.stance)
        )
        return {(section, stance): int(n) for section, stance, n in rows}

    # --- opt-ins ------------------------------------------------------------------------
    async def is_subscribed(self, user_id: int) -> bool:
        found = await self._session.scalar(
            select(ConsultationSubscriber.user_id).where(ConsultationSubscriber.user_id == user_id)
        )
        return found is not None

    async def subscribe(self, user_id: int) -> None:
        await self._session.execute(
            self._insert()(ConsultationSubscriber).values(user_id=user_id).on_conflict_do_nothing()
        )

    async def unsubscribe(self, user_id: int) -> None:
        await self._session.execute(
            delete(ConsultationSubscriber).where(ConsultationSubscriber.user_id == user_id)
        )

    async def follow(self, consultation_id: int, user_id: int) -> None:
        await self._session.execute(
            self._insert()(ConsultationFollower)
            .values(consultation_id=consultation_id, user_id=user_id)
            .on_conflict_do_nothing()
        )

    async def add_followers(self, pairs: list[tuple[int, int]]) -> int:
        """Insert (consultation, user) rows in the order given, skipping people who deleted
        their data meanwhile; return how many rows are new."""
        users = {p[1] for p in pairs}
        known = set(await self._session.scalars(select(User.id).where(User.id.in_(users))))
        values = [{"consultation_id": cid, "user_id": uid} for cid, uid in pairs if uid in known]
        if not values:
            return 0
        added = await self._session.scalars(
            self._insert()(ConsultationFollower)
            .values(values)
            .on_conflict_do_nothing()
            .returning(ConsultationFollower.user_id)
        )
        return len(list(added))

    async def is_following(self, consultation_id: int, user_id: int) -> bool:
        found = await self._session.scalar(
            select(ConsultationFollower.user_id).where(
                ConsultationFollower.consultation_id == consultation_id,
                ConsultationFollower.user_id == user_id,
            )
        )
        return found is not None

    # --- notices ------------------------------------------------------------------------
    async def release_notice(self, consultation_id: int, kind: str, user_id: int) -> None:
        """Forget a claimed notice that was not sent (a flood limit, the network), so the
        next run claims and sends it."""
        await self._session.execute(
            delete(ConsultationNotice).where(
                ConsultationNotice.consultation_id == consultation_id,
                ConsultationNotice.kind == kind,
                ConsultationNotice.user_id == user_id,
            )
        )

    async def finish_notice(
        self, consultation_id: int, kind: str, user_id: int, state: Delivered, ref: str | None
    ) -> None:
        """What became of a claimed notice; `ref`: the digest of the channel's id for it,
        where the channel reports its delivery later."""
        await self._session.execute(
            update(ConsultationNotice)
            .where(
                ConsultationNotice.consultation_id == consultation_id,
                ConsultationNotice.kind == kind,
                ConsultationNotice.user_id == user_id,
            )
            .values(state=state.value, ref=ref)
        )

    async def notice_reported(self, ref: str, state: Delivered) -> bool | None:
        """A status the channel reported for the notice sent as `ref` (as an announcement
        copy's: True when it changed the row, None when no notice has that ref)."""
        return await apply_report(self._session, ConsultationNotice, ref, state)

    async def notice_counts(self, consultation_id: int, kind: str) -> dict[Delivered | None, int]:
        """How many notices of `kind` came to each state (None: claimed, fate unknown)."""
        rows = await self._session.execute(
            select(ConsultationNotice.state, func.count())
            .where(
                ConsultationNotice.consultation_id == consultation_id,
                ConsultationNotice.kind == kind,
            )
            .group_by(ConsultationNotice.state)
        )
        return {(Delivered(state) if state else None): int(n) for state, n in rows}

    async def claim_notices(
        self, consultation_id: int, kind: str, audience: str, limit: int
    ) -> list[Recipient]:
        """Record up to `limit` notices of `kind` not sent yet and return their recipients.

        `audience` is `subscribers` (opted in to hear about consultations) or `participants`
        (named authors and followers). The rows are written before anything is sent, and
        only the rows this call inserted are returned, so two dispatchers never send the
        same notice and a restart never repeats one.
        """
        who: Any
        if audience == "subscribers":
            who = select(ConsultationSubscriber.user_id.label("user_id"))
        else:
            who = (
                select(ConsultationAnswer.user_id.label("user_id"))
                .where(
                    ConsultationAnswer.consultation_id == consultation_id,
                    ConsultationAnswer.user_id.is_not(None),
                )
                .union(
                    select(ConsultationFollower.user_id.label("user_id")).where(
                        ConsultationFollower.consultation_id == consultation_id
                    )
                )
            )
        people = who.subquery()
        sent = exists().where(
            ConsultationNotice.consultation_id == consultation_id,
            ConsultationNotice.kind == kind,
            ConsultationNotice.user_id == people.c.user_id,
        )
        rows = await self._session.execute(
            select(User.id, User.language, User.opted_out_at.is_not(None))
            .join(people, people.c.user_id == User.id)
            .where(User.blocked.is_(False), ~sent)
            .order_by(User.id)
            .limit(limit)
        )
        candidates = {user_id: (language, out) for user_id, language, out in rows}
        if not candidates:
            return []
        claimed = await self._session.scalars(
            self._insert()(ConsultationNotice)
            .values(
                [
                    {"consultation_id": consultation_id, "user_id": user_id, "kind": kind}
                    for user_id in candidates
                ]
            )
            .on_conflict_do_nothing()
            .returning(ConsultationNotice.user_id)
        )
        return [Recipient(user_id, *candidates[user_id]) for user_id in sorted(claimed)]

    # --- privacy ------------------------------------------------------------------------
    async def count_for(self, user_id: int) -> tuple[int, int, int]:
        """Named answers, consultations followed, notices sent."""
        values = []
        for model in (ConsultationAnswer, ConsultationFollower, ConsultationNotice):
            value = await self._session.scalar(
                select(func.count()).select_from(model).where(model.user_id == user_id)
            )
            values.append(int(value or 0))
        return values[0], values[1], values[2]

    async def delete_for(self, user_id: int) -> None:
        for model in (
            ConsultationNotice,
            ConsultationFollower,
            ConsultationSubscriber,
            ConsultationAnswer,
        ):
            await self._session.execute(delete(model).where(model.user_id == user_id))

    async def participant_ids(self, consultation_id: int) -> set[int]:
        """Authors of named answers and written followers: who hears the outcome."""
        named = select(ConsultationAnswer.user_id.label("user_id")).where(
            ConsultationAnswer.consultation_id == consultation_id,
            ConsultationAnswer.user_id.is_not(None),
        )
        followers = select(ConsultationFollower.user_id.label("user_id")).where(
            ConsultationFollower.consultation_id == consultation_id
        )
        rows = await self._session.execute(named.union(followers))
        return {int(user_id) for (user_id,) in rows if user_id is not None}

    async def participants(self, consultation_ids: Sequence[int]) -> int:
        """How many distinct people will hear the outcome (for the admin's confirmation)."""
        total = 0
        for consultation_id in consultation_ids:
            named = select(ConsultationAnswer.user_id.label("user_id")).where(
                ConsultationAnswer.consultation_id == consultation_id,
                ConsultationAnswer.user_id.is_not(None),
            )
            followers = select(ConsultationFollower.user_id.label("user_id")).where(
                ConsultationFollower.consultation_id == consultation_id
            )
            people = named.union(followers).subquery()
            total += int(await self._session.scalar(select(func.count()).select_from(people)) or 0)
        return total
