"""In-memory limiters keep their memory bounded and forget whoever went quiet."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.services.answer_limit import AnswerLimit
from bot.services.throttle import Throttle

T0 = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
WINDOW = timedelta(minutes=10)


def test_the_limit_still_holds_per_key() -> None:
    throttle = Throttle(3, WINDOW)
    assert [throttle.allow("1.2.3.4", T0) for _ in range(4)] == [True, True, True, False]
    assert throttle.allow("5.6.7.8", T0), "another address has its own tries"
    assert throttle.allow("1.2.3.4", T0 + WINDOW), "the window slides"


def test_keys_idle_for_a_window_are_forgotten_as_new_tries_come() -> None:
    throttle = Throttle(10, WINDOW)
    for n in range(100):
        throttle.allow(f"old-{n}", T0)
    later = T0 + WINDOW + timedelta(seconds=1)
    for n in range(100):
        throttle.allow(f"new-{n}", later)
    assert len(throttle) == 100, "the idle ones went, a few per call, without a scan"


def test_memory_stays_bounded_when_many_keys_are_active() -> None:
    throttle = Throttle(10, WINDOW, max_keys=1000)
    for n in range(5000):
        throttle.allow(f"k{n}", T0)
    assert len(throttle) == 1000


def test_the_answer_counter_forgets_people_after_an_hour() -> None:
    limit = AnswerLimit(limit=2, max_keys=1000)
    for user_id in range(300):
        limit.note(user_id, T0)
    assert limit.allows(7, T0 + timedelta(minutes=1)), "one answer of two allowed"
    later = T0 + timedelta(hours=1, seconds=1)
    for user_id in range(1000, 1300):
        limit.note(user_id, later)
    assert len(limit) == 300, "those who answered an hour ago are forgotten"
    for user_id in range(5000, 8000):
        limit.note(user_id, later)
    assert len(limit) == 1000, "and at most max_keys are remembered"
    limit.note(42, later)
    limit.note(42, later)
    assert not limit.allows(42, later), "two answers in the hour: the third waits"
