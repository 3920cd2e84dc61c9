"""Main menu, help and settings."""

from __future__ import annotations

from bot.actions.menu import Menu
from bot.conversation.router import Router
from bot.errors import NotReady
from bot.keyboards.menu import back_to_menu_keyboard, menu_keyboard, settings_keyboard
from bot.views.menu import render_help, render_menu, render_settings, render_unknown_command
from handlers.common import Turn, show
from handlers.start import ask_language


async def require_ready(turn_: Turn) -> bool:
    """Commands out of turn: before onboarding is done, lead the user back to it."""
    if turn_.ready:
        return True
    await ask_language(turn_, turn_.t.gettext(NotReady.msgid))
    return False


async def unknown_command(turn_: Turn) -> None:
    """Say a command is unknown (before onboarding: lead back to it); never echo it."""
    if not turn_.ready:
        await ask_language(turn_)
        return
    await show(turn_, render_unknown_command(turn_.t), menu_keyboard(turn_.t), edit=False)


async def cmd_menu(turn_: Turn) -> None:
    """Show the main menu."""
    if await require_ready(turn_):
        await show(
            turn_,
            render_menu(turn_.t),
            menu_keyboard(turn_.t, trainer=turn_.is_trainer),
            edit=False,
        )


async def on_main(turn_: Turn) -> None:
    """Return to the main menu from a button."""
    if await require_ready(turn_):
        await show(turn_, render_menu(turn_.t), menu_keyboard(turn_.t, trainer=turn_.is_trainer))


async def cmd_help(turn_: Turn) -> None:
    """Explain how the bot works (allowed at any time)."""
    await show(turn_, render_help(turn_.t), back_to_menu_keyboard(turn_.t), edit=False)


async def on_help(turn_: Turn) -> None:
    """Show help from the menu."""
    await show(turn_, render_help(turn_.t), back_to_menu_keyboard(turn_.t))


async def on_settings(turn_: Turn) -> None:
    """Show the settings menu."""
    if await require_ready(turn_):
        await show(turn_, render_settings(turn_.t), settings_keyboard(turn_.t))


def routes(router: Router) -> None:
    router.command("menu", cmd_menu)
    router.command("help", cmd_help)
    router.choice(Menu("main"), on_main)
    router.choice(Menu("help"), on_help)
    router.choice(Menu("settings"), on_settings)
