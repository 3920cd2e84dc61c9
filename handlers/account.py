"""Privacy: /privacy shows what is stored, /deleteme erases it after a confirmation."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.actions.menu import DeleteData, Menu
from bot.channels.telegram.context import BotContext
from bot.keyboards.account import delete_keyboard
from bot.keyboards.menu import back_to_menu_keyboard
from bot.services import learners
from bot.views.account import render_delete_confirm, render_deleted, render_kept, render_privacy
from handlers.common import Turn, picked, show, turn


async def _privacy(update: Update, turn_: Turn, *, edit: bool) -> None:
    report = await learners.privacy_report(turn_.uow, turn_.user.id)
    await show(
        update,
        render_privacy(turn_.t, report, turn_.language),
        back_to_menu_keyboard(turn_.t),
        edit=edit,
    )


@turn
async def cmd_privacy(update: Update, context: BotContext, turn_: Turn) -> None:
    """Show everything stored about the user (allowed at any time)."""
    await _privacy(update, turn_, edit=False)


@turn
async def on_privacy(update: Update, context: BotContext, turn_: Turn) -> None:
    """Show what is stored, from Settings."""
    await _privacy(update, turn_, edit=True)


@turn
async def cmd_deleteme(update: Update, context: BotContext, turn_: Turn) -> None:
    """Ask for confirmation before deleting the user's data."""
    await show(update, render_delete_confirm(turn_.t), delete_keyboard(turn_.t), edit=False)


@turn
async def on_delete(update: Update, context: BotContext, turn_: Turn) -> None:
    """Handle the confirmation buttons: ask, yes (delete everything) or no."""
    answer = picked(update, DeleteData)
    if answer.step == "ask":
        await show(update, render_delete_confirm(turn_.t), delete_keyboard(turn_.t))
    elif answer.step == "yes":
        await learners.delete_everything(turn_.uow, turn_.user.id, turn_.services.clock())
        if context.user_data is not None:
            # nothing typed before the deletion may be sent after it ("Ask a person")
            context.user_data.forget()
            context.user_data.language = None
        await show(update, render_deleted(turn_.t))
    else:
        await show(update, render_kept(turn_.t), back_to_menu_keyboard(turn_.t))


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("privacy", cmd_privacy, filters=private),
        CommandHandler("deleteme", cmd_deleteme, filters=private),
        CallbackQueryHandler(on_privacy, pattern=Menu.only("privacy")),
        CallbackQueryHandler(on_delete, pattern=DeleteData.matches),
    ]
