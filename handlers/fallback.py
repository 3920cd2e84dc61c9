"""Whatever no feature handled: free text, unknown commands, stale or forged buttons."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler, filters

from bot.channels.telegram.context import BotContext
from bot.errors import StaleButton
from bot.keyboards.menu import menu_keyboard
from bot.services import glossary
from bot.views.menu import render_not_understood
from bot.waiting import (
    AnnouncementText,
    CertificateName,
    CityName,
    CohortName,
    CohortPlace,
    ConsultationAnswer,
    ConsultationOutcome,
    Wait,
)
from handlers import announcements, consultations, faq, quizzes, reminders, trainers
from handlers.common import Turn, show, turn
from handlers.glossary import show_term
from handlers.menu import unknown_command
from handlers.start import ask_language


@turn
async def on_unknown_command(update: Update, context: BotContext, turn_: Turn) -> None:
    """Say the command is unknown; never echo what was typed."""
    await unknown_command(update, turn_)


@turn
async def on_other_message(update: Update, context: BotContext, turn_: Turn) -> None:
    """Text is what a running flow waits for, a glossary word, or a question for the FAQ;
    stickers, photos... get the menu."""
    if not turn_.ready:
        await ask_language(update, turn_)
        return
    text = update.message.text if update.message else None
    step = context.user_data.waiting if context.user_data is not None else None
    if step is not None and await _take(step, update, context, turn_, text):
        return
    term = glossary.lookup(turn_.services.course, turn_.language, text) if text else None
    if term is not None:
        await show_term(update, turn_, term.id, edit=False)
        return
    if text and text.strip():
        await faq.answer_question(update, context, turn_, text.strip())
        return
    await show(update, render_not_understood(turn_.t), menu_keyboard(turn_.t), edit=False)


async def _take(
    step: Wait, update: Update, context: BotContext, turn_: Turn, text: str | None
) -> bool:
    """Hand the message to the one feature whose step the bot waits in; False when that
    feature does not take it (a glossary word during a city search, a sticker)."""
    if isinstance(step, ConsultationAnswer | ConsultationOutcome):
        return await consultations.take_message(update, context, turn_)
    if isinstance(step, AnnouncementText):
        return await announcements.take_announcement(update, context, turn_)
    if isinstance(step, CohortName | CohortPlace):
        return await trainers.take_typed_text(update, context, turn_)
    if not text:
        return False
    if isinstance(step, CityName):
        return await reminders.take_typed_city(update, context, turn_, text)
    if isinstance(step, CertificateName):
        return await quizzes.take_typed_name(update, context, turn_, text)
    return await faq.take_typed(update, context, turn_, text)


@turn
async def on_unknown_button(update: Update, context: BotContext, turn_: Turn) -> None:
    """A button no handler knows: an old message's, or forged data."""
    raise StaleButton(str(update.callback_query.data if update.callback_query else ""))


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    private = filters.ChatType.PRIVATE
    return [
        MessageHandler(private & filters.COMMAND, on_unknown_command),
        MessageHandler(private & filters.UpdateType.MESSAGE & ~filters.COMMAND, on_other_message),
        CallbackQueryHandler(on_unknown_button),
    ]
