"""Reminder settings and the dispatcher's steps against the in-memory unit of work.

`decide` itself (weekly limit, quiet hours, grace, days) is tested in test_schedule.py; here
what the service does with a decision: who is reached, on which channel, what is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest

from bot.db.repositories import Outcome, ReminderRecord
from bot.errors import StaleButton
from bot.services import reminders
from bot.services.schedule import EVENING, EVERY_DAY, GRACE, INACTIVE_FOR, days_to_mask
from tests.unit.fakes import FakeDatabase
from tests.unit.small_course import NOW, small_course

COURSE = small_course()
DUE = datetime(2026, 3, 26, 18, tzinfo=UTC)  # 18:00 in Conakry, UTC all year
LONG_AGO = DUE - timedelta(days=5)
CONAKRY = "Africa/Conakry"


def _due(
    db: FakeDatabase,
    user_id: int,
    accounts: Sequence[tuple[str, str]] = (),
    *,
    blocked: bool = False,
) -> None:
    """A learner idle for five days whose every-evening reminder is due (and claimed) now."""
    db.add_user(user_id, LONG_AGO, time_zone=CONAKRY, blocked=blocked, accounts=accounts)
    db.committed.reminders[user_id] = ReminderRecord(
        user_id, True, days_to_mask(EVERY_DAY), EVENING, DUE, DUE + timedelta(minutes=5), None
    )


@pytest.fixture
def db() -> FakeDatabase:
    return FakeDatabase()


async def test_turning_off_what_was_never_on_writes_nothing(db: FakeDatabase) -> None:
    db.add_user(1, NOW)
    uow = db.uow()
    assert not await reminders.turn_off(uow, 1)
    assert uow.commits == 0 and not db.committed.reminders


async def test_turning_off_keeps_the_chosen_time(db: FakeDatabase) -> None:
    user = db.add_user(1, NOW)
    await reminders.change_time(db.uow(), user, "en", NOW, hour=8)
    on = await reminders.turn_on(db.uow(), db.committed.users[1], "en", NOW)
    assert on.enabled and on.when.hour == 8 and on.next_due_at is not None
    assert await reminders.turn_off(db.uow(), 1)
    row = db.committed.reminders[1]
    assert (row.enabled, row.hour, row.next_due_at) == (False, 8, None)
    back = await reminders.turn_on(db.uow(), db.committed.users[1], "en", NOW)
    assert back.when.hour == 8, "turned on again at the time chosen before"


async def test_the_zone_is_fixed_once_reminders_are_used(db: FakeDatabase) -> None:
    user = db.add_user(1, NOW, language="pt")
    settings = await reminders.turn_on(db.uow(), user, "pt", NOW)
    assert db.committed.users[1].time_zone == settings.zone
    assert settings.next_due_at is not None and settings.next_due_at > NOW


async def test_a_forged_hour_is_a_stale_button(db: FakeDatabase) -> None:
    user = db.add_user(1, NOW)
    for hour in (3, 22, 99):
        with pytest.raises(StaleButton):
            await reminders.change_time(db.uow(), user, "en", NOW, hour=hour)
    assert not db.committed.reminders


async def test_the_last_day_cannot_be_removed(db: FakeDatabase) -> None:
    user = db.add_user(1, NOW)
    await reminders.change_time(db.uow(), user, "en", NOW, days=frozenset({2}))
    uow = db.uow()
    settings = await reminders.toggle_day(uow, db.committed.users[1], "en", 2, NOW)
    assert settings.when.days == frozenset({2}) and uow.commits == 0
    settings = await reminders.toggle_day(db.uow(), db.committed.users[1], "en", 4, NOW)
    assert settings.when.days == frozenset({2, 4})
    assert db.committed.reminders[1].days == days_to_mask({2, 4})


async def test_a_due_reminder_goes_to_the_oldest_account_on_a_running_channel(
    db: FakeDatabase,
) -> None:
    _due(db, 1, [("whatsapp", "+224600"), ("telegram", "111"), ("telegram", "112")])
    uow = db.uow()
    await uow.progress.save_seen(1, "m1b-2", "m1", LONG_AGO)
    await uow.commit()
    (delivery,) = await reminders.prepare(db.uow(), COURSE, [1], DUE, platforms=("telegram",))
    assert (delivery.platform, delivery.address) == ("telegram", "111")
    assert delivery.place.card.id == "m1b-2", "the reminder opens where the learner stopped"
    assert delivery.next_due_at == DUE + INACTIVE_FOR
    assert db.committed.reminders[1].lease_until is not None, "held until the send is recorded"


async def test_a_learner_no_running_channel_reaches_is_moved_on_not_sent(
    db: FakeDatabase,
) -> None:
    _due(db, 1, [("whatsapp", "+224600")])
    assert await reminders.prepare(db.uow(), COURSE, [1], DUE, platforms=("telegram",)) == []
    row = db.committed.reminders[1]
    assert row.lease_until is None and row.next_due_at == DUE + INACTIVE_FOR


async def test_a_blocked_learner_is_parked(db: FakeDatabase) -> None:
    _due(db, 1, [("telegram", "111")], blocked=True)
    assert await reminders.prepare(db.uow(), COURSE, [1], DUE) == []
    assert db.committed.reminders[1].next_due_at is None
    assert db.committed.reminder_log == []


async def test_a_reminder_too_late_after_downtime_is_logged_skipped(db: FakeDatabase) -> None:
    _due(db, 1, [("telegram", "111")])
    late = DUE + GRACE + timedelta(minutes=1)
    assert await reminders.prepare(db.uow(), COURSE, [1], late) == []
    (log,) = db.committed.reminder_log
    assert (log.outcome, log.due_at) == (Outcome.SKIPPED, DUE)
    assert db.committed.reminders[1].next_due_at == DUE + timedelta(days=1)


async def test_two_sent_this_week_hold_the_third_back(db: FakeDatabase) -> None:
    _due(db, 1, [("telegram", "111")])
    uow = db.uow()
    for days in (6, 3):
        sent = DUE - timedelta(days=days)
        await uow.reminders.log(1, sent, sent, Outcome.SENT)
    await uow.commit()
    assert await reminders.prepare(db.uow(), COURSE, [1], DUE) == []
    assert db.committed.reminders[1].next_due_at == DUE + timedelta(days=1)


async def test_a_blocked_send_marks_the_learner_and_parks_the_reminder(
    db: FakeDatabase,
) -> None:
    _due(db, 1, [("telegram", "111")])
    (delivery,) = await reminders.prepare(db.uow(), COURSE, [1], DUE)
    await reminders.record(db.uow(), delivery, Outcome.BLOCKED, DUE)
    assert db.committed.users[1].blocked
    row = db.committed.reminders[1]
    assert row.next_due_at is None and row.last_sent_at is None


async def test_a_failed_send_is_spaced_like_a_sent_one(db: FakeDatabase) -> None:
    _due(db, 1, [("telegram", "111")])
    _due(db, 2, [("telegram", "222")])
    sent, failed = await reminders.prepare(db.uow(), COURSE, [1, 2], DUE)
    await reminders.record(db.uow(), sent, Outcome.SENT, DUE)
    await reminders.record(db.uow(), failed, Outcome.FAILED, DUE)
    one, two = db.committed.reminders[1], db.committed.reminders[2]
    assert one.next_due_at == two.next_due_at == DUE + INACTIVE_FOR
    assert (one.last_sent_at, two.last_sent_at) == (DUE, None)
    assert not db.committed.users[2].blocked


async def test_a_reminder_that_could_not_go_out_waits_for_its_retry(db: FakeDatabase) -> None:
    _due(db, 1, [("telegram", "111")])
    (delivery,) = await reminders.prepare(db.uow(), COURSE, [1], DUE)
    await reminders.retry_later(db.uow(), delivery, DUE + timedelta(seconds=30))
    row = db.committed.reminders[1]
    assert row.next_due_at == DUE and row.lease_until == DUE + timedelta(seconds=30)
    assert db.committed.reminder_log == []
