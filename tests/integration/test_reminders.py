"""The reminder dispatcher's database side on SQLite and PostgreSQL: claim, lease, restart."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import PROJECT_ROOT
from bot.content import Course
from bot.db.engine import create_engine
from bot.db.repositories import Outcome
from bot.services import learners, reminders
from bot.services.reminders import LEASE, Delivery
from tests.accounts import arrive_as
from tests.conftest import course_of
from tests.integration.conftest import uow_for

T0 = datetime(2026, 3, 23, 10, tzinfo=UTC)  # a Monday
# French learners get Conakry's zone (UTC all year): every evening at 18:00 UTC, and the
# first reminder after three days without activity.
DUE = datetime(2026, 3, 26, 18, tzinfo=UTC)


@pytest.fixture(scope="module")
def course() -> Course:
    return course_of(PROJECT_ROOT / "content")


async def _opt_in(engine: AsyncEngine, user_id: int, now: datetime = T0) -> datetime | None:
    async with uow_for(engine) as uow:
        await arrive_as(uow, user_id, now, is_admin=False)
        await learners.choose_language(uow, user_id, "fr", now)
    async with uow_for(engine) as uow:
        user = await uow.users.get(user_id)
        assert user is not None
        settings = await reminders.turn_on(uow, user, "fr", now)
    return settings.next_due_at


async def _claim(engine: AsyncEngine, now: datetime) -> set[int]:
    async with uow_for(engine) as uow:
        return set(await reminders.claim_due(uow, now))


async def _due(
    engine: AsyncEngine, course: Course, now: datetime, limit: int = reminders.BATCH
) -> list[Delivery]:
    """A dispatcher's claim and decision: the reminders to send now."""
    async with uow_for(engine) as uow:
        claimed = await reminders.claim_due(uow, now, limit)
    async with uow_for(engine) as uow:
        return await reminders.prepare(uow, course, claimed, now)


async def _record(
    engine: AsyncEngine, deliveries: list[Delivery], now: datetime, outcome: Outcome
) -> list[int]:
    """Record the deliveries as if sent with this outcome; return their users."""
    for delivery in deliveries:
        async with uow_for(engine) as uow:
            await reminders.record(uow, delivery, outcome, now)
    return [delivery.user_id for delivery in deliveries]


async def test_opting_in_schedules_after_three_quiet_days(engine: AsyncEngine) -> None:
    assert await _opt_in(engine, 1) == DUE
    async with uow_for(engine) as uow:
        user = await uow.users.get(1)
        assert user is not None and user.time_zone == "Africa/Conakry"


async def test_a_claim_is_leased_and_a_lapsed_lease_is_claimed_again_once(
    engine: AsyncEngine,
) -> None:
    for user_id in (1, 2, 3):
        await _opt_in(engine, user_id)
    assert await _claim(engine, DUE - timedelta(minutes=1)) == set()
    assert await _claim(engine, DUE) == {1, 2, 3}
    assert await _claim(engine, DUE + timedelta(minutes=1)) == set(), "leased"
    # the dispatcher "crashed" before recording anything
    assert await _claim(engine, DUE + LEASE - timedelta(seconds=1)) == set()
    assert await _claim(engine, DUE + LEASE + timedelta(seconds=1)) == {1, 2, 3}
    assert await _claim(engine, DUE + LEASE + timedelta(seconds=2)) == set()


async def test_exactly_once_across_a_restart(
    engine: AsyncEngine, database_url: str, course: Course
) -> None:
    await _opt_in(engine, 7)
    assert [d.user_id for d in await _due(engine, course, DUE)] == [7]
    await engine.dispose()  # the process dies here: nothing was sent or recorded

    restarted = create_engine(database_url)
    sent: list[int] = []
    try:
        for minutes in (1, 2, 4, 6, 7, 30):
            now = DUE + timedelta(minutes=minutes)
            sent += await _record(restarted, await _due(restarted, course, now), now, Outcome.SENT)
        assert sent == [7], "claimed again after the lease ran out, and sent once"
        async with uow_for(restarted) as uow:
            record = await uow.reminders.get(7)
            assert record is not None and record.last_sent_at == DUE + timedelta(minutes=6)
            assert record.next_due_at == DUE + timedelta(days=3), "three more quiet days"
            assert record.lease_until is None
            assert await uow.reminders.count_log(7) == 1
    finally:
        await restarted.dispose()


async def test_after_long_downtime_a_missed_reminder_is_skipped(
    engine: AsyncEngine, course: Course
) -> None:
    await _opt_in(engine, 8)
    late = DUE + timedelta(hours=7)
    assert await _due(engine, course, late) == []
    async with uow_for(engine) as uow:
        record = await uow.reminders.get(8)
        assert record is not None and record.next_due_at == DUE + timedelta(days=1)
        assert (await reminders.stats(uow, late)).skipped == 1
    assert await _claim(engine, late + timedelta(minutes=1)) == set(), "not twice"


async def test_an_active_learner_is_rescheduled_not_reminded(
    engine: AsyncEngine, course: Course
) -> None:
    await _opt_in(engine, 9)
    async with uow_for(engine) as uow:
        await arrive_as(uow, 9, DUE - timedelta(days=1), is_admin=False)
    assert await _due(engine, course, DUE) == []
    async with uow_for(engine) as uow:
        record = await uow.reminders.get(9)
    assert record is not None and record.next_due_at == DUE + timedelta(days=2)
    async with uow_for(engine) as uow:
        assert await uow.reminders.count_log(9) == 0, "not a skip: nothing was due"


async def test_a_blocked_learner_is_parked_until_they_write(
    engine: AsyncEngine, course: Course
) -> None:
    await _opt_in(engine, 10)
    assert await _record(engine, await _due(engine, course, DUE), DUE, Outcome.BLOCKED) == [10]
    async with uow_for(engine) as uow:
        assert await uow.users.is_blocked(10)
        record = await uow.reminders.get(10)
        assert record is not None and record.enabled and record.next_due_at is None
        assert (await reminders.stats(uow, DUE)).blocked == 1
    assert await _claim(engine, DUE + timedelta(days=30)) == set()

    back = DUE + timedelta(days=40)
    async with uow_for(engine) as uow:
        await arrive_as(uow, 10, back, is_admin=False)
    async with uow_for(engine) as uow:
        record = await uow.reminders.get(10)
        assert record is not None and record.next_due_at == back, "woken, to be rescheduled"


async def test_two_dispatchers_on_postgresql_claim_disjoint_rows(
    engine: AsyncEngine, database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has one writer: a second claim waits for the first to commit")
    for user_id in range(20, 30):
        await _opt_in(engine, user_id)
    other = create_engine(database_url)
    try:
        async with uow_for(engine) as first, uow_for(other) as second:
            mine = await first.reminders.claim(DUE, DUE + LEASE, 4)
            # the first transaction still holds its rows: the second skips them, unblocked
            theirs = await asyncio.wait_for(second.reminders.claim(DUE, DUE + LEASE, 100), 5)
            await first.commit()
            await second.commit()
    finally:
        await other.dispose()
    assert len(mine) == 4 and len(theirs) == 6
    assert set(mine).isdisjoint(theirs) and set(mine) | set(theirs) == set(range(20, 30))


async def test_concurrent_ticks_send_each_reminder_once(
    engine: AsyncEngine, database_url: str, course: Course
) -> None:
    """Two dispatchers (separate engines, as in two processes) racing over 30 due rows."""
    for user_id in range(40, 70):
        await _opt_in(engine, user_id)
    other = create_engine(database_url)
    sent: list[int] = []

    async def dispatcher(db: AsyncEngine) -> None:
        while deliveries := await _due(db, course, DUE, limit=7):
            sent.extend(await _record(db, deliveries, DUE, Outcome.SENT))

    try:
        await asyncio.gather(dispatcher(engine), dispatcher(other))
    finally:
        await other.dispose()
    assert sorted(sent) == list(range(40, 70))


async def test_deleting_a_learner_erases_their_reminders(
    engine: AsyncEngine, course: Course
) -> None:
    await _opt_in(engine, 11)
    assert await _record(engine, await _due(engine, course, DUE), DUE, Outcome.SENT) == [11]
    async with uow_for(engine) as uow:
        await learners.delete_everything(uow, 11)
    async with uow_for(engine) as uow:
        assert await uow.reminders.get(11) is None
        assert await uow.reminders.count_log(11) == 0
        assert (await reminders.stats(uow, DUE)).opted_in == 0


async def test_turning_reminders_off_while_one_is_sent_keeps_them_off(
    engine: AsyncEngine, course: Course
) -> None:
    await _opt_in(engine, 12)
    deliveries = await _due(engine, course, DUE)
    async with uow_for(engine) as uow:
        assert await reminders.turn_off(uow, 12)  # "Stop reminders" under an older one
    assert await _record(engine, deliveries, DUE, Outcome.SENT) == [12]
    async with uow_for(engine) as uow:
        record = await uow.reminders.get(12)
    assert record is not None and not record.enabled and record.next_due_at is None
    assert record.last_sent_at == DUE and record.lease_until is None
