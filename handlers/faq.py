"""Questions about complaints: /faq topics, typed questions, a person when needed, the
"Preparing a complaint" guide, /questions and /faqgaps for admins and trainers."""

from __future__ import annotations

import logging

from bot.actions.faq import (
    ComplaintGuide,
    FaqAnswer,
    FaqAnswerBack,
    FaqAsk,
    FaqGroupPage,
    FaqListen,
    FaqRate,
    FaqReply,
)
from bot.actions.menu import Menu
from bot.conversation.events import Media
from bot.conversation.memory import Memory
from bot.conversation.ports import FetchFailed, FetchTooLarge, OutFile, Sent
from bot.conversation.reach import where
from bot.conversation.router import Router
from bot.db.repositories import QuestionRecord
from bot.errors import StaleButton
from bot.i18n import Translator
from bot.keyboards.faq import (
    answer_back_keyboard,
    answer_keyboard,
    ask_by_voice_keyboard,
    cancel_keyboard,
    draft_keyboard,
    faq_home_keyboard,
    group_keyboard,
    guide_step_keyboard,
    not_sure_keyboard,
    questions_keyboard,
    rated_keyboard,
    summary_keyboard,
)
from bot.keyboards.menu import back_to_menu_keyboard
from bot.redact import user_ref
from bot.screens import Keyboard
from bot.services import faq
from bot.services.faq import GUIDE_STEPS, MAX_GUIDE_ANSWER
from bot.views import faq as views
from bot.waiting import (
    AnswerBack,
    GuideAnswer,
    GuideSummary,
    QuestionToPerson,
    StaffReply,
    Wait,
)
from handlers.common import Turn, picked, show, wait
from handlers.menu import require_ready, unknown_command

log = logging.getLogger(__name__)

# --- what the FAQ waits for (bot.waiting); the guide's answers stay in this process's memory


def _data(turn_: Turn) -> Memory:
    return turn_.memory


_STEPS: dict[str, type[Wait]] = {
    "ask": QuestionToPerson,
    "reply": StaffReply,
    "answer-back": AnswerBack,
    "guide": GuideAnswer,
    "summary": GuideSummary,
}
_NAMES = {cls: name for name, cls in _STEPS.items()}


def _wait(
    turn_: Turn,
    what: str | None,
    question: int | None = None,
    *,
    step: int = 0,
) -> None:
    if what is None:
        if _waiting_for(turn_) is not None:
            wait(turn_, None)
        return
    now = turn_.services.clock()
    made: Wait
    if what == "reply":
        made = StaffReply(now, question=question or 0)
    elif what == "answer-back":
        made = AnswerBack(now, question=question or 0)
    elif what == "guide":
        made = GuideAnswer(now, step=step)
    else:
        made = _STEPS[what](now)
    wait(turn_, made)


def _waiting_for(turn_: Turn) -> str | None:
    """Which of the FAQ's steps the bot waits in (the timeout is bot.waiting's)."""
    step = _data(turn_).waiting
    return _NAMES.get(type(step)) if step is not None else None


def _question_id(turn_: Turn) -> int | None:
    step = _data(turn_).waiting
    return step.question if isinstance(step, StaffReply | AnswerBack) else None


def _guide_step(turn_: Turn) -> int:
    step = _data(turn_).waiting
    return step.step if isinstance(step, GuideAnswer) else 0


# The guide's answers are never written down: a guide under way in another process, or
# before a restart, has none here. This mark says the answers here are that guide's.
_STARTED = "\x00started"


def _guide_lost(turn_: Turn) -> bool:
    return _STARTED not in _data(turn_).guide_answers


def _stop_waiting(turn_: Turn) -> None:
    _wait(turn_, None)
    _data(turn_).guide_answers = {}


# --- browsing ----------------------------------------------------------------------------


async def _home(turn_: Turn, *, edit: bool) -> None:
    _stop_waiting(turn_)
    has_draft = await faq.draft(turn_.uow, turn_.user.id) is not None
    keyboard = faq_home_keyboard(
        turn_.t, faq.faq_for(turn_.services.course, turn_.language), has_draft
    )
    await show(turn_, views.render_faq_home(turn_.t), keyboard, edit=edit)


async def cmd_faq(turn_: Turn) -> None:
    """Show the FAQ topics."""
    if await require_ready(turn_):
        await _home(turn_, edit=False)


async def on_faq_menu(turn_: Turn) -> None:
    """Show the FAQ topics from a button (also cancels a typed-text wait)."""
    if await require_ready(turn_):
        await _home(turn_, edit=True)


async def on_group(turn_: Turn) -> None:
    """Show one page of a group's questions."""
    data = picked(turn_, FaqGroupPage)
    if not await require_ready(turn_):
        return
    page = faq.group_page(turn_.services.course, turn_.language, data.group, data.page)
    await show(turn_, views.render_group(turn_.t, page), group_keyboard(turn_.t, page))


async def on_entry(turn_: Turn) -> None:
    """Show an answer with its related questions."""
    entry_id = picked(turn_, FaqAnswer).entry_id
    if not await require_ready(turn_):
        return
    course, language = turn_.services.course, turn_.language
    entry = faq.entry(course, language, entry_id)
    keyboard = answer_keyboard(turn_.t, faq.faq_for(course, language), entry)
    text = views.render_answer(turn_.t, entry, shown_in=faq.shown_in(course, language, entry))
    await show(turn_, text, keyboard, edit=False)


async def on_rate(turn_: Turn) -> None:
    """Record 👍 or 👎 for an answer."""
    data = picked(turn_, FaqRate)
    if not await require_ready(turn_):
        return
    now = turn_.services.clock()
    await faq.rate(
        turn_.uow, turn_.services.course, turn_.user.id, data.entry_id, data.helpful, now
    )
    text = views.render_thanks(turn_.t, data.helpful)
    await show(turn_, text, rated_keyboard(turn_.t, data.helpful), edit=False)


# --- asking ----------------------------------------------------------------------------------


async def answer_question(turn_: Turn, text: str) -> None:
    """Free text is a question: the answer when the search is confident, else say so."""
    course, language, t = turn_.services.course, turn_.language, turn_.t
    result = faq.search(turn_.services.faq, text, language)
    local = faq.faq_for(course, language)
    safety = faq.safety_first(course, language, text)  # above any answer, when in danger
    if result.best is not None:
        _data(turn_).faq_unanswered = None
        best = result.best
        entry = faq.entry(course, language, best.entry_id)
        others = [m.entry_id for m in result.others()]
        await show(
            turn_,
            views.render_answer(t, entry, safety, faq.shown_in(course, language, entry)),
            answer_keyboard(t, local, entry, others),
            edit=False,
        )
        await turn_.uow.events.add(
            turn_.user.id, "faq_answer", turn_.services.clock(), {"entry": entry.id}
        )
        await turn_.uow.commit()
        return
    _data(turn_).faq_unanswered = text
    closest = [m.entry_id for m in result.matches[:3]]
    await show(
        turn_, views.render_not_sure(t, safety), not_sure_keyboard(t, local, closest), edit=False
    )


async def on_ask(turn_: Turn) -> None:
    """Ask a person: send the question just asked, or wait for one to be typed."""
    action = picked(turn_, FaqAsk).step
    if not await require_ready(turn_):
        return
    if action == "type":
        _wait(turn_, "ask")
        await show(turn_, views.render_ask_prompt(turn_.t), cancel_keyboard(turn_.t), edit=False)
        return
    held = _data(turn_).faq_unanswered
    if not held:
        _wait(turn_, "ask")
        await show(
            turn_, views.render_nothing_to_send(turn_.t), cancel_keyboard(turn_.t), edit=False
        )
        return
    if isinstance(held, Media):
        await _send_to_person(turn_, held.caption or "", await _fetch_voice(turn_, held))
        return
    await _send_to_person(turn_, held)


async def _send_to_person(turn_: Turn, text: str, voice: bytes | None = None) -> None:
    services = turn_.services
    asked = await faq.send_to_person(
        turn_.uow,
        turn_.user,
        turn_.language,
        text,
        services.faq,
        services.clock(),
        services.ask_limit,
        services.settings.admin_accounts,
        voice,
    )
    _data(turn_).faq_unanswered = None
    _wait(turn_, None)
    await show(
        turn_,
        views.render_question_sent(turn_.t, asked.question, asked.staff),
        back_to_menu_keyboard(turn_.t),
        edit=False,
    )


async def _translator_of(turn_: Turn, user_id: int) -> tuple[Translator, str]:
    record = await turn_.uow.users.get(user_id)
    language = (record.language if record else None) or turn_.services.i18n.default
    return turn_.services.i18n.translator(language), language


async def _send(
    turn_: Turn, user_id: int, text: str, keyboard: Keyboard, file: OutFile | None = None
) -> bool:
    """Send to someone other than the user of this update, and then `file`; False if they
    cannot get it."""
    found = (await where(turn_.uow, turn_.services.channels, [user_id])).get(user_id)
    if found is None:
        return False
    sent = await found.channel.send(found.address, text, keyboard)
    if sent.result is Sent.SENT and file is not None:
        sent = await found.channel.send_file(found.address, file)
    if sent.result is not Sent.SENT:
        log.info("could not deliver an FAQ message to %s: %s", user_ref(user_id), sent.result)
        return False
    return True


# --- a person replies, the learner answers back ----------------------------------------


def _is_staff(turn_: Turn) -> bool:
    return faq.is_staff(turn_.user)


async def _for_staff(turn_: Turn, question_id: int) -> QuestionRecord | None:
    """The question a staff member pressed a button of; None (and said) for anyone else."""
    if not _is_staff(turn_):
        await show(turn_, views.render_not_staff(turn_.t), edit=False)
        return None
    return await faq.question_for_staff(turn_.uow, question_id, turn_.user.id)


async def on_reply(turn_: Turn) -> None:
    """An admin or trainer pressed Reply: wait for their typed reply."""
    question = await _for_staff(turn_, picked(turn_, FaqReply).question)
    if question is None:
        return
    _wait(turn_, "reply", question.id)
    await show(
        turn_,
        views.render_reply_prompt(turn_.t, question),
        back_to_menu_keyboard(turn_.t),
        edit=False,
    )


async def on_listen(turn_: Turn) -> None:
    """An admin or trainer hears a question asked by voice (again)."""
    question = await _for_staff(turn_, picked(turn_, FaqListen).question)
    if question is None:
        return
    file = await faq.question_voice(turn_.uow, question)
    if file is None:
        await show(turn_, views.render_voice_gone(turn_.t), edit=False)
        return
    await turn_.reply.send_file(file)


async def on_answer_back(turn_: Turn) -> None:
    """The learner pressed Answer back: wait for their typed answer."""
    question_id = picked(turn_, FaqAnswerBack).question
    question = await faq.question_for_reply(turn_.uow, question_id)
    if question.user_id != turn_.user.id:
        raise StaleButton(str(question_id))
    _wait(turn_, "answer-back", question.id)
    await show(
        turn_, views.render_answer_back_prompt(turn_.t), cancel_keyboard(turn_.t), edit=False
    )


async def _deliver_reply(
    turn_: Turn, question_id: int, text: str, voice: bytes | None = None
) -> None:
    """Record and pass on a staff reply: typed (the notice job delivers it), or a voice note
    (`voice`, `text` its caption) relayed to the learner now as one, as it is not kept."""
    services = turn_.services
    kind = faq.check_voice(voice) if voice is not None else None
    try:
        question = await faq.reply(
            turn_.uow, question_id, turn_.user.id, text, services.clock(), voice=kind is not None
        )
    except (faq.TakenByAnother, StaleButton) as err:
        _wait(turn_, None)
        await show(turn_, turn_.t.gettext(err.msgid), back_to_menu_keyboard(turn_.t), edit=False)
        return
    _wait(turn_, None)
    if kind is None or voice is None:
        # typed: the notice job takes it to the learner
        await show(
            turn_,
            views.render_reply_on_its_way(turn_.t),
            back_to_menu_keyboard(turn_.t),
            edit=False,
        )
        return
    t, _ = await _translator_of(turn_, question.user_id)
    delivered = await _send(
        turn_,
        question.user_id,
        views.render_reply_to_learner(t, question, text, voice=True),
        answer_back_keyboard(t, question),
        faq.voice_file(question.id, kind, voice),
    )
    done = (
        views.render_sent(turn_.t)
        if delivered
        else views.render_reply_not_delivered(turn_.t, question)
    )
    await show(turn_, done, back_to_menu_keyboard(turn_.t), edit=False)


async def _deliver_answer_back(turn_: Turn, question_id: int, text: str) -> None:
    services = turn_.services
    await faq.answer_back(
        turn_.uow,
        question_id,
        turn_.user.id,
        text,
        services.clock(),
        services.settings.admin_accounts,
    )
    _wait(turn_, None)
    await show(turn_, views.render_sent(turn_.t), back_to_menu_keyboard(turn_.t), edit=False)


# --- the "Preparing a complaint" guide --------------------------------------------------------


async def _guide_prompt(turn_: Turn, step: int, *, intro: bool) -> None:
    text = views.render_guide_step(turn_.t, step)
    if intro:
        text = views.render_guide_intro(turn_.t) + "\n\n" + text
    anonymity = GUIDE_STEPS[step] == "anonymous"
    await show(turn_, text, guide_step_keyboard(turn_.t, anonymity), edit=False)


async def _guide_next(turn_: Turn, answer: str | None) -> None:
    """Record the answer to the current step (None: skipped) and ask the next one."""
    data = _data(turn_)
    step = _guide_step(turn_)
    if answer:
        data.guide_answers[GUIDE_STEPS[step]] = answer
    if step + 1 < len(GUIDE_STEPS):
        _wait(turn_, "guide", step=step + 1)
        await _guide_prompt(turn_, step + 1, intro=False)
        return
    answers = {k: v for k, v in data.guide_answers.items() if k != _STARTED}
    summary = views.compose_summary(turn_.t, answers)
    data.guide_answers = {_STARTED: "1", "summary": summary}
    _wait(turn_, "summary")
    await show(
        turn_, views.render_summary(turn_.t, summary), summary_keyboard(turn_.t), edit=False
    )


async def on_guide(turn_: Turn) -> None:
    """Start, skip, answer yes/no, save or discard, show or delete the draft, stop."""
    action = picked(turn_, ComplaintGuide).step
    if not await require_ready(turn_):
        return
    data = _data(turn_)
    t, uow, user_id = turn_.t, turn_.uow, turn_.user.id
    waiting = _waiting_for(turn_)
    if action == "start":
        data.guide_answers = {_STARTED: "1"}
        _wait(turn_, "guide", step=0)
        await _guide_prompt(turn_, 0, intro=True)
    elif waiting in ("guide", "summary") and _guide_lost(turn_):
        _stop_waiting(turn_)  # its answers were in another process, or lost
        await show(turn_, views.render_guide_stopped(t), back_to_menu_keyboard(t), edit=False)
    elif action in ("skip", "yes", "no") and waiting == "guide":
        answer = {"yes": t.gettext("Yes"), "no": t.gettext("No")}.get(action)
        if action != "skip" and GUIDE_STEPS[_guide_step(turn_)] != "anonymous":
            raise StaleButton(action)
        await _guide_next(turn_, answer)
    elif action == "save" and waiting == "summary":
        await faq.save_draft(uow, user_id, data.guide_answers["summary"], turn_.services.clock())
        _stop_waiting(turn_)
        await show(turn_, views.render_draft_saved(t), back_to_menu_keyboard(t), edit=False)
    elif action == "discard" and waiting == "summary":
        _stop_waiting(turn_)
        await show(turn_, views.render_guide_discarded(t), back_to_menu_keyboard(t), edit=False)
    elif action == "stop":
        _stop_waiting(turn_)
        await show(turn_, views.render_guide_stopped(t), back_to_menu_keyboard(t), edit=False)
    elif action == "draft":
        saved = await faq.draft(uow, user_id)
        if saved is None:
            await show(turn_, views.render_no_draft(t), back_to_menu_keyboard(t))
        else:
            await show(turn_, views.render_draft(t, saved, turn_.language), draft_keyboard(t))
    elif action == "delete":
        await faq.delete_draft(uow, user_id)
        await show(turn_, views.render_draft_deleted(t), back_to_menu_keyboard(t))
    else:
        raise StaleButton(action)  # a guide button from an earlier, finished guide


# --- typed text the bot waits for ----------------------------------------------------------


async def take_typed(turn_: Turn, text: str) -> bool:
    """Treat the text as what the FAQ asked for (a question to a person, a reply, an answer
    back, a guide answer); False when it asked for nothing."""
    waiting = _waiting_for(turn_)
    if waiting is None:
        return False
    if not text.strip():
        return False
    if waiting == "ask":
        await _send_to_person(turn_, text)
    elif waiting == "reply" and (question := _question_id(turn_)) and _is_staff(turn_):
        await _deliver_reply(turn_, question, text)
    elif waiting == "answer-back" and (question := _question_id(turn_)):
        await _deliver_answer_back(turn_, question, text)
    elif waiting in ("guide", "summary") and _guide_lost(turn_):
        # the guide's answers were never written down; nothing typed here is kept either
        _stop_waiting(turn_)
        t = turn_.t
        await show(turn_, views.render_guide_stopped(t), back_to_menu_keyboard(t), edit=False)
    elif waiting == "guide":
        if len(text) > MAX_GUIDE_ANSWER:
            await show(turn_, views.render_answer_too_long(turn_.t), edit=False)
            return True
        step = _guide_step(turn_)
        if GUIDE_STEPS[step] == "anonymous":
            await _guide_prompt(turn_, step, intro=False)
            return True
        await _guide_next(turn_, text.strip())
    else:
        return False
    return True


# --- voice notes ---------------------------------------------------------------------------

VOICE_KINDS = ("voice", "audio")


def _spoken(turn_: Turn) -> Media | None:
    event = turn_.event
    return event if isinstance(event, Media) and event.kind in VOICE_KINDS else None


async def take_voice(turn_: Turn) -> bool:
    """A voice note where the FAQ waits for a question to a person (it goes to a person,
    with our own copy of the recording) or for a staff reply (relayed to the learner);
    False when it waits for neither."""
    media = _spoken(turn_)
    waiting = _waiting_for(turn_)
    if media is None or waiting not in ("ask", "reply"):
        return False
    question = _question_id(turn_)
    if waiting == "reply" and not (question and _is_staff(turn_)):
        return False
    data = await _fetch_voice(turn_, media)
    if question is None:
        await _send_to_person(turn_, media.caption or "", voice=data)
    else:
        await _deliver_reply(turn_, question, media.caption or "", voice=data)
    return True


async def _fetch_voice(turn_: Turn, media: Media) -> bytes:
    """The recording's bytes, downloaded within the turn and checked from the bytes."""
    if media.size is not None and media.size > faq.MAX_VOICE_BYTES:
        raise faq.VoiceTooLarge(str(media.size))
    try:
        data = await turn_.reply.fetch(media.file_id, limit=faq.MAX_VOICE_BYTES)
    except FetchTooLarge as err:
        raise faq.VoiceTooLarge(str(err)) from err
    except FetchFailed as err:
        log.warning("could not receive a voice note: %s", err)
        raise faq.VoiceNotUsable() from err
    faq.check_voice(data)
    return data


async def voice_not_here(turn_: Turn) -> bool:
    """A voice note where no question is expected: the FAQ cannot search it, so offer to
    send it to a person (only the channel's reference to it is held, in this process's
    memory, until then); False for any other message."""
    media = _spoken(turn_)
    if media is None:
        return False
    _data(turn_).faq_unanswered = media
    t = turn_.t
    await show(turn_, views.render_voice_not_here(t), ask_by_voice_keyboard(t), edit=False)
    return True


# --- admins and trainers ---------------------------------------------------------------------


async def cmd_questions(turn_: Turn) -> None:
    """List open questions, oldest first, and who took each (admins and trainers)."""
    if not _is_staff(turn_):
        await unknown_command(turn_)
        return
    questions, total = await faq.open_questions(turn_.uow)
    takers = await faq.takers(turn_.uow, questions)
    mine = {q.id for q in questions if faq.is_for(q, turn_.user.id)}
    await show(
        turn_,
        views.render_questions(turn_.t, questions, total, turn_.language, takers, mine),
        questions_keyboard(turn_.t, [q for q in questions if q.id in mine]),
        edit=False,
    )


async def cmd_faqgaps(turn_: Turn) -> None:
    """What the FAQ could not answer and answers rated 👎: admins read the questions,
    trainers how many came near each topic (see services.faq.gaps)."""
    if not _is_staff(turn_):
        await unknown_command(turn_)
        return
    gaps = await faq.gaps(turn_.uow, with_words=turn_.is_admin)
    local = faq.faq_for(turn_.services.course, turn_.language)
    await show(
        turn_,
        views.render_gaps(turn_.t, gaps, local, turn_.language),
        back_to_menu_keyboard(turn_.t),
        edit=False,
    )


def routes(router: Router) -> None:
    router.command("faq", cmd_faq)
    router.command("questions", cmd_questions)
    router.command("faqgaps", cmd_faqgaps)
    router.choice(Menu("faq"), on_faq_menu)
    router.action(FaqGroupPage, on_group)
    router.action(FaqAnswer, on_entry)
    router.action(FaqRate, on_rate)
    router.action(FaqAsk, on_ask)
    router.action(FaqReply, on_reply)
    router.action(FaqListen, on_listen)
    router.action(FaqAnswerBack, on_answer_back)
    router.action(ComplaintGuide, on_guide)
