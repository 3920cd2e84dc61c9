"""The claim of an incoming event: first delivery wins, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.engine import create_engine
from bot.db.models import ProcessedEvent
from bot.db.uow import UnitOfWork
from bot.services import processed
from tests.integration.conftest import uow_for

T0 = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)
WAMID = "wamid.HBgMMjI0NjIxMjM0NTY3FQIAEhggM0EwMzZGMjM3QjE1NzMyRDQ1NjAA"


async def _claim(uow: UnitOfWork, platform: str, event_id: str, now: datetime) -> bool:
    """A turn's claim, committed as the turn's first commit would."""
    claimed = await processed.claim_in_turn(uow, platform, event_id, now)
    await uow.commit()
    return claimed


async def test_an_event_is_claimed_once_per_platform(engine: AsyncEngine) -> None:
    async with uow_for(engine) as uow:
        assert await _claim(uow, "whatsapp", WAMID, T0)
    async with uow_for(engine) as uow:
        assert not await _claim(uow, "whatsapp", WAMID, T0 + timedelta(hours=1))
        assert await _claim(uow, "telegram", WAMID, T0), "another platform's"
        assert await _claim(uow, "whatsapp", WAMID + "x", T0)


async def test_a_claim_not_committed_does_not_count(engine: AsyncEngine) -> None:
    async with uow_for(engine) as uow:
        assert await uow.processed.first_time("telegram", "77", T0)
    async with uow_for(engine) as uow:
        assert await uow.processed.first_time("telegram", "77", T0)


async def test_only_a_digest_of_the_id_and_the_hour_are_stored(engine: AsyncEngine) -> None:
    async with uow_for(engine) as uow:
        await _claim(uow, "whatsapp", WAMID, T0 + timedelta(minutes=23))
    async with uow_for(engine) as uow:
        [(stored, seen_at)] = (
            await uow.session.execute(select(ProcessedEvent.event_id, ProcessedEvent.seen_at))
        ).all()
    assert WAMID not in stored and len(stored) == 64
    assert seen_at == T0, "the hour only"


async def test_two_instances_claiming_at_once_have_one_winner(
    engine: AsyncEngine, database_url: str
) -> None:
    other = create_engine(database_url)
    try:

        async def claim(on: AsyncEngine) -> bool:
            async with uow_for(on) as uow:
                return await _claim(uow, "telegram", "1001", T0)

        results = await asyncio.gather(*(claim(e) for e in (engine, other, engine, other)))
    finally:
        await other.dispose()
    assert sorted(results) == [False, False, False, True]


async def test_old_claims_are_pruned(engine: AsyncEngine) -> None:
    async with uow_for(engine) as uow:
        await _claim(uow, "telegram", "old", T0)
        await _claim(uow, "telegram", "recent", T0 + timedelta(days=7))
    async with uow_for(engine) as uow:
        await processed.prune(uow, T0 + processed.KEPT + timedelta(minutes=1))
    async with uow_for(engine) as uow:
        assert await _claim(uow, "telegram", "old", T0), "forgotten"
        assert not await _claim(uow, "telegram", "recent", T0)
