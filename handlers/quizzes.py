"""Quizzes, the certificate and verification: polls, PollAnswer, score card, /verify,
/quizstats."""

from __future__ import annotations

import asyncio
from typing import Literal, cast

from telegram import InputFile, InputPollOption, Poll, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    PollAnswerHandler,
    filters,
)

from bot.actions.menu import Menu
from bot.actions.quizzes import CertificateAction, QuizRetry, QuizStart
from bot.channels.telegram.context import BotContext
from bot.channels.telegram.render import markup
from bot.documents.certificate import printable, render_certificate, verification_url
from bot.errors import AppError
from bot.keyboards.menu import back_to_menu_keyboard
from bot.keyboards.quizzes import confirm_name_keyboard, quizzes_keyboard, score_keyboard
from bot.services import certificates, quizzes
from bot.services.quizzes import PollToSend, ScoreCard
from bot.views.quizzes import (
    poll_question,
    render_certificate_caption,
    render_name_confirm,
    render_name_prompt,
    render_not_a_code,
    render_quiz_intro,
    render_quiz_stats,
    render_quizzes,
    render_score,
    render_too_many_checks,
    render_verification,
    render_verify_usage,
)
from bot.waiting import CertificateName
from handlers.common import Turn, picked, show, turn, wait, waiting_for
from handlers.menu import require_ready, unknown_command

# How long a typed text counts as the name the bot asked for.


async def send_question(context: BotContext, chat_id: int, turn_: Turn, poll: PollToSend) -> None:
    """Send one question as a quiz poll, then remember the poll id for its answer."""
    message = await context.bot.send_poll(
        chat_id,
        poll_question(poll),
        [InputPollOption(option, text_parse_mode=None) for option in poll.options],
        is_anonymous=False,
        type=Poll.QUIZ,
        correct_option_ids=[cast(Literal[0, 1, 2, 3], poll.correct)],  # 2-4 options
        explanation=poll.question.explanation,
        explanation_parse_mode=None,
        question_parse_mode=None,
        # PTB adds the default parse_mode to every send; sendPoll has no such parameter.
        api_kwargs={"parse_mode": None},
    )
    if message.poll is not None:
        await quizzes.poll_sent(turn_.uow, poll, message.poll.id, turn_.services.clock())


async def send_score(context: BotContext, chat_id: int, turn_: Turn, card: ScoreCard) -> None:
    await context.bot.send_message(
        chat_id, render_score(turn_.t, card), reply_markup=markup(score_keyboard(turn_.t, card))
    )


async def _quiz_list(update: Update, turn_: Turn, *, edit: bool) -> None:
    if not await require_ready(update, turn_):
        return
    s = turn_.services
    results = await quizzes.results(turn_.uow, s.course, turn_.user.id, turn_.language)
    await show(
        update, render_quizzes(turn_.t, results), quizzes_keyboard(turn_.t, results), edit=edit
    )


@turn
async def cmd_quiz(update: Update, context: BotContext, turn_: Turn) -> None:
    """List the module quizzes with the learner's results."""
    await _quiz_list(update, turn_, edit=False)


@turn
async def on_quizzes_menu(update: Update, context: BotContext, turn_: Turn) -> None:
    """List the module quizzes from the menu."""
    await _quiz_list(update, turn_, edit=True)


async def _start(
    update: Update, context: BotContext, turn_: Turn, module_id: str, *, resume: bool
) -> None:
    if not await require_ready(update, turn_) or update.effective_chat is None:
        return
    s = turn_.services
    poll = await quizzes.start(
        turn_.uow,
        s.course,
        turn_.user.id,
        turn_.language,
        module_id,
        s.clock(),
        s.rng,
        resume=resume,
    )
    module = s.course.module(turn_.language, module_id)
    assert module is not None, "start() checked the module"
    await show(update, render_quiz_intro(turn_.t, module, poll.total), edit=False)
    await send_question(context, update.effective_chat.id, turn_, poll)


@turn
async def on_quiz_start(update: Update, context: BotContext, turn_: Turn) -> None:
    """Start a module's quiz, or go on with the one under way."""
    await _start(update, context, turn_, picked(update, QuizStart).module_id, resume=True)


@turn
async def on_quiz_retry(update: Update, context: BotContext, turn_: Turn) -> None:
    """A new draw of a module's quiz."""
    await _start(update, context, turn_, picked(update, QuizRetry).module_id, resume=False)


@turn
async def on_poll_answer(update: Update, context: BotContext, turn_: Turn) -> None:
    """Record the answer, then send the next question or the score card (PollAnswer has no
    chat: the private chat with the user has the user's id)."""
    answer = update.poll_answer
    if answer is None or answer.user is None:
        return
    s = turn_.services
    result = await quizzes.take_answer(
        turn_.uow,
        s.course,
        turn_.user.id,
        turn_.language,
        answer.poll_id,
        tuple(answer.option_ids),
        s.clock(),
        s.rng,
    )
    if isinstance(result, PollToSend):
        await send_question(context, answer.user.id, turn_, result)
    elif isinstance(result, ScoreCard):
        await send_score(context, answer.user.id, turn_, result)


# --- certificate ----------------------------------------------------------------------------


def _wait_for_name(context: BotContext, turn_: Turn, *, on: bool) -> None:
    wait(context, CertificateName(turn_.services.clock()) if on else None)
    if on and context.user_data is not None:
        context.user_data.certificate_name = None


async def _send_certificate(update: Update, turn_: Turn, name: str | None) -> None:
    s = turn_.services
    issued = await certificates.issue(
        turn_.uow, s.course, turn_.user.id, name, turn_.language, s.clock()
    )
    # fpdf2 and HarfBuzz take a while: off the event loop, so other learners are not held up
    pdf = await asyncio.to_thread(
        render_certificate, turn_.t, issued, turn_.language, s.settings.verify_base
    )
    url = verification_url(s.settings.verify_base, issued.certificate.code)
    if update.effective_chat is not None:
        await update.effective_chat.send_document(
            InputFile(pdf, filename=f"certificate-{issued.certificate.code}.pdf"),
            caption=render_certificate_caption(turn_.t, issued.certificate, url),
            reply_markup=markup(back_to_menu_keyboard(turn_.t)),
        )


@turn
async def on_certificate(update: Update, context: BotContext, turn_: Turn) -> None:
    """Get the certificate: ask for the name, confirm it, then send the PDF."""
    action = picked(update, CertificateAction).step
    if not await require_ready(update, turn_):
        return
    s = turn_.services
    if await certificates.existing(turn_.uow, turn_.user.id) is not None:
        await _send_certificate(update, turn_, None)  # issued once; sent again as it was
        return
    if not await certificates.eligible(turn_.uow, s.course, turn_.user.id):
        raise certificates.NotEligible()
    name = context.user_data.certificate_name if context.user_data else None
    if action == "yes" and name is not None:
        _wait_for_name(context, turn_, on=False)
        await _send_certificate(update, turn_, name)
        return
    _wait_for_name(context, turn_, on=True)
    await show(update, render_name_prompt(turn_.t), edit=False)


async def take_typed_name(update: Update, context: BotContext, turn_: Turn, text: str) -> bool:
    """Treat the text as the name the bot asked for; False when it asked for none."""
    if waiting_for(context, CertificateName) is None:
        return False
    try:
        name = certificates.clean_name(text, printable())
    except AppError as err:
        await show(update, turn_.t.gettext(err.msgid), edit=False)
        return True
    wait(context, None)
    if context.user_data is not None:
        context.user_data.certificate_name = name
    await show(
        update, render_name_confirm(turn_.t, name), confirm_name_keyboard(turn_.t), edit=False
    )
    return True


# --- verification and statistics ------------------------------------------------------------


@turn
async def cmd_verify(update: Update, context: BotContext, turn_: Turn) -> None:
    """Say whether a certificate code is valid, for whom and when (rate-limited per user)."""
    s = turn_.services
    typed = " ".join(context.args or [])
    if not typed:
        await show(update, render_verify_usage(turn_.t), edit=False)
        return
    if not s.verify_in_bot.allow(str(turn_.user.id), s.clock()):
        await show(update, render_too_many_checks(turn_.t), edit=False)
        return
    code = certificates.normalise_code(typed)
    if code is None:
        await show(update, render_not_a_code(turn_.t), edit=False)
        return
    cert = await certificates.verify(turn_.uow, code)
    modules = list(s.course.modules_in(turn_.language))
    await show(update, render_verification(turn_.t, cert, turn_.language, modules), edit=False)


@turn
async def cmd_quizstats(update: Update, context: BotContext, turn_: Turn) -> None:
    """Show admins which questions are weakest and each module's pass rate."""
    if not turn_.is_admin:
        await unknown_command(update, turn_)
        return
    stats = await quizzes.stats(turn_.uow, turn_.services.course, turn_.language)
    await show(
        update, render_quiz_stats(turn_.t, stats), back_to_menu_keyboard(turn_.t), edit=False
    )


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("quiz", cmd_quiz, filters=private),
        CommandHandler("verify", cmd_verify, filters=private),
        CommandHandler("quizstats", cmd_quizstats, filters=private),
        CallbackQueryHandler(on_quizzes_menu, pattern=Menu.only("quizzes")),
        CallbackQueryHandler(on_quiz_start, pattern=QuizStart.matches),
        CallbackQueryHandler(on_quiz_retry, pattern=QuizRetry.matches),
        CallbackQueryHandler(on_certificate, pattern=CertificateAction.matches),
        PollAnswerHandler(on_poll_answer),
    ]
