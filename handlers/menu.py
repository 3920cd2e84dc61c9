"""Main menu, help and settings."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.actions.menu import Menu
from bot.channels.telegram.context import BotContext
from bot.errors import NotReady
from bot.keyboards.menu import back_to_menu_keyboard, menu_keyboard, settings_keyboard
from bot.views.menu import render_help, render_menu, render_settings, render_unknown_command
from handlers.common import Turn, show, turn
from handlers.start import ask_language


async def require_ready(update: Update, turn_: Turn) -> bool:
    """Commands out of turn: before onboarding is done, lead the user back to it."""
    if turn_.ready:
        return True
    await ask_language(update, turn_, turn_.t.gettext(NotReady.msgid))
    return False


async def unknown_command(update: Update, turn_: Turn) -> None:
    """Say a command is unknown (before onboarding: lead back to it); never echo it."""
    if not turn_.ready:
        await ask_language(update, turn_)
        return
    await show(update, render_unknown_command(turn_.t), menu_keyboard(turn_.t), edit=False)


@turn
async def cmd_menu(update: Update, context: BotContext, turn_: Turn) -> None:
    """Show the main menu."""
    if await require_ready(update, turn_):
        await show(
            update,
            render_menu(turn_.t),
            menu_keyboard(turn_.t, trainer=turn_.is_trainer),
            edit=False,
        )


@turn
async def on_main(update: Update, context: BotContext, turn_: Turn) -> None:
    """Return to the main menu from a button."""
    if await require_ready(update, turn_):
        await show(update, render_menu(turn_.t), menu_keyboard(turn_.t, trainer=turn_.is_trainer))


@turn
async def cmd_help(update: Update, context: BotContext, turn_: Turn) -> None:
    """Explain how the bot works (allowed at any time)."""
    await show(update, render_help(turn_.t), back_to_menu_keyboard(turn_.t), edit=False)


@turn
async def on_help(update: Update, context: BotContext, turn_: Turn) -> None:
    """Show help from the menu."""
    await show(update, render_help(turn_.t), back_to_menu_keyboard(turn_.t))


@turn
async def on_settings(update: Update, context: BotContext, turn_: Turn) -> None:
    """Show the settings menu."""
    if await require_ready(update, turn_):
        await show(update, render_settings(turn_.t), settings_keyboard(turn_.t))


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("menu", cmd_menu, filters=private),
        CommandHandler("help", cmd_help, filters=private),
        CallbackQueryHandler(on_main, pattern=Menu.only("main")),
        CallbackQueryHandler(on_help, pattern=Menu.only("help")),
        CallbackQueryHandler(on_settings, pattern=Menu.only("settings")),
    ]
