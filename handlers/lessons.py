"""Lessons: continue, modules, cards with Back / Next, module completion, progress."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.actions.lessons import FinishModule, OpenModule, ShowCard
from bot.actions.menu import Menu
from bot.channels.telegram.context import BotContext
from bot.content import CardPlace
from bot.keyboards.lessons import (
    card_keyboard,
    finished_keyboard,
    modules_keyboard,
    progress_keyboard,
)
from bot.services import lessons
from bot.views.lessons import render_card, render_module_finished, render_modules, render_progress
from handlers.common import Turn, picked, show, turn
from handlers.menu import require_ready


async def show_card(update: Update, turn_: Turn, place: CardPlace) -> None:
    """Render a card in place; a card with a picture sends the picture first, then the text."""
    if place.card.image is not None and update.effective_chat is not None:
        with place.card.image.open("rb") as photo:
            await update.effective_chat.send_photo(photo)
        await show(update, render_card(turn_.t, place), card_keyboard(turn_.t, place), edit=False)
        return
    await show(update, render_card(turn_.t, place), card_keyboard(turn_.t, place))


@turn
async def on_continue(update: Update, context: BotContext, turn_: Turn) -> None:
    """Resume at the exact card where the learner stopped."""
    if not await require_ready(update, turn_):
        return
    s = turn_.services
    place = await lessons.resume(turn_.uow, s.course, turn_.user.id, turn_.language, s.clock())
    await show_card(update, turn_, place)


@turn
async def on_modules(update: Update, context: BotContext, turn_: Turn) -> None:
    """List the modules with a tick for the finished ones."""
    if not await require_ready(update, turn_):
        return
    items = await lessons.progress(turn_.uow, turn_.services.course, turn_.user.id, turn_.language)
    await show(update, render_modules(turn_.t), modules_keyboard(turn_.t, items))


@turn
async def on_open_module(update: Update, context: BotContext, turn_: Turn) -> None:
    """Enter a module where the learner last was in it."""
    module_id = picked(update, OpenModule).module_id
    if not await require_ready(update, turn_):
        return
    s = turn_.services
    place = await lessons.open_module(
        turn_.uow, s.course, turn_.user.id, turn_.language, module_id, s.clock()
    )
    await show_card(update, turn_, place)


@turn
async def on_card(update: Update, context: BotContext, turn_: Turn) -> None:
    """Back / Next: show the card the button names (unknown ids are stale buttons)."""
    card_id = picked(update, ShowCard).card_id
    if not await require_ready(update, turn_):
        return
    s = turn_.services
    place = await lessons.open_card(
        turn_.uow, s.course, turn_.user.id, turn_.language, card_id, s.clock()
    )
    await show_card(update, turn_, place)


@turn
async def on_finish(update: Update, context: BotContext, turn_: Turn) -> None:
    """Congratulate the learner at the end of a module and offer the next one."""
    module_id = picked(update, FinishModule).module_id
    if not await require_ready(update, turn_):
        return
    s = turn_.services
    finished = await lessons.finish_module(
        turn_.uow, s.course, turn_.user.id, turn_.language, module_id, s.clock()
    )
    await show(
        update, render_module_finished(turn_.t, finished), finished_keyboard(turn_.t, finished)
    )


async def _progress(update: Update, turn_: Turn, *, edit: bool) -> None:
    if not await require_ready(update, turn_):
        return
    items = await lessons.progress(turn_.uow, turn_.services.course, turn_.user.id, turn_.language)
    await show(update, render_progress(turn_.t, items), progress_keyboard(turn_.t), edit=edit)


@turn
async def cmd_progress(update: Update, context: BotContext, turn_: Turn) -> None:
    """Show each module's completion."""
    await _progress(update, turn_, edit=False)


@turn
async def on_progress(update: Update, context: BotContext, turn_: Turn) -> None:
    """Show each module's completion from the menu."""
    await _progress(update, turn_, edit=True)


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("progress", cmd_progress, filters=private),
        CallbackQueryHandler(on_continue, pattern=Menu.only("continue")),
        CallbackQueryHandler(on_modules, pattern=Menu.only("modules")),
        CallbackQueryHandler(on_progress, pattern=Menu.only("progress")),
        CallbackQueryHandler(on_open_module, pattern=OpenModule.matches),
        CallbackQueryHandler(on_card, pattern=ShowCard.matches),
        CallbackQueryHandler(on_finish, pattern=FinishModule.matches),
    ]
