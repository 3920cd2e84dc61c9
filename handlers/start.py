"""Onboarding: /start, the language picker, the welcome and consent."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.actions.menu import Menu
from bot.actions.onboarding import Consent, PickLanguage
from bot.channels.telegram.context import BotContext
from bot.errors import StaleButton
from bot.keyboards.menu import menu_keyboard
from bot.keyboards.onboarding import language_keyboard, welcome_keyboard
from bot.keyboards.reminders import reminder_question_keyboard
from bot.services import learners
from bot.views.menu import render_menu
from bot.views.onboarding import render_language_prompt, render_welcome
from bot.views.reminders import render_reminder_question
from handlers import invitations
from handlers.common import Turn, picked, show, turn


async def ask_language(update: Update, turn_: Turn, note: str | None = None) -> None:
    """Show the picker with the language we guess (saved choice or Telegram's) first."""
    text = render_language_prompt(turn_.t)
    if note:
        text = f"{note}\n\n{text}"
    await show(
        update,
        text,
        language_keyboard(turn_.services.i18n.languages, turn_.language),
        edit=update.callback_query is not None,
    )


@turn
async def cmd_start(update: Update, context: BotContext, turn_: Turn) -> None:
    """Begin onboarding, or show the menu to someone already set up; `/start <code>` (an
    invitation link) offers the cohort or the trainer role, after onboarding."""
    if context.args:
        await invitations.start_with_code(update, context, turn_, context.args[0])
    elif turn_.ready:
        await show(
            update,
            render_menu(turn_.t),
            menu_keyboard(turn_.t, trainer=turn_.is_trainer),
            edit=False,
        )
    else:
        await ask_language(update, turn_)


@turn
async def cmd_language(update: Update, context: BotContext, turn_: Turn) -> None:
    """Offer the language picker."""
    await ask_language(update, turn_)


@turn
async def on_language_menu(update: Update, context: BotContext, turn_: Turn) -> None:
    """Open the language picker from Settings."""
    await ask_language(update, turn_)


@turn
async def on_pick_language(update: Update, context: BotContext, turn_: Turn) -> None:
    """Save the language; continue onboarding or return to the menu in the new language."""
    language = picked(update, PickLanguage).language
    if language not in turn_.services.i18n.languages:
        raise StaleButton("language")
    services = turn_.services
    await learners.choose_language(turn_.uow, turn_.user.id, language, services.clock())
    if context.user_data is not None:
        context.user_data.language = language
    t = services.i18n.translator(language)
    if turn_.user.consent_at is None:
        await show(update, render_welcome(t), welcome_keyboard(t))
    else:
        await show(update, render_menu(t), menu_keyboard(t, trainer=turn_.is_trainer))


@turn
async def on_consent(update: Update, context: BotContext, turn_: Turn) -> None:
    """The learner read what is stored and starts: open the main menu, offer reminders."""
    if turn_.user.language is None:
        await ask_language(update, turn_)
        return
    await learners.give_consent(turn_.uow, turn_.user.id, turn_.services.clock())
    await show(update, render_menu(turn_.t), menu_keyboard(turn_.t, trainer=turn_.is_trainer))
    if turn_.user.consent_at is None:  # asked once, at the end of onboarding
        await show(
            update,
            render_reminder_question(turn_.t),
            reminder_question_keyboard(turn_.t),
            edit=False,
        )
    await invitations.offer_pending(update, context, turn_)


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("start", cmd_start, filters=private),
        CommandHandler("language", cmd_language, filters=private),
        CallbackQueryHandler(on_pick_language, pattern=PickLanguage.matches),
        CallbackQueryHandler(on_consent, pattern=Consent.matches),
        CallbackQueryHandler(on_language_menu, pattern=Menu.only("language")),
    ]
