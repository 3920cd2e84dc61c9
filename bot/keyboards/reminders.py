"""Reminder buttons: the onboarding question, settings screens, and under a reminder."""

from __future__ import annotations

from types import MappingProxyType

from babel import Locale

from bot.actions.menu import Menu
from bot.actions.reminders import (
    Country,
    ReminderCountry,
    ReminderDays,
    ReminderHour,
    Reminders,
    ReminderZone,
    ToggleWeekday,
)
from bot.i18n import Translator
from bot.keyboards import button
from bot.screens import Choice, Keyboard, keyboard
from bot.services.reminders import ReminderSettings
from bot.services.schedule import EVENING, EVERY_DAY, HOURS, MIDDAY, MORNING, WEEKDAYS
from bot.services.zones import COUNTRIES, suggested_zone
from bot.views.reminders import city_label, day_names, hour_label

# The country buttons' typed codes, by the ISO code the zones are listed under.
COUNTRY_CODES: dict[str, Country] = {"GN": "gn", "IN": "in", "BR": "br", "AU": "au"}
FLAGS = MappingProxyType({"GN": "🇬🇳", "IN": "🇮🇳", "BR": "🇧🇷", "AU": "🇦🇺"})


def _ticked(label: str, chosen: bool) -> str:
    return ("✓ " if chosen else "") + label


def _rows(buttons: list[Choice], width: int) -> list[list[Choice]]:
    return [buttons[i : i + width] for i in range(0, len(buttons), width)]


def _back(t: Translator, target: Menu | Reminders) -> list[Choice]:
    return [button("◀ " + t.gettext("Back"), target)]


def reminder_question_keyboard(t: Translator) -> Keyboard:
    return keyboard(
        [
            [button("🔔 " + t.gettext("Yes, evenings"), Reminders("evening"))],
            [
                button("⚙ " + t.gettext("Choose"), Reminders("choose")),
                button(t.gettext("No"), Reminders("no")),
            ],
        ]
    )


def reminders_keyboard(t: Translator, settings: ReminderSettings) -> Keyboard:
    switch = (
        button("🔕 " + t.gettext("Turn off"), Reminders("off"))
        if settings.enabled
        else button("🔔 " + t.gettext("Turn on"), Reminders("on"))
    )
    return keyboard(
        [
            [switch],
            [
                button("📅 " + t.gettext("Days"), Reminders("days")),
                button("🕒 " + t.gettext("Time"), Reminders("time")),
            ],
            [button("🌍 " + t.gettext("Time zone"), Reminders("zone"))],
            _back(t, Menu("settings")),
        ]
    )


def days_keyboard(t: Translator, days: frozenset[int], language: str) -> Keyboard:
    names = day_names(language)
    toggles = [button(_ticked(names[day], day in days), ToggleWeekday(day)) for day in range(7)]
    return keyboard(
        [
            [
                button(_ticked(t.gettext("Every day"), days == EVERY_DAY), ReminderDays("all")),
                button(
                    _ticked(t.gettext("Monday to Friday"), days == WEEKDAYS),
                    ReminderDays("weekdays"),
                ),
            ],
            *_rows(toggles, 4),
            _back(t, Menu("reminders")),
        ]
    )


def time_keyboard(t: Translator, hour: int) -> Keyboard:
    presets = (
        ("🌅 " + t.gettext("Morning"), MORNING),
        ("☀ " + t.gettext("Midday"), MIDDAY),
        ("🌆 " + t.gettext("Evening"), EVENING),
    )
    rows = [
        [button(_ticked(f"{label} {hour_label(value)}", hour == value), ReminderHour(value))]
        for label, value in presets
    ]
    return keyboard(
        [
            *rows,
            [button("🕒 " + t.gettext("Another hour"), Reminders("hours"))],
            _back(t, Menu("reminders")),
        ]
    )


def hours_keyboard(t: Translator, hour: int) -> Keyboard:
    hours = [button(_ticked(hour_label(h), h == hour), ReminderHour(h)) for h in HOURS]
    return keyboard([*_rows(hours, 4), _back(t, Reminders("time"))])


def zone_keyboard(t: Translator, settings: ReminderSettings, language: str) -> Keyboard:
    suggested = suggested_zone(language)
    rows = []
    if suggested != settings.zone:
        rows.append([button(city_label(suggested, language), ReminderZone(suggested))])
    territories = Locale.parse(language).territories
    countries = [
        button(f"{FLAGS[code]} {territories[code]}", ReminderCountry(COUNTRY_CODES[code]))
        for code, _ in COUNTRIES
    ]
    rows += _rows(countries, 2)
    rows.append([button("🔎 " + t.gettext("Type a city"), Reminders("city"))])
    rows.append(_back(t, Menu("reminders")))
    return keyboard(rows)


def zones_keyboard(t: Translator, zones: tuple[str, ...], current: str, language: str) -> Keyboard:
    choices = [
        button(_ticked(city_label(z, language), z == current), ReminderZone(z)) for z in zones
    ]
    return keyboard([*_rows(choices, 2), _back(t, Reminders("zone"))])


def reminder_keyboard(t: Translator) -> Keyboard:
    """Under a reminder: continue where the learner stopped, or stop reminders."""
    return keyboard(
        [
            [button("▶ " + t.gettext("Continue"), Menu("continue"))],
            [button("🔕 " + t.gettext("Stop reminders"), Reminders("stop"))],
        ]
    )
