"""Reminder settings: days, hour, time zone; and "Stop reminders" under a reminder."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from bot.actions.base import Action, Pattern, Range

Country = Literal["gn", "in", "br", "au"]
ReminderStep = Literal[
    "evening", "choose", "no", "on", "off", "stop", "days", "time", "hours", "zone", "city"
]


@dataclass(frozen=True, slots=True)
class Reminders(Action):
    """The onboarding answers (`evening`, `choose`, `no`), on / off, `stop` under a reminder,
    and the settings screens (`days`, `time`, `hours`, `zone`, `city`)."""

    PREFIX = "r"
    step: ReminderStep


@dataclass(frozen=True, slots=True)
class ReminderDays(Action):
    """Every day or Monday to Friday."""

    PREFIX = "rd"
    days: Literal["all", "weekdays"]


@dataclass(frozen=True, slots=True)
class ToggleWeekday(Action):
    """Add or remove one weekday (0 = Monday)."""

    PREFIX = "rw"
    day: Annotated[int, Range(0, 6)]


@dataclass(frozen=True, slots=True)
class ReminderHour(Action):
    """A local hour outside the quiet hours."""

    PREFIX = "rh"
    hour: Annotated[int, Range(7, 20)]


@dataclass(frozen=True, slots=True)
class ReminderCountry(Action):
    """One of our learners' countries, to list its time zones."""

    PREFIX = "rc"
    country: Country


@dataclass(frozen=True, slots=True)
class ReminderZone(Action):
    """An IANA time zone name, checked against the system's zones by the handler."""

    PREFIX = "rz"
    zone: Annotated[str, Pattern(r"^[A-Z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+){0,2}$")]
