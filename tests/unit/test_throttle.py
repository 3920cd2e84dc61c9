"""In-memory limiters keep their memory bounded and forget whoever went quiet."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.ratelimits.counters import LocalCounter
from bot.services.answer_limit import AnswerLimit

T0 = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
WINDOW = timedelta(minutes=10)


async def test_the_limit_still_holds_per_key() -> None:
    throttle = LocalCounter(3, WINDOW)
    assert [await throttle.allow("1.2.3.4", T0) for _ in range(4)] == [True, True, True, False]
    assert await throttle.allow("5.6.7.8", T0), "another address has its own tries"
    assert await throttle.allow("1.2.3.4", T0 + WINDOW), "the window slides"


async def test_keys_idle_for_a_window_are_forgotten_as_new_tries_come() -> None:
    throttle = LocalCounter(10, WINDOW)
    for n in range(100):
        await throttle.allow(f"old-{n}", T0)
    later = T0 + WINDOW + timedelta(seconds=1)
    for n in range(100):
        await throttle.allow(f"new-{n}", later)
    assert len(throttle) == 100, "the idle ones went, a few per call, without a scan"


async def test_memory_stays_bounded_when_many_keys_are_active() -> None:
    throttle = LocalCounter(10, WINDOW, max_keys=1000)
    for n in range(5000):
        await throttle.allow(f"k{n}", T0)
    assert len(throttle) == 1000


async def test_a_forgotten_key_starts_afresh_at_once() -> None:
    throttle = LocalCounter(2, WINDOW)
    assert [await throttle.allow("7", T0) for _ in range(3)] == [True, True, False]
    await throttle.forget("7")
    assert len(throttle) == 0
    assert await throttle.allow("7", T0), "no try of the forgotten key is left"


async def test_the_answer_counter_forgets_people_after_an_hour() -> None:
    counter = LocalCounter(2, timedelta(hours=1), max_keys=1000)
    limit = AnswerLimit(counter)
    for user_id in range(300):
        await limit.note(user_id, T0)
    assert await limit.allows(7, T0 + timedelta(minutes=1)), "one answer of two allowed"
    later = T0 + timedelta(hours=1, seconds=1)
    for user_id in range(1000, 1300):
        await limit.note(user_id, later)
    assert len(counter) == 300, "those who answered an hour ago are forgotten"
    for user_id in range(5000, 8000):
        await limit.note(user_id, later)
    assert len(counter) == 1000, "and at most max_keys are remembered"
    await limit.note(42, later)
    await limit.note(42, later)
    assert not await limit.allows(42, later), "two answers in the hour: the third waits"
