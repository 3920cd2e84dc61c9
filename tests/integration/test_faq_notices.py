"""Staff notices claimed by two processes at once: each notice goes to exactly one of them,
and one claimed is never claimed again (a notice must not come twice)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db import models as m
from bot.db.engine import create_engine
from bot.services import faq
from bot.services.faq import NoticeState
from tests.integration.conftest import uow_for

T0 = datetime(2027, 3, 2, 10, 30, tzinfo=UTC)
LEARNER, STAFF = 7_000_001, 7_000_100
QUESTIONS = 60  # more than one claim's batch


async def _questions(engine: AsyncEngine) -> None:
    async with uow_for(engine) as uow:
        for user_id, role in ((LEARNER, "learner"), (STAFF, "trainer")):
            await uow.session.execute(
                insert(m.User).values(
                    id=user_id, role=role, first_seen_at=T0, last_seen_at=T0, blocked=False
                )
            )
        for n in range(QUESTIONS):
            question = await uow.faq.add_question(LEARNER, "en", f"question {n}", T0, None, None)
            await uow.faq.add_notices(question.id, None, [STAFF], T0)
        await uow.commit()


async def test_two_processes_claiming_at_once_share_the_notices_without_overlap(
    engine: AsyncEngine, database_url: str
) -> None:
    await _questions(engine)
    other = create_engine(database_url)
    claimed: list[list[int]] = [[], []]

    async def dispatcher(db: AsyncEngine, mine: list[int]) -> None:
        while True:
            async with uow_for(db) as uow:
                ready, count = await faq.claim_notices(uow, T0)
            mine.extend(n.question.id for n in ready)
            for notice in ready:
                async with uow_for(db) as uow:
                    await faq.finish_notice(uow, notice, NoticeState.SENT, T0)
            if count == 0:
                return

    try:
        await asyncio.gather(dispatcher(engine, claimed[0]), dispatcher(other, claimed[1]))
    finally:
        await other.dispose()
    first, second = claimed
    assert set(first).isdisjoint(second)
    assert len(first + second) == len(set(first + second)) == QUESTIONS, "each once"


async def test_a_postponed_notice_waits_and_a_claimed_one_is_not_claimed_again(
    engine: AsyncEngine,
) -> None:
    await _questions(engine)
    async with uow_for(engine) as uow:
        ready, _ = await faq.claim_notices(uow, T0)
    first = ready[0]
    async with uow_for(engine) as uow:
        await faq.postpone_notice(uow, first.id, T0 + timedelta(minutes=1))
    async with uow_for(engine) as uow:
        again, _ = await faq.claim_notices(uow, T0 + timedelta(seconds=59))
    assert first.id not in {n.id for n in again}, "not before its time"
    assert {n.id for n in again}.isdisjoint({n.id for n in ready}), "claimed once only"
    async with uow_for(engine) as uow:
        later, _ = await faq.claim_notices(uow, T0 + timedelta(minutes=1))
    assert first.id in {n.id for n in later}
