"""Reminder texts: the onboarding question, the settings screens, the reminder itself, stats."""

from __future__ import annotations

from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from babel.dates import get_day_names, get_timezone_gmt, get_timezone_location

from bot.content import CardPlace
from bot.db.repositories import ReminderCounts
from bot.i18n import Translator, formatting_locale
from bot.services.reminders import ReminderSettings
from bot.services.schedule import (
    EVERY_DAY,
    INACTIVE_FOR,
    MAX_PER_WEEK,
    QUIET_FROM,
    QUIET_UNTIL,
    WEEKDAYS,
)
from bot.views.glossary import MAX_ECHO


def hour_label(hour: int) -> str:
    return f"{hour:02d}:00"


def day_names(language: str) -> dict[int, str]:
    """Short weekday names in the reader's language, 0 = Monday."""
    return dict(get_day_names("abbreviated", locale=formatting_locale(language)))


def days_label(t: Translator, days: frozenset[int], language: str) -> str:
    if days == EVERY_DAY:
        return t.gettext("every day")
    if days == WEEKDAYS:
        return t.gettext("Monday to Friday")
    names = day_names(language)
    return ", ".join(names[day] for day in sorted(days))


def city_label(zone: str, language: str) -> str:
    """The zone's city in the reader's language (CLDR), e.g. 'Belém' or 'कोनाक्री'."""
    return get_timezone_location(zone, locale=formatting_locale(language), return_city=True)


def zone_label(zone: str, language: str, now: datetime) -> str:
    """City and offset from UTC today, e.g. 'Kolkata (GMT+05:30)'."""
    local = now.astimezone(ZoneInfo(zone))
    offset = get_timezone_gmt(local, locale=formatting_locale(language))
    return f"{city_label(zone, language)} ({offset})"


def _rules(t: Translator) -> str:
    return t.ngettext(
        "I write only after {days} days without a lesson, at most {count} time a week, "
        "never between {quiet_from} and {quiet_until}.",
        "I write only after {days} days without a lesson, at most {count} times a week, "
        "never between {quiet_from} and {quiet_until}.",
        MAX_PER_WEEK,
    ).format(
        days=INACTIVE_FOR.days,
        count=MAX_PER_WEEK,
        quiet_from=hour_label(QUIET_FROM),
        quiet_until=hour_label(QUIET_UNTIL),
    )


def render_reminder_question(t: Translator) -> str:
    return "\n".join(
        [
            "🔔 <b>" + t.gettext("Shall I remind you?") + "</b>",
            t.gettext("When you have not learned for a while, I can send you a short message."),
            _rules(t),
        ]
    )


def render_declined(t: Translator) -> str:
    return t.gettext(
        "All right, no reminders. You can turn them on at any time in Settings → Reminders."
    )


def render_reminders(
    t: Translator, settings: ReminderSettings, language: str, now: datetime
) -> str:
    """The reminder settings screen."""
    status = (
        "🔔 " + t.gettext("Reminders are on.")
        if settings.enabled
        else "🔕 " + t.gettext("Reminders are off.")
    )
    local_now = now.astimezone(ZoneInfo(settings.zone))
    return "\n".join(
        [
            "<b>" + t.gettext("Reminders") + "</b>",
            status,
            "",
            t.gettext("Days: {days}").format(days=days_label(t, settings.when.days, language)),
            t.gettext("Time: {time}").format(time=hour_label(settings.when.hour)),
            t.gettext("Time zone: {zone}, now {time} there").format(
                zone=escape(zone_label(settings.zone, language, now)),
                time=local_now.strftime("%H:%M"),
            ),
            "",
            _rules(t),
        ]
    )


def render_days_prompt(t: Translator) -> str:
    return t.gettext("On which days may I remind you? Press a day to add or remove it.")


def render_time_prompt(t: Translator) -> str:
    return t.gettext("At what time of day (your local time)?")


def render_zone_prompt(
    t: Translator, settings: ReminderSettings, language: str, now: datetime
) -> str:
    return "\n".join(
        [
            t.gettext("Your time zone: {zone}.").format(
                zone=escape(zone_label(settings.zone, language, now))
            ),
            t.gettext("Pick your country, or type the name of your city."),
        ]
    )


def render_city_prompt(t: Translator) -> str:
    return t.gettext("Type the name of your city, for example Kolkata, São Paulo or Conakry.")


def _echo(text: str) -> str:
    shown = " ".join(text.split())
    return escape(shown if len(shown) <= MAX_ECHO else shown[:MAX_ECHO] + "…")


def render_city_choices(t: Translator, query: str) -> str:
    return t.gettext("Time zones for “{query}”: which one is yours?").format(query=_echo(query))


def render_city_not_found(t: Translator, query: str) -> str:
    return t.gettext(
        "I found no time zone for “{query}”. Type the nearest big city, or pick your country."
    ).format(query=_echo(query))


def render_reminder(t: Translator, place: CardPlace) -> str:
    """The reminder: where the learner stopped, and a Continue button below."""
    where = t.gettext("Module {module}, lesson {lesson}: {title}").format(
        module=place.module.number,
        lesson=place.lesson_index + 1,
        title=escape(place.lesson.title),
    )
    return "\n".join(
        [
            "👋 " + t.gettext("A few minutes for your course today?"),
            t.gettext("You stopped at: {place}").format(place=f"<b>{where}</b>"),
        ]
    )


def render_stopped(t: Translator, was_on: bool) -> str:
    if not was_on:
        return t.gettext("Reminders are off.")
    return t.gettext("Reminders are off. You can turn them on again in Settings → Reminders.")


def render_reminder_stats(t: Translator, counts: ReminderCounts) -> str:
    return "\n".join(
        [
            "<b>" + t.gettext("Reminders") + "</b>",
            t.gettext("Opted in: {n}").format(n=counts.opted_in),
            t.gettext("Sent today (UTC): {n}").format(n=counts.sent),
            t.gettext("Skipped today (UTC), too late or in quiet hours: {n}").format(
                n=counts.skipped
            ),
            t.gettext("Opted in but blocked the bot: {n}").format(n=counts.blocked),
        ]
    )
