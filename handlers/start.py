"""Onboarding: /start, the language picker, the welcome and consent."""

from __future__ import annotations

from bot.actions.menu import Menu
from bot.actions.onboarding import Consent, PickLanguage
from bot.conversation.router import Router
from bot.errors import StaleButton
from bot.keyboards.menu import menu_keyboard
from bot.keyboards.onboarding import language_keyboard, welcome_keyboard
from bot.keyboards.reminders import reminder_question_keyboard
from bot.services import learners
from bot.views.account import render_opted_in
from bot.views.menu import render_menu
from bot.views.onboarding import render_language_prompt, render_welcome
from bot.views.reminders import render_reminder_question
from handlers import invitations
from handlers.common import Turn, command_args, picked, show


async def ask_language(turn_: Turn, note: str | None = None) -> None:
    """Show the picker with the language we guess (saved choice or Telegram's) first."""
    text = render_language_prompt(turn_.t)
    if note:
        text = f"{note}\n\n{text}"
    await show(
        turn_,
        text,
        language_keyboard(
            turn_.services.i18n.languages, turn_.language, turn_.services.i18n.names
        ),
        edit=turn_.pressed,
    )


async def cmd_start(turn_: Turn) -> None:
    """Begin onboarding, or show the menu to someone already set up; `/start <code>` (an
    invitation link) offers the cohort or the trainer role, after onboarding. After /stop,
    it is the way back: what the bot sends on its own reaches them again."""
    if turn_.user.opted_out_at is not None and await learners.opt_in(turn_.uow, turn_.user.id):
        await show(turn_, render_opted_in(turn_.t), edit=False)
    if command_args(turn_):
        await invitations.start_with_code(turn_, command_args(turn_)[0])
    elif turn_.ready:
        await show(
            turn_,
            render_menu(turn_.t),
            menu_keyboard(turn_.t, trainer=turn_.is_trainer),
            edit=False,
        )
    else:
        await ask_language(turn_)


async def cmd_language(turn_: Turn) -> None:
    """Offer the language picker."""
    await ask_language(turn_)


async def on_language_menu(turn_: Turn) -> None:
    """Open the language picker from Settings."""
    await ask_language(turn_)


async def on_pick_language(turn_: Turn) -> None:
    """Save the language; continue onboarding or return to the menu in the new language."""
    language = picked(turn_, PickLanguage).language
    if language not in turn_.services.i18n.languages:
        raise StaleButton("language")
    services = turn_.services
    await learners.choose_language(
        turn_.uow, turn_.user.id, language, services.clock(), services.i18n.languages
    )
    turn_.memory.language = language
    t = services.i18n.translator(language)
    if turn_.user.consent_at is None:
        await show(turn_, render_welcome(t), welcome_keyboard(t))
    else:
        await show(turn_, render_menu(t), menu_keyboard(t, trainer=turn_.is_trainer))


async def on_consent(turn_: Turn) -> None:
    """The learner read what is stored and starts: open the main menu, offer reminders."""
    if turn_.user.language is None:
        await ask_language(turn_)
        return
    await learners.give_consent(turn_.uow, turn_.user.id, turn_.services.clock())
    await show(turn_, render_menu(turn_.t), menu_keyboard(turn_.t, trainer=turn_.is_trainer))
    if turn_.user.consent_at is None:  # asked once, at the end of onboarding
        await show(
            turn_,
            render_reminder_question(turn_.t),
            reminder_question_keyboard(turn_.t),
            edit=False,
        )
    await invitations.offer_pending(turn_)


def routes(router: Router) -> None:
    router.command("start", cmd_start)
    router.command("language", cmd_language)
    router.action(PickLanguage, on_pick_language)
    router.action(Consent, on_consent)
    router.choice(Menu("language"), on_language_menu)
