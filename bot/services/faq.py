"""FAQ use cases: browse, ask, hand a question to a person and back, ratings, drafts.

Telegram-free: handlers pass plain values and render what comes back.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.content import Course, Faq, FaqEntry, FaqGroup
from bot.content.model import faq_answer_key
from bot.conversation.ports import OutFile
from bot.db.repositories import (
    DraftRecord,
    FeedbackCount,
    MessageRecord,
    QuestionRecord,
    UserRecord,
)
from bot.db.uow import UnitOfWork
from bot.documents import filetypes
from bot.errors import AppError, StaleButton
from bot.i18n import N_
from bot.ratelimits.counters import Counter
from bot.services.faq_search import FaqIndex, SearchResult
from bot.services.safety import mentions_danger

MAX_QUESTION = 1000  # characters kept of a question to a person (a Telegram text is 4096)
MAX_REPLY = 3000  # a reply is shown inside a message with a header and a safety line
MAX_GUIDE_ANSWER = 500  # seven answers and their labels fit in one 4096-character message
PER_PAGE = 6  # topics per page when browsing a group
# The entry whose answer is the general safety advice (content/faq/<lang>.yaml); it is also
# shown above the answer to any typed question that mentions danger.
SAFETY_ENTRY = "retaliation"

# The "Preparing a complaint" guide asks these, in order; the last one is answered with
# buttons (stay anonymous: yes or no).
GUIDE_STEPS = ("what", "where", "when", "who", "evidence", "outcome", "anonymous")


class TooManyQuestions(AppError):
    """More questions to a person than ASK_LIMIT in ASK_WINDOW: staff are people, and one
    learner must not bury everyone else's questions (or their phones)."""

    msgid = N_(
        "You have sent several questions to a person in the last hour. Please wait a while, "
        "then send this one again."
    )


# Questions to a person: 5 an hour per learner, counted in memory like /verify's tries.
ASK_LIMIT, ASK_WINDOW = 5, timedelta(hours=1)


class QuestionTooLong(AppError):
    msgid = N_("That is too long for me. Please ask in fewer words (at most 1,000 characters).")


class ReplyTooLong(AppError):
    msgid = N_("That is too long to send. Please keep it under 3,000 characters.")


class VoiceNotUsable(AppError):
    """A recording whose bytes are not audio we can pass on (or that could not be fetched)."""

    msgid = N_("I could not use that recording. Please send a voice note, or type your question.")


class VoiceTooLarge(AppError):
    msgid = N_(
        "That recording is too long. Please send a shorter voice note (at most 10 minutes)."
    )


# A voice note of ten minutes is about 1-2 MB (Opus at 16-24 kbit/s); an MP3 about 10 MB.
MAX_VOICE_BYTES = 10 * 1024 * 1024
# Audio we pass on, by its type read from the bytes: how each goes out again. Ogg (Opus)
# goes as a voice note, which both channels play in the chat; the others as audio files.
VOICE_OUT = {
    "ogg": ("voice", "audio/ogg"),
    "mp3": ("audio", "audio/mpeg"),
    "m4a": ("audio", "audio/mp4"),
}


def check_voice(data: bytes) -> str:
    """The recording's type from its bytes (never its name or stated type); refused when it
    is not audio we pass on, or too large."""
    if len(data) > MAX_VOICE_BYTES:
        raise VoiceTooLarge(str(len(data)))
    kind = filetypes.sniff(data) if data else "bin"
    if kind not in VOICE_OUT:
        raise VoiceNotUsable(kind)
    return kind


def voice_file(question_id: int, kind: str, data: bytes) -> OutFile:
    """A recording as a file to send: a voice note for Ogg, an audio file otherwise."""
    sent_as, mime = VOICE_OUT[kind]
    return OutFile(
        data, f"question-{question_id}.{kind}", "voice" if sent_as == "voice" else "audio", mime
    )


class TakenByAnother(AppError):
    """Two people pressed Reply on one question; the first to send a reply took it."""

    msgid = N_("Another person answered this question first; it is theirs now.")


class NotYourQuestion(AppError):
    """A learner pressed "Answer back" on a question that is not theirs (forged data)."""

    msgid = N_("This button is out of date. Here is the menu.")


@dataclass(frozen=True, slots=True)
class GroupPage:
    group: FaqGroup
    entries: tuple[FaqEntry, ...]
    page: int  # 0-based
    pages: int


def faq_for(course: Course, language: str) -> Faq:
    return course.faq_in(language)


def shown_in(course: Course, language: str, entry: FaqEntry) -> str | None:
    """The bridge language an entry is shown in, when it is not translated yet."""
    return course.shown_in(language, faq_answer_key(entry.id))


def entry(course: Course, language: str, entry_id: str) -> FaqEntry:
    """An entry for display; an unknown id is a stale or forged button."""
    found = course.faq_in(language).entry(entry_id)
    if found is None:
        raise StaleButton(entry_id)
    return found


def group_page(course: Course, language: str, group_id: str, page: int) -> GroupPage:
    faq = course.faq_in(language)
    group = faq.group(group_id)
    entries = faq.in_group(group_id)
    pages = max(1, -(-len(entries) // PER_PAGE))
    if group is None or not 0 <= page < pages:
        raise StaleButton(f"{group_id}-{page}")
    start = page * PER_PAGE
    return GroupPage(group, entries[start : start + PER_PAGE], page, pages)


def search(index: FaqIndex, text: str, language: str) -> SearchResult:
    """Search the FAQ: the learner's language first, then the others."""
    if len(text) > MAX_QUESTION:
        raise QuestionTooLong()
    return index.search(text, language)


def safety_first(course: Course, language: str, text: str) -> FaqEntry | None:
    """The general safety advice to put above the answer when the question mentions threats,
    violence, being watched, followed or detained; None otherwise."""
    if not mentions_danger(text):
        return None
    return course.faq_in(language).entry(SAFETY_ENTRY)


# --- questions to a person --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Asked:
    question: QuestionRecord
    staff: int  # how many staff members will be told (by the notice job)


async def send_to_person(
    uow: UnitOfWork,
    user: UserRecord,
    language: str,
    text: str,
    index: FaqIndex,
    now: datetime,
    limit: Counter,
    admins: Iterable[tuple[str, str]],
    voice: bytes | None = None,
) -> Asked:
    """Queue the question, and a notice for each admin and trainer, in one commit; the
    notice job (bot.jobs.faq_notices) sends them, so the learner's turn never waits on
    staff members' chats. What the FAQ found is kept for /faqgaps. With `voice` (the
    recording's bytes, checked by `check_voice`) the question was asked by voice and
    `text` is its caption, possibly empty; our sealed copy goes to staff with the notice."""
    text = text.strip()
    if len(text) > MAX_QUESTION:
        raise QuestionTooLong()
    kind = check_voice(voice) if voice is not None else None
    if not await limit.allow(str(user.id), now):
        raise TooManyQuestions()
    result = index.search(text, language) if text else None
    closest = result.matches[0] if result and result.matches else None
    question = await uow.faq.add_question(
        user.id,
        language,
        text,
        now,
        closest.entry_id if closest else None,
        closest.score if closest else None,
        kind,
    )
    if voice is not None:
        await uow.faq_voice.keep(question.id, voice)
    staff = [i for i in await staff_to_notify(uow, admins) if i != user.id]
    await uow.faq.add_notices(question.id, None, staff, now)
    await uow.events.add(user.id, "faq_question", now, {"question": question.id})
    await uow.commit()
    return Asked(question, len(staff))


async def staff_to_notify(uow: UnitOfWork, admins: Iterable[tuple[str, str]]) -> list[int]:
    """Admins named by the settings (`admins`: platform and account id, from ADMIN_IDS and
    ADMIN_WHATSAPP; those who have written to the bot) and users with the trainer or admin
    role, each once, as internal user ids. Each is reached on their own channel."""
    found = {await uow.accounts.user_id(platform, account) for platform, account in admins}
    return sorted({a for a in found if a is not None} | set(await uow.faq.staff_ids()))


def is_staff(user: UserRecord) -> bool:
    """Admins (arriving from ADMIN_IDS gives the role) and trainers."""
    return user.role in ("trainer", "admin")


async def question_for_reply(uow: UnitOfWork, question_id: int) -> QuestionRecord:
    question = await uow.faq.get_question(question_id)
    if question is None:
        raise StaleButton(str(question_id))
    return question


def is_for(question: QuestionRecord, staff_id: int) -> bool:
    """Whether a staff member may read and answer a question: nobody took it yet, or they
    did. The conversation with a learner stays between the two of them."""
    return question.taken_by is None or question.taken_by == staff_id


async def question_voice(uow: UnitOfWork, question: QuestionRecord) -> OutFile | None:
    """The spoken question's recording, to send; None once it is deleted (answered)."""
    if question.voice is None or question.voice not in VOICE_OUT:
        return None
    data = await uow.faq_voice.get(question.id)
    return voice_file(question.id, question.voice, data) if data is not None else None


async def question_for_staff(uow: UnitOfWork, question_id: int, staff_id: int) -> QuestionRecord:
    """A question a staff member may reply to; one another took is a stale or forged
    button, answered as such, so it shows nothing of what the learner wrote."""
    question = await question_for_reply(uow, question_id)
    if not is_for(question, staff_id):
        raise StaleButton(str(question_id))
    return question


async def reply(
    uow: UnitOfWork,
    question_id: int,
    staff_id: int,
    text: str,
    now: datetime,
    *,
    voice: bool = False,
) -> QuestionRecord:
    """Record a person's reply; the first to reply takes the question, and a reply to a
    question someone else took (pressed Reply before they did) is refused. A typed reply's
    delivery to the learner is written in the same commit, for the notice job (the staff
    member's turn does not wait on the learner's chat, and a restart loses nothing); a
    spoken one (`voice`, `text` its caption) is relayed by the turn, as its sound is not
    kept. A spoken question's recording is deleted then: it has been heard and answered."""
    if len(text) > MAX_REPLY:
        raise ReplyTooLong()
    question = await question_for_reply(uow, question_id)
    if not await uow.faq.take(question_id, staff_id):
        raise TakenByAnother(str(question_id))
    message = await uow.faq.add_message(question_id, staff_id, False, text, now, voice=voice)
    await uow.faq.set_status(question_id, "answered", now)
    # The question is answered: our copy of a spoken one has done its work.
    await uow.faq_voice.drop(question_id)
    if not voice:
        await uow.faq.add_notices(question_id, message, [question.user_id], now)
    await uow.commit()
    return await question_for_reply(uow, question.id)


async def answer_back(
    uow: UnitOfWork,
    question_id: int,
    learner_id: int,
    text: str,
    now: datetime,
    admins: Iterable[tuple[str, str]],
) -> QuestionRecord:
    """The learner answers a reply: the question is open again for the person who took it,
    who is told by the notice job."""
    if len(text) > MAX_REPLY:
        raise ReplyTooLong()
    question = await question_for_reply(uow, question_id)
    if question.user_id != learner_id:
        raise NotYourQuestion(str(question_id))
    message = await uow.faq.add_message(question_id, learner_id, True, text, now)
    await uow.faq.set_status(question_id, "open", now)
    recipients = await answer_back_recipients(uow, question, admins)
    recipients = [i for i in recipients if i != learner_id]
    await uow.faq.add_notices(question_id, message, recipients, now)
    await uow.commit()
    return question


async def answer_back_recipients(
    uow: UnitOfWork, question: QuestionRecord, admins: Iterable[tuple[str, str]]
) -> list[int]:
    """Who hears a learner's answer back: the person who took the question while they are
    still staff, else every admin and trainer."""
    if question.taken_by is not None:
        taker = await uow.users.get(question.taken_by)
        if taker is not None and is_staff(taker):
            return [question.taken_by]
    return await staff_to_notify(uow, admins)


async def takers(uow: UnitOfWork, questions: list[QuestionRecord]) -> dict[int, str]:
    """How staff know each other: the Telegram id of whoever took each question."""
    taken = sorted({q.taken_by for q in questions if q.taken_by is not None})
    return await uow.accounts.addresses(taken, "telegram")


async def open_questions(uow: UnitOfWork) -> tuple[list[QuestionRecord], int]:
    """Open questions, oldest first (at most 30), and how many are open in all."""
    return await uow.faq.open_questions(), await uow.faq.count_open()


# --- notices to staff and replies to learners (sent by bot.jobs.faq_notices) ---------------

NOTICE_BATCH = 50


class NoticeState(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    BLOCKED = "blocked"
    FAILED = "failed"
    SKIPPED = "skipped"  # the recipient no longer holds a staff role, or is gone


class NoticeKind(StrEnum):
    """What a notice carries, read from its row: no message, a learner's message, or a
    person's reply addressed to the learner or back to its author."""

    QUESTION = "question"  # to staff: a learner's question
    ANSWER_BACK = "answer-back"  # to staff: the learner's answer to a reply
    REPLY = "reply"  # to the learner: a person's reply
    NOT_DELIVERED = "not-delivered"  # to the reply's author: the learner could not get it


@dataclass(frozen=True, slots=True)
class Notice:
    """What one claimed notice needs to be rendered: the question as it is now, the message
    it carries (None: the question itself), its author and the recipient."""

    id: int
    kind: NoticeKind
    question: QuestionRecord
    message_id: int | None
    text: str | None
    author: int | None
    recipient: UserRecord


def _kind(question: QuestionRecord, message: MessageRecord | None, recipient: int) -> NoticeKind:
    if message is None:
        return NoticeKind.QUESTION
    if message.from_learner:
        return NoticeKind.ANSWER_BACK
    return NoticeKind.REPLY if recipient == question.user_id else NoticeKind.NOT_DELIVERED


async def claim_notices(uow: UnitOfWork, now: datetime) -> tuple[list[Notice], int]:
    """Claim due notices (committed before any is sent, so none goes out twice) and read
    what each needs; a notice to staff whose recipient is no longer staff is skipped (a
    reply goes to its learner whatever their role). Returns the notices to send and how
    many were claimed in all."""
    claimed = await uow.faq.claim_notices(now, NOTICE_BATCH)
    ready: list[Notice] = []
    for notice in claimed:
        question = await uow.faq.get_question(notice.question_id)
        recipient = await uow.users.get(notice.user_id)
        message = await uow.faq.message(notice.message_id) if notice.message_id else None
        gone = question is None or (notice.message_id is not None and message is None)
        if gone or recipient is None:
            await uow.faq.finish_notice(notice.id, NoticeState.SKIPPED, now)
            continue
        assert question is not None
        kind = _kind(question, message, recipient.id)
        if kind in (NoticeKind.QUESTION, NoticeKind.ANSWER_BACK) and not is_staff(recipient):
            await uow.faq.finish_notice(notice.id, NoticeState.SKIPPED, now)
            continue
        text, author = (message.text, message.sender_id) if message else (None, None)
        ready.append(Notice(notice.id, kind, question, notice.message_id, text, author, recipient))
    await uow.commit()
    return ready, len(claimed)


async def finish_notice(
    uow: UnitOfWork, notice: Notice, state: NoticeState, now: datetime
) -> None:
    """Record a notice's outcome; a reply the learner could not get is told to its author,
    by a notice of its own (a staff member told "on its way" must not believe it arrived)."""
    await uow.faq.finish_notice(notice.id, state, now)
    undelivered = state in (NoticeState.BLOCKED, NoticeState.FAILED)
    if notice.kind is NoticeKind.REPLY and undelivered and notice.author is not None:
        await uow.faq.add_notices(notice.question.id, notice.message_id, [notice.author], now)
    await uow.commit()


async def postpone_notice(uow: UnitOfWork, notice_id: int, retry_at: datetime) -> None:
    await uow.faq.postpone_notice(notice_id, retry_at)
    await uow.commit()


@dataclass(frozen=True, slots=True)
class Gaps:
    questions: list[QuestionRecord]  # the learners' words: for admins only
    topics: list[tuple[str | None, int]]  # questions per closest entry
    not_helpful: list[FeedbackCount]


async def gaps(uow: UnitOfWork, *, with_words: bool) -> Gaps:
    """What the FAQ lacks: questions people had to ask a person, and answers rated 👎.

    The questions' words are a learner's own and may identify them (a village, a name, an
    event), so only admins read them here; a trainer sees how many questions came near
    each topic. The questions reach the trainer who answers them through /questions."""
    questions = await uow.faq.recent_questions() if with_words else []
    return Gaps(questions, await uow.faq.gap_topics(), await uow.faq.feedback_counts())


# --- ratings and drafts --------------------------------------------------------------------


async def rate(
    uow: UnitOfWork, course: Course, user_id: int, entry_id: str, helpful: bool, now: datetime
) -> None:
    if course.faq_in("en").entry(entry_id) is None:
        raise StaleButton(entry_id)
    await uow.faq.set_feedback(user_id, entry_id, helpful, now)
    await uow.commit()


async def save_draft(uow: UnitOfWork, user_id: int, text: str, now: datetime) -> None:
    await uow.faq.save_draft(user_id, text[:4000], now)
    await uow.commit()


async def draft(uow: UnitOfWork, user_id: int) -> DraftRecord | None:
    return await uow.faq.get_draft(user_id)


async def delete_draft(uow: UnitOfWork, user_id: int) -> bool:
    deleted = await uow.faq.delete_draft(user_id)
    await uow.commit()
    return deleted
