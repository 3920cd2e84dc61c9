"""When reminders go out: pure functions of the time, the learner's choices and time zone.

Nothing here reads the clock, the database or Telegram, so the rules are property-tested
across time zones and daylight-saving changes (tests/unit/test_schedule.py). Times are aware
datetimes; a reminder time is a local wall-clock hour turned into UTC with zoneinfo, so it
follows the learner's clock through every change of offset.

The rules, never a nag:
- a reminder only after INACTIVE_FOR without activity, and the next one only after another
  INACTIVE_FOR (a reminder is not activity);
- at most MAX_PER_WEEK in any 7 days.
  A sent reminder counts at its due time (e.g. Monday 18:00, even if the dispatcher sent it
  at 18:00:20), so the next one can be Thursday 18:00 rather than a day later;
- never in the quiet hours (QUIET_FROM to QUIET_UNTIL, local time);
- after downtime, a missed reminder is sent if it is at most GRACE late, else skipped: one
  stored due time per learner means it can never go out twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

EVERY_DAY = frozenset(range(7))  # 0 = Monday, as datetime.weekday()
WEEKDAYS = frozenset(range(5))
MORNING, MIDDAY, EVENING = 8, 12, 18
QUIET_FROM = 21  # local hour the quiet hours begin
QUIET_UNTIL = 7  # local hour they end
HOURS = tuple(range(QUIET_UNTIL, QUIET_FROM))  # the hours a learner may choose: 07 to 20
INACTIVE_FOR = timedelta(days=3)
MAX_PER_WEEK = 2
WEEK = timedelta(days=7)
GRACE = timedelta(hours=6)
# Far enough to meet any chosen weekday twice, and to step over a skipped (gap) day.
_SEARCH_DAYS = 15


@dataclass(frozen=True, slots=True)
class ReminderTime:
    """The learner's choice: on which weekdays, at which local hour."""

    days: frozenset[int]
    hour: int

    def __post_init__(self) -> None:
        if not self.days or not self.days <= EVERY_DAY:
            raise ValueError(f"days must be a non-empty set of 0-6, not {sorted(self.days)}")
        if self.hour not in HOURS:
            raise ValueError(f"hour {self.hour} is in the quiet hours")


def days_to_mask(days: Iterable[int]) -> int:
    """Weekdays as a bit mask (bit 0 = Monday), as stored."""
    return sum(1 << day for day in set(days))


def mask_to_days(mask: int) -> frozenset[int]:
    return frozenset(day for day in range(7) if mask >> day & 1)


def is_quiet(moment: datetime, tz: ZoneInfo) -> bool:
    """Whether `moment` falls in the quiet hours on the learner's clock."""
    hour = moment.astimezone(tz).hour
    return hour >= QUIET_FROM or hour < QUIET_UNTIL


def next_due(not_before: datetime, when: ReminderTime, tz: ZoneInfo) -> datetime:
    """The first reminder time at or after `not_before`, in UTC.

    That is `when.hour`:00 local time on a chosen weekday. A wall time that does not exist
    (a spring-forward gap) is read with the offset before the change, as zoneinfo does
    (PEP 495, fold=0), and kept only if the clock then shows a time outside the quiet hours
    on the same day; a repeated wall time (fall back) is the first of the two.
    """
    if not_before.tzinfo is None:
        raise ValueError("not_before must be an aware datetime")
    first_day = not_before.astimezone(tz).date()
    for offset in range(_SEARCH_DAYS):
        day = first_day + timedelta(days=offset)
        if day.weekday() not in when.days:
            continue
        due = datetime.combine(day, time(when.hour), tzinfo=tz).astimezone(UTC)
        shown = due.astimezone(tz)
        if shown.date() != day or is_quiet(due, tz):
            continue
        if due >= not_before:
            return due
    raise ValueError(f"no reminder time within {_SEARCH_DAYS} days")  # pragma: no cover


def earliest_allowed(
    now: datetime, last_seen_at: datetime, recent_sends: Iterable[datetime]
) -> datetime:
    """When the rules next allow a reminder: inactivity, spacing and the weekly limit.

    `recent_sends` are the due times of the reminders sent within the last week.
    """
    bounds = [now, last_seen_at + INACTIVE_FOR]
    sends = sorted(recent_sends, reverse=True)
    if sends:
        bounds.append(sends[0] + INACTIVE_FOR)
    if len(sends) >= MAX_PER_WEEK:
        bounds.append(sends[MAX_PER_WEEK - 1] + WEEK)
    return max(bounds)


class Action(StrEnum):
    SEND = "send"  # send now; `next_due_at` is for after it went out
    WAIT = "wait"  # the learner was active (or a limit holds): not yet, try at next_due_at
    SKIP = "skip"  # too late (beyond GRACE), in the quiet hours, or opted out: drop this one
    PARK = "park"  # the learner blocked the bot: nothing until they write again


@dataclass(frozen=True, slots=True)
class ReminderState:
    """What the dispatcher knows about one claimed reminder."""

    when: ReminderTime
    tz: ZoneInfo
    due_at: datetime
    last_seen_at: datetime
    recent_sends: tuple[datetime, ...]  # due times of the reminders sent in the last week
    blocked: bool
    opted_out: bool = False  # STOP: each due reminder is skipped (and counted) until START


@dataclass(frozen=True, slots=True)
class Decision:
    action: Action
    next_due_at: datetime | None  # None only for PARK


def decide(now: datetime, state: ReminderState) -> Decision:
    """What to do with a reminder that came due, and when the next one is due."""
    if state.blocked:
        return Decision(Action.PARK, None)
    if state.opted_out:  # the next one strictly later: this one is skipped, not re-claimed
        later = max(now, state.due_at) + timedelta(minutes=1)
        return Decision(Action.SKIP, next_due(later, state.when, state.tz))
    allowed = earliest_allowed(now, state.last_seen_at, state.recent_sends)
    if allowed > now:
        return Decision(Action.WAIT, next_due(allowed, state.when, state.tz))
    if now - state.due_at > GRACE or is_quiet(now, state.tz):
        return Decision(Action.SKIP, next_due(now, state.when, state.tz))
    return Decision(Action.SEND, after_sending(now, state))


def after_sending(now: datetime, state: ReminderState) -> datetime:
    """The next due time once the reminder due at `state.due_at` went out at `now`."""
    allowed = earliest_allowed(now, state.last_seen_at, (*state.recent_sends, state.due_at))
    return next_due(allowed, state.when, state.tz)


def first_due(now: datetime, last_seen_at: datetime, when: ReminderTime, tz: ZoneInfo) -> datetime:
    """The due time after the learner turned reminders on or changed them."""
    return next_due(earliest_allowed(now, last_seen_at, ()), when, tz)
