"""Reminder times across time zones and daylight-saving changes (property-based)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from bot.services.schedule import (
    EVENING,
    EVERY_DAY,
    GRACE,
    HOURS,
    INACTIVE_FOR,
    MAX_PER_WEEK,
    MORNING,
    WEEK,
    WEEKDAYS,
    Action,
    ReminderState,
    ReminderTime,
    days_to_mask,
    decide,
    first_due,
    is_quiet,
    mask_to_days,
    next_due,
)

# Our learners' zones, and zones with unusual changes: Sao Paulo's DST until 2019 (changing
# at midnight), Sydney and Paris (DST both ways), Lord Howe (30-minute DST), Chatham
# (+12:45/+13:45), Santiago, Tehran (DST until 2022), Apia (skipped 30 December 2011).
ZONES = [
    "Africa/Conakry",
    "Asia/Kolkata",
    "America/Sao_Paulo",
    "America/Belem",
    "Australia/Brisbane",
    "Australia/Sydney",
    "Europe/Paris",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "America/Santiago",
    "Asia/Tehran",
    "Pacific/Apia",
    "America/St_Johns",
]

# Hypothesis takes naive bounds and adds the zone.
instants = st.datetimes(
    min_value=datetime(1995, 1, 1),  # noqa: DTZ001
    max_value=datetime(2040, 1, 1),  # noqa: DTZ001
    timezones=st.just(UTC),
)
zones = st.sampled_from(ZONES).map(ZoneInfo)
choices = st.builds(
    ReminderTime,
    days=st.frozensets(st.integers(0, 6), min_size=1),
    hour=st.sampled_from(HOURS),
)


def _exists(local: datetime) -> bool:
    """Whether a wall time shows on the clock (is not in a spring-forward gap)."""
    tz = local.tzinfo
    assert tz is not None
    return local.astimezone(UTC).astimezone(tz).replace(tzinfo=None) == local.replace(tzinfo=None)


@settings(max_examples=300, deadline=None)
@given(not_before=instants, when=choices, tz=zones)
def test_due_times_are_on_chosen_days_outside_quiet_hours_never_in_the_past(
    not_before: datetime, when: ReminderTime, tz: ZoneInfo
) -> None:
    due = next_due(not_before, when, tz)
    local = due.astimezone(tz)
    assert due >= not_before
    assert due.tzinfo is UTC
    assert not is_quiet(due, tz)
    assert local.weekday() in when.days
    wall = local.replace(hour=when.hour, minute=0, second=0, microsecond=0)
    assert local.minute == 0 or not _exists(wall), "on the hour unless the hour was skipped"
    assert local.hour == when.hour or not _exists(wall)
    assert due - not_before < timedelta(days=8, hours=2)


@settings(max_examples=150, deadline=None)
@given(not_before=instants, when=choices, tz=zones)
def test_no_earlier_reminder_time_is_passed_over(
    not_before: datetime, when: ReminderTime, tz: ZoneInfo
) -> None:
    """Brute force: no instant between `not_before` and the answer shows the chosen hour.

    Every UTC offset in use since 1995 is a multiple of 15 minutes, so quarter-hour steps
    meet every local o'clock.
    """
    due = next_due(not_before, when, tz)
    step = timedelta(minutes=15)
    moment = not_before.replace(minute=not_before.minute // 15 * 15, second=0, microsecond=0)
    while moment < due:
        local = moment.astimezone(tz)
        if moment >= not_before:
            assert not (
                local.hour == when.hour and local.minute == 0 and local.weekday() in when.days
            ), f"{moment} ({local}) was a valid time before {due}"
        moment += step


@pytest.mark.parametrize(
    ("zone", "not_before", "hour", "expected"),
    [
        # Paris springs forward on 29 March 2026 (+01:00 -> +02:00): 08:00 is 07:00 then 06:00 UTC
        ("Europe/Paris", "2026-03-28T00:00", MORNING, "2026-03-28T07:00"),
        ("Europe/Paris", "2026-03-28T08:00", MORNING, "2026-03-29T06:00"),
        # Sydney falls back on 5 April 2026 (+11:00 -> +10:00)
        ("Australia/Sydney", "2026-04-04T00:00", EVENING, "2026-04-04T07:00"),
        ("Australia/Sydney", "2026-04-04T08:00", EVENING, "2026-04-05T08:00"),
        # Sao Paulo's DST began at midnight on 4 November 2018 (-03:00 -> -02:00)
        ("America/Sao_Paulo", "2018-11-03T00:00", MORNING, "2018-11-03T11:00"),
        ("America/Sao_Paulo", "2018-11-03T12:00", MORNING, "2018-11-04T10:00"),
        # Apia skipped 30 December 2011 entirely: the 31st follows the 29th, once
        ("Pacific/Apia", "2011-12-29T20:00", MORNING, "2011-12-30T18:00"),
        # Brisbane has no DST: 18:00 is always 08:00 UTC
        ("Australia/Brisbane", "2026-10-04T00:00", EVENING, "2026-10-04T08:00"),
        # Kolkata's half-hour offset: 18:00 is 12:30 UTC
        ("Asia/Kolkata", "2026-01-01T13:00", EVENING, "2026-01-02T12:30"),
    ],
)
def test_daylight_saving_examples(zone: str, not_before: str, hour: int, expected: str) -> None:
    start = datetime.fromisoformat(not_before).replace(tzinfo=UTC)
    due = next_due(start, ReminderTime(EVERY_DAY, hour), ZoneInfo(zone))
    assert due == datetime.fromisoformat(expected).replace(tzinfo=UTC)


def test_apia_skipped_day_gives_the_31st_local() -> None:
    due = next_due(
        datetime(2011, 12, 29, 20, tzinfo=UTC),
        ReminderTime(EVERY_DAY, MORNING),
        ZoneInfo("Pacific/Apia"),
    )
    assert due.astimezone(ZoneInfo("Pacific/Apia")).isoformat() == "2011-12-31T08:00:00+14:00"


def test_chosen_days_are_respected() -> None:
    monday = datetime(2026, 3, 23, 12, tzinfo=UTC)
    saturday_only = ReminderTime(frozenset({5}), MORNING)
    due = next_due(monday, saturday_only, ZoneInfo("Asia/Kolkata"))
    assert due.astimezone(ZoneInfo("Asia/Kolkata")).isoformat() == "2026-03-28T08:00:00+05:30"
    weekdays = ReminderTime(WEEKDAYS, EVENING)
    friday_night = datetime(2026, 3, 27, 20, tzinfo=UTC)
    due = next_due(friday_night, weekdays, ZoneInfo("Africa/Conakry"))
    assert due == datetime(2026, 3, 30, 18, tzinfo=UTC), "the weekend is skipped"


@given(days=st.frozensets(st.integers(0, 6)))
def test_day_masks_round_trip(days: frozenset[int]) -> None:
    assert mask_to_days(days_to_mask(days)) == days


@pytest.mark.parametrize("hour", [0, 6, 21, 23, 24, -1])
def test_quiet_or_impossible_hours_cannot_be_chosen(hour: int) -> None:
    with pytest.raises(ValueError):
        ReminderTime(EVERY_DAY, hour)


def test_no_day_cannot_be_chosen() -> None:
    with pytest.raises(ValueError):
        ReminderTime(frozenset(), EVENING)
    with pytest.raises(ValueError):
        ReminderTime(frozenset({7}), EVENING)


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError):
        next_due(datetime(2026, 1, 1), ReminderTime(EVERY_DAY, EVENING), ZoneInfo("UTC"))  # noqa: DTZ001


def _state(due: datetime, last_seen: datetime, **changes: object) -> ReminderState:
    values: dict[str, object] = {
        "when": ReminderTime(EVERY_DAY, EVENING),
        "tz": ZoneInfo("Africa/Conakry"),
        "due_at": due,
        "last_seen_at": last_seen,
        "recent_sends": (),
        "blocked": False,
    }
    values.update(changes)
    return ReminderState(**values)  # type: ignore[arg-type]


DUE = datetime(2026, 3, 26, 18, tzinfo=UTC)  # Conakry is UTC all year


def test_decisions() -> None:
    long_ago = DUE - timedelta(days=5)
    assert decide(DUE, _state(DUE, long_ago)).action is Action.SEND
    assert decide(DUE, _state(DUE, long_ago, blocked=True)).action is Action.PARK
    stopped = decide(DUE, _state(DUE, long_ago, opted_out=True))
    assert stopped.action is Action.SKIP and stopped.next_due_at == DUE + timedelta(days=1)
    active = decide(DUE, _state(DUE, DUE - timedelta(days=1)))
    assert active.action is Action.WAIT
    assert active.next_due_at == datetime(2026, 3, 28, 18, tzinfo=UTC)
    late = decide(DUE + GRACE + timedelta(minutes=1), _state(DUE, long_ago))
    assert late.action is Action.SKIP and late.next_due_at == DUE + timedelta(days=1)
    quiet = decide(DUE + timedelta(hours=3, minutes=30), _state(DUE, long_ago))
    assert quiet.action is Action.SKIP, "21:30 in Conakry is in the quiet hours"
    sent = decide(DUE, _state(DUE, long_ago))
    assert sent.next_due_at == DUE + INACTIVE_FOR, "after a reminder, 3 more quiet days"
    capped = decide(
        DUE,
        _state(DUE, long_ago, recent_sends=(DUE - timedelta(days=6), DUE - timedelta(days=3))),
    )
    assert capped.action is Action.WAIT
    assert capped.next_due_at == DUE + timedelta(days=1), "the first of the week's two frees up"


@settings(max_examples=200, deadline=None)
@given(
    start=instants,
    when=choices,
    tz=zones,
    delays=st.lists(
        st.tuples(
            st.one_of(
                st.just(timedelta(0)),
                st.timedeltas(min_value=timedelta(0), max_value=timedelta(minutes=2)),
                st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=12)),  # downtime
            ),
            st.one_of(
                st.none(), st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=4))
            ),  # activity
        ),
        min_size=5,
        max_size=40,
    ),
)
def test_a_simulated_dispatcher_never_nags(
    start: datetime,
    when: ReminderTime,
    tz: ZoneInfo,
    delays: list[tuple[timedelta, timedelta | None]],
) -> None:
    """Run the rules as the dispatcher does, with downtime and the learner coming back.

    Whatever happens: reminders are never in the quiet hours, never twice for one due time,
    never more than GRACE late, at least INACTIVE_FOR after the learner's last activity;
    counted at their due times, at least INACTIVE_FOR apart and at most MAX_PER_WEEK in any
    7 days.
    """
    last_seen = start
    due = first_due(start, last_seen, when, tz)
    now = start
    sends: list[datetime] = []
    dues: list[datetime] = []
    for delay, activity in delays:
        if activity is not None and now + activity < due:
            last_seen = max(last_seen, now + activity)  # the learner came back before it
        now = max(now, due) + delay
        recent = tuple(d for d in dues if d > now - WEEK)
        decision = decide(
            now,
            ReminderState(
                when=when,
                tz=tz,
                due_at=due,
                last_seen_at=last_seen,
                recent_sends=recent,
                blocked=False,
            ),
        )
        assert decision.next_due_at is not None and decision.next_due_at >= now
        if decision.action is Action.SEND:
            assert not is_quiet(now, tz)
            assert now - due <= GRACE
            assert now - last_seen >= INACTIVE_FOR
            assert not dues or due - dues[-1] >= INACTIVE_FOR, "counted from its due time"
            assert due not in dues, "one due time is sent once"
            sends.append(now)
            dues.append(due)
        assert decision.next_due_at > due, "a due time is never handled twice"
        due = decision.next_due_at
    event(f"{min(len(sends), 3)}+ reminders sent" if len(sends) >= 3 else f"{len(sends)} sent")
    for i, first in enumerate(dues):
        assert sum(1 for other in dues[i:] if other - first < WEEK) <= MAX_PER_WEEK
