"""Quizzes, the certificate and verification: polls, PollAnswer, score card, /verify,
/quizstats."""

from __future__ import annotations

from bot.actions.menu import Menu
from bot.actions.quizzes import CertificateAction, QuizPick, QuizRetry, QuizStart
from bot.conversation.events import QuizAnswer
from bot.conversation.ports import OutFile
from bot.conversation.router import Router
from bot.documents.certificate import printable, render_certificate, verification_url
from bot.errors import AppError, StaleButton
from bot.keyboards.menu import back_to_menu_keyboard
from bot.keyboards.quizzes import confirm_name_keyboard, quizzes_keyboard, score_keyboard
from bot.screens import Question
from bot.services import certificates, quizzes
from bot.services.quizzes import Answered, PollToSend, ScoreCard
from bot.views.quizzes import (
    poll_note,
    poll_question,
    render_answer,
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
from handlers.common import (
    Turn,
    command_args,
    file_in_background,
    picked,
    show,
    wait,
    waiting_for,
)
from handlers.menu import require_ready, unknown_command

# How long a typed text counts as the name the bot asked for.


async def send_question(turn_: Turn, poll: PollToSend) -> None:
    """Send one question as the channel's quiz, then remember its reference for the answer."""
    note = poll_note(turn_.t, poll)
    if note is not None:
        await show(turn_, note, edit=False)
    question = Question(
        poll_question(turn_.t, poll),
        poll.options,
        poll.correct,
        poll.question.explanation,
        poll.attempt_id,
        poll.position,
    )
    ref = await turn_.reply.ask(question)
    if ref is not None:
        await quizzes.poll_sent(
            turn_.uow, poll, turn_.person.platform, ref, turn_.services.clock()
        )


async def send_score(turn_: Turn, card: ScoreCard) -> None:
    await show(turn_, render_score(turn_.t, card), score_keyboard(turn_.t, card), edit=False)


async def _quiz_list(turn_: Turn, *, edit: bool) -> None:
    if not await require_ready(turn_):
        return
    s = turn_.services
    results = await quizzes.results(turn_.uow, s.course, turn_.user.id, turn_.language)
    await show(
        turn_, render_quizzes(turn_.t, results), quizzes_keyboard(turn_.t, results), edit=edit
    )


async def cmd_quiz(turn_: Turn) -> None:
    """List the module quizzes with the learner's results."""
    await _quiz_list(turn_, edit=False)


async def on_quizzes_menu(turn_: Turn) -> None:
    """List the module quizzes from the menu."""
    await _quiz_list(turn_, edit=True)


async def _start(turn_: Turn, module_id: str, *, resume: bool) -> None:
    if not await require_ready(turn_):
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
    await show(turn_, render_quiz_intro(turn_.t, module, poll.total), edit=False)
    await send_question(turn_, poll)


async def on_quiz_start(turn_: Turn) -> None:
    """Start a module's quiz, or go on with the one under way."""
    await _start(turn_, picked(turn_, QuizStart).module_id, resume=True)


async def on_quiz_retry(turn_: Turn) -> None:
    """A new draw of a module's quiz."""
    await _start(turn_, picked(turn_, QuizRetry).module_id, resume=False)


async def _take_answer(turn_: Turn, ref: str, options: tuple[int, ...]) -> Answered | None:
    s = turn_.services
    return await quizzes.take_answer(
        turn_.uow,
        s.course,
        turn_.user.id,
        turn_.language,
        turn_.person.platform,
        ref,
        options,
        s.clock(),
        s.rng,
    )


async def _go_on(turn_: Turn, next_: PollToSend | ScoreCard) -> None:
    if isinstance(next_, PollToSend):
        await send_question(turn_, next_)
    else:
        await send_score(turn_, next_)


async def on_poll_answer(turn_: Turn) -> None:
    """Record the answer, then send the next question or the score card (the native quiz
    showed right or wrong and the explanation itself; an ignored answer gets nothing, as a
    retracted vote must not)."""
    answer = turn_.event
    if not isinstance(answer, QuizAnswer):
        return
    answered = await _take_answer(turn_, answer.ref, answer.options)
    if answered is not None:
        await _go_on(turn_, answered.next)


async def on_quiz_pick(turn_: Turn) -> None:
    """Take an option picked from a question sent as choices: say whether it was right and
    why, then send the next question or the score card. A pick the quiz does not take (an
    old question, one answered already, someone else's, forged) is a stale button."""
    pick = picked(turn_, QuizPick)
    answered = await _take_answer(turn_, pick.ref, (pick.option,))
    if answered is None:
        raise StaleButton(QuizPick.PREFIX)
    await show(turn_, render_answer(turn_.t, answered), edit=False)
    await _go_on(turn_, answered.next)


# --- certificate ----------------------------------------------------------------------------


def _wait_for_name(turn_: Turn, *, on: bool) -> None:
    wait(turn_, CertificateName(turn_.services.clock()) if on else None)
    if on:
        turn_.memory.certificate_name = None


async def _send_certificate(turn_: Turn, name: str | None) -> None:
    """Issue the certificate in the turn (committed), draw the PDF beside the turns: fpdf2
    and HarfBuzz take a while, and a turn that waited for them would hold the learner's
    place in the update processor (on SQLite the only one), so others would wait too."""
    s, t, language = turn_.services, turn_.t, turn_.language
    issued = await certificates.issue(
        turn_.uow, s.course, turn_.user.id, name, language, s.clock()
    )
    base = s.settings.verify_base
    code = issued.certificate.code

    def make() -> OutFile:
        pdf = render_certificate(t, issued, language, base)
        return OutFile(pdf, f"certificate-{code}.pdf")

    await file_in_background(
        turn_,
        make,
        render_certificate_caption(t, issued.certificate, verification_url(base, code)),
        back_to_menu_keyboard(t),
    )


async def on_certificate(turn_: Turn) -> None:
    """Get the certificate: ask for the name, confirm it, then send the PDF."""
    action = picked(turn_, CertificateAction).step
    if not await require_ready(turn_):
        return
    s = turn_.services
    if await certificates.existing(turn_.uow, turn_.user.id) is not None:
        await _send_certificate(turn_, None)  # issued once; sent again as it was
        return
    if not await certificates.eligible(turn_.uow, s.course, turn_.user.id):
        raise certificates.NotEligible()
    name = turn_.memory.certificate_name
    if action == "yes" and name is not None:
        _wait_for_name(turn_, on=False)
        await _send_certificate(turn_, name)
        return
    _wait_for_name(turn_, on=True)
    await show(turn_, render_name_prompt(turn_.t), edit=False)


async def take_typed_name(turn_: Turn, text: str) -> bool:
    """Treat the text as the name the bot asked for; False when it asked for none."""
    if waiting_for(turn_, CertificateName) is None:
        return False
    try:
        name = certificates.clean_name(text, printable())
    except AppError as err:
        await show(turn_, turn_.t.gettext(err.msgid), edit=False)
        return True
    wait(turn_, None)
    turn_.memory.certificate_name = name
    await show(
        turn_, render_name_confirm(turn_.t, name), confirm_name_keyboard(turn_.t), edit=False
    )
    return True


# --- verification and statistics ------------------------------------------------------------


async def cmd_verify(turn_: Turn) -> None:
    """Say whether a certificate code is valid, for whom and when (rate-limited per user)."""
    s = turn_.services
    typed = " ".join(command_args(turn_) or [])
    if not typed:
        await show(turn_, render_verify_usage(turn_.t), edit=False)
        return
    if not await s.verify_in_bot.allow(str(turn_.user.id), s.clock()):
        await show(turn_, render_too_many_checks(turn_.t), edit=False)
        return
    code = certificates.normalise_code(typed)
    if code is None:
        await show(turn_, render_not_a_code(turn_.t), edit=False)
        return
    cert = await certificates.verify(turn_.uow, code)
    modules = list(s.course.modules_in(turn_.language))
    await show(turn_, render_verification(turn_.t, cert, turn_.language, modules), edit=False)


async def cmd_quizstats(turn_: Turn) -> None:
    """Show admins which questions are weakest and each module's pass rate."""
    if not turn_.is_admin:
        await unknown_command(turn_)
        return
    stats = await quizzes.stats(turn_.uow, turn_.services.course, turn_.language)
    await show(
        turn_, render_quiz_stats(turn_.t, stats), back_to_menu_keyboard(turn_.t), edit=False
    )


def routes(router: Router) -> None:
    router.command("quiz", cmd_quiz)
    router.command("verify", cmd_verify)
    router.command("quizstats", cmd_quizstats)
    router.choice(Menu("quizzes"), on_quizzes_menu)
    router.action(QuizStart, on_quiz_start)
    router.action(QuizRetry, on_quiz_retry)
    router.action(QuizPick, on_quiz_pick)
    router.action(CertificateAction, on_certificate)
    router.quiz_answer = on_poll_answer
