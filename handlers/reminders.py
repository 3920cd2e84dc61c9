"""Reminders: the onboarding answer, Settings → Reminders and /reminderstats (/stop, which
stops every message the bot sends on its own, is in handlers.account)."""

from __future__ import annotations

from bot.actions.menu import Menu
from bot.actions.reminders import (
    ReminderCountry,
    ReminderDays,
    ReminderHour,
    Reminders,
    ReminderZone,
    ToggleWeekday,
)
from bot.conversation.router import Router
from bot.errors import StaleButton
from bot.keyboards.menu import back_to_menu_keyboard, menu_keyboard
from bot.keyboards.reminders import (
    days_keyboard,
    hours_keyboard,
    reminders_keyboard,
    time_keyboard,
    zone_keyboard,
    zones_keyboard,
)
from bot.services import glossary, reminders
from bot.services.reminders import DEFAULT_TIME, ReminderSettings
from bot.services.schedule import EVERY_DAY, WEEKDAYS
from bot.services.zones import country_zones
from bot.views.reminders import (
    render_city_choices,
    render_city_not_found,
    render_city_prompt,
    render_days_prompt,
    render_declined,
    render_reminder_stats,
    render_reminders,
    render_stopped,
    render_time_prompt,
    render_zone_prompt,
)
from bot.waiting import CityName
from handlers.common import Turn, picked, show, wait, waiting_for
from handlers.menu import require_ready, unknown_command

# How long a typed text counts as the city the bot asked for.


async def show_reminders(
    turn_: Turn, settings: ReminderSettings | None = None, *, edit: bool = True
) -> None:
    """The reminder settings screen."""
    if settings is None:
        settings = await reminders.current(turn_.uow, turn_.user, turn_.language)
    now = turn_.services.clock()
    await show(
        turn_,
        render_reminders(turn_.t, settings, turn_.language, now),
        reminders_keyboard(turn_.t, settings),
        edit=edit,
    )


def _search_city(turn_: Turn, *, on: bool) -> None:
    if on:
        wait(turn_, CityName(turn_.services.clock()))
    elif waiting_for(turn_, CityName) is not None:
        wait(turn_, None)


async def _show_screen(turn_: Turn, screen: str) -> None:
    t, language = turn_.t, turn_.language
    settings = await reminders.current(turn_.uow, turn_.user, language)
    _search_city(turn_, on=screen == "city")
    if screen == "days":
        await show(turn_, render_days_prompt(t), days_keyboard(t, settings.when.days, language))
    elif screen == "time":
        await show(turn_, render_time_prompt(t), time_keyboard(t, settings.when.hour))
    elif screen == "hours":
        await show(turn_, render_time_prompt(t), hours_keyboard(t, settings.when.hour))
    elif screen == "zone":
        now = turn_.services.clock()
        await show(
            turn_,
            render_zone_prompt(t, settings, language, now),
            zone_keyboard(t, settings, language),
        )
    else:
        await show(turn_, render_city_prompt(t), zone_keyboard(t, settings, language))


async def cmd_reminders(turn_: Turn) -> None:
    """Show the reminder settings."""
    if await require_ready(turn_):
        await show_reminders(turn_, edit=False)


async def on_reminders_menu(turn_: Turn) -> None:
    """Open Settings → Reminders."""
    if await require_ready(turn_):
        _search_city(turn_, on=False)
        await show_reminders(turn_)


async def on_reminder_action(turn_: Turn) -> None:
    """Answer the onboarding question, switch reminders on or off, or open a screen."""
    action = picked(turn_, Reminders).step
    if not await require_ready(turn_):
        return
    uow, user, language = turn_.uow, turn_.user, turn_.language
    now = turn_.services.clock()
    if action == "evening":
        settings = await reminders.turn_on(uow, user, language, now, when=DEFAULT_TIME)
        await show_reminders(turn_, settings)
    elif action in ("choose", "on"):
        await show_reminders(turn_, await reminders.turn_on(uow, user, language, now))
    elif action == "no":
        await show(turn_, render_declined(turn_.t), menu_keyboard(turn_.t))
    elif action == "off":
        await reminders.turn_off(uow, user.id)
        await show_reminders(turn_)
    elif action == "stop":
        was_on = await reminders.turn_off(uow, user.id)
        await show(turn_, render_stopped(turn_.t, was_on), back_to_menu_keyboard(turn_.t))
    else:
        await _show_screen(turn_, action)


async def on_days(turn_: Turn) -> None:
    """Every day, or Monday to Friday."""
    choice = picked(turn_, ReminderDays).days
    if not await require_ready(turn_):
        return
    days = EVERY_DAY if choice == "all" else WEEKDAYS
    now = turn_.services.clock()
    settings = await reminders.change_time(turn_.uow, turn_.user, turn_.language, now, days=days)
    await _show_days(turn_, settings.when.days)


async def on_weekday(turn_: Turn) -> None:
    """Add or remove one day."""
    day = picked(turn_, ToggleWeekday).day
    if not await require_ready(turn_):
        return
    now = turn_.services.clock()
    settings = await reminders.toggle_day(turn_.uow, turn_.user, turn_.language, day, now)
    await _show_days(turn_, settings.when.days)


async def _show_days(turn_: Turn, days: frozenset[int]) -> None:
    keyboard = days_keyboard(turn_.t, days, turn_.language)
    await show(turn_, render_days_prompt(turn_.t), keyboard)


async def on_hour(turn_: Turn) -> None:
    """Set the hour, then show the settings."""
    hour = picked(turn_, ReminderHour).hour
    if not await require_ready(turn_):
        return
    settings = await reminders.change_time(
        turn_.uow, turn_.user, turn_.language, turn_.services.clock(), hour=hour
    )
    await show_reminders(turn_, settings)


async def on_country(turn_: Turn) -> None:
    """A country with one time zone sets it; another lists its zones."""
    code = picked(turn_, ReminderCountry).country.upper()
    if not await require_ready(turn_):
        return
    zones = country_zones(code)
    if zones is None:
        raise StaleButton(code)
    if len(zones) == 1:
        await _set_zone(turn_, zones[0], edit=True)
        return
    settings = await reminders.current(turn_.uow, turn_.user, turn_.language)
    await show(
        turn_,
        render_zone_prompt(turn_.t, settings, turn_.language, turn_.services.clock()),
        zones_keyboard(turn_.t, zones, settings.zone, turn_.language),
    )


async def on_zone(turn_: Turn) -> None:
    """Set the time zone the button names (unknown names are forged buttons)."""
    zone = picked(turn_, ReminderZone).zone
    if not await require_ready(turn_):
        return
    if not turn_.services.zones.exists(zone):
        raise StaleButton(zone)
    await _set_zone(turn_, zone, edit=True)


async def _set_zone(turn_: Turn, zone: str, *, edit: bool) -> None:
    _search_city(turn_, on=False)
    settings = await reminders.set_zone(
        turn_.uow, turn_.user, turn_.language, zone, turn_.services.clock()
    )
    await show_reminders(turn_, settings, edit=edit)


async def take_typed_city(turn_: Turn, text: str) -> bool:
    """Treat the text as the city the bot asked for; False when it asked for none.

    A glossary word ends the search and is left to the glossary.
    """
    services = turn_.services
    if waiting_for(turn_, CityName) is None:
        return False
    zones = services.zones.find(text, turn_.language)
    if len(zones) == 1:
        await _set_zone(turn_, zones[0], edit=False)
        return True
    settings = await reminders.current(turn_.uow, turn_.user, turn_.language)
    if zones:
        keyboard = zones_keyboard(turn_.t, zones, settings.zone, turn_.language)
        await show(turn_, render_city_choices(turn_.t, text), keyboard, edit=False)
        return True
    if glossary.lookup(services.course, turn_.language, text) is not None:
        _search_city(turn_, on=False)
        return False
    keyboard = zone_keyboard(turn_.t, settings, turn_.language)
    await show(turn_, render_city_not_found(turn_.t, text), keyboard, edit=False)
    return True


async def cmd_reminderstats(turn_: Turn) -> None:
    """Show admins how reminders fare; to others the command does not exist."""
    if not turn_.is_admin:
        await unknown_command(turn_)
        return
    counts = await reminders.stats(turn_.uow, turn_.services.clock())
    await show(
        turn_,
        render_reminder_stats(turn_.t, counts),
        back_to_menu_keyboard(turn_.t),
        edit=False,
    )


def routes(router: Router) -> None:
    router.command("reminders", cmd_reminders)
    router.command("reminderstats", cmd_reminderstats)
    router.choice(Menu("reminders"), on_reminders_menu)
    router.action(Reminders, on_reminder_action)
    router.action(ReminderDays, on_days)
    router.action(ToggleWeekday, on_weekday)
    router.action(ReminderHour, on_hour)
    router.action(ReminderCountry, on_country)
    router.action(ReminderZone, on_zone)
