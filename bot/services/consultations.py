"""Consultations on draft Standards: publishing, answering, opting in, and the dispatcher.

Anonymity is decided here. An anonymous answer is stored with no user id, only the date
(never the time of day, which would match the user's last-seen time or a log entry), a
random reference number (a sequence would place it between two named answers), and
nothing is written to the event log. It is not written while its author waits: it is held,
sealed, and written later in a batch with other people's answers, so that neither the order
of rows nor the transaction that wrote them tells whose it is (bot.services.holding). The
hourly limit is kept in memory (answer_limit).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from bot.content.consultations import ConsultationSpec
from bot.db.repositories import (
    ConsultationAnswerRecord,
    ConsultationRecord,
    Delivered,
    Recipient,
)
from bot.db.uow import UnitOfWork
from bot.documents import filetypes
from bot.errors import AppError, StaleButton
from bot.i18n import N_
from bot.services import holding
from bot.services.answer_limit import AnswerLimit
from bot.services.deliveries import ref_digest

CLOSING_NOTICE = timedelta(days=3)
NOTICE_BATCH = 100
MAX_TEXT = 4000
STANCES = ("agree", "concern", "suggestion")
KINDS = ("text", "voice", "photo", "document")
# Documents taken as answers: PDF, pictures, Word and OpenDocument texts, spreadsheets, text.
DOCUMENT_TYPES = frozenset(
    {
        "application/pdf",
        "image/jpeg",
        "image/png",
        "image/webp",
        "text/plain",
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.oasis.opendocument.spreadsheet",
    }
)
# What a kept file's bytes must be, per kind of answer (bot.documents.filetypes decides).
KEPT_TYPES = {
    "voice": frozenset({"ogg", "mp3", "m4a"}),
    "photo": frozenset({"jpg", "png"}),
    "document": filetypes.ALLOWED,
}
REFERENCE_DIGITS = 4
FILE_ID_MAX = FILE_NAME_MAX = 256


class Status(StrEnum):
    SCHEDULED = "scheduled"
    OPEN = "open"
    CLOSED = "closed"


class Notice(StrEnum):
    OPEN = "open"  # to subscribers, when it opens
    CLOSING = "closing"  # to subscribers, three days before the close
    THANKS = "thanks"  # to participants, after the close
    OUTCOME = "outcome"  # to participants, once an admin wrote what changed


class ConsultationClosed(AppError):
    msgid = N_(
        "This consultation is closed: answers are no longer accepted. Thank you all the same."
    )


class NotOpenYet(AppError):
    msgid = N_("This consultation is not open yet.")


class TooManyAnswers(AppError):
    msgid = N_("You have sent 30 answers in the last hour. Please wait a while, then try again.")


class EmptyAnswer(AppError):
    msgid = N_("That answer is empty. Type a few words, or send a voice note, photo or document.")


class AnswerTooLong(AppError):
    msgid = N_(
        "That text is too long. Please keep it under 4,000 characters, or send it in parts."
    )


class UnsupportedAnswer(AppError):
    msgid = N_(
        "I can take a text, a voice note, a photo or a document (PDF, picture, Word, "
        "spreadsheet or plain text). Please send your answer in one of those forms."
    )


class FileTooLarge(AppError):
    msgid = N_("This file is too big: the limit is {mb} MB. Please send a smaller one, or a text.")


class AlreadyPublished(AppError):
    msgid = N_("This consultation is published already.")


class CloseDatePassed(AppError):
    msgid = N_("This consultation's close date has passed, so it cannot be published.")


class OutcomeTooEarly(AppError):
    msgid = N_("The note on what changed can be written once the consultation is closed.")


class OutcomeWritten(AppError):
    msgid = N_("The note on what changed was written already; it cannot be changed.")


class FileNotReceived(AppError):
    msgid = N_("I could not receive that file. Please send it again, or type your answer.")


@dataclass(frozen=True, slots=True)
class Answer:
    """What a participant sent, as read from the message.

    `channel` is the channel it came by. A file is either kept by that channel
    (`file_platform`, `file_id`: Telegram keeps a bot's files) or, where the channel's ids
    lapse, downloaded during the turn and kept by us (`content`, see keep_copy).
    """

    kind: str
    text: str | None = None
    file_id: str | None = None
    file_size: int | None = None
    mime_type: str | None = None
    file_name: str | None = None
    file_platform: str | None = None  # the channel that keeps the file
    channel: str = "telegram"
    content: bytes | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class Loaded:
    """A published consultation with its parsed words."""

    record: ConsultationRecord
    spec: ConsultationSpec

    @property
    def id(self) -> int:
        return self.record.id

    def is_open(self, now: datetime) -> bool:
        return self.record.opens_at <= now < self.record.closes_at


@dataclass(frozen=True, slots=True)
class Receipt:
    reference: str
    anonymous: bool
    closes_at: datetime


@dataclass(frozen=True, slots=True)
class MyAnswer:
    consultation: Loaded
    answer: ConsultationAnswerRecord

    @property
    def reference(self) -> str:
        return reference(self.answer.consultation_id, self.answer.number)


def reference(consultation_id: int, number: int) -> str:
    """The reference shown to participants and in the export, e.g. C3-0042."""
    return f"C{consultation_id}-{number:0{REFERENCE_DIGITS}d}"


def _load(record: ConsultationRecord) -> Loaded:
    return Loaded(record, ConsultationSpec.from_data(record.spec))


# --- publishing -----------------------------------------------------------------------------


async def unpublished(uow: UnitOfWork, files: dict[str, ConsultationSpec]) -> list[str]:
    """Ids of consultation files no admin has published yet."""
    published = {c.slug for c in await uow.consultations.all()}
    return sorted(set(files) - published)


async def publish(
    uow: UnitOfWork, files: dict[str, ConsultationSpec], slug: str, now: datetime
) -> Loaded:
    """Publish a file: scheduled until its open date, open from then (the dispatcher
    tells subscribers)."""
    spec = files.get(slug)
    if spec is None:
        raise StaleButton(slug)
    if spec.closes_at <= now:
        raise CloseDatePassed(slug)
    status = Status.OPEN if spec.opens_at <= now else Status.SCHEDULED
    new_id = await uow.consultations.add(
        slug, spec.as_data(), status, spec.opens_at, spec.closes_at, now
    )
    if new_id is None:
        raise AlreadyPublished(slug)
    await uow.commit()
    record = await uow.consultations.get(new_id)
    assert record is not None
    return _load(record)


async def published(uow: UnitOfWork) -> list[Loaded]:
    return [_load(r) for r in await uow.consultations.all()]


async def get(uow: UnitOfWork, consultation_id: int) -> Loaded:
    """A published consultation; a button naming another is stale or forged."""
    record = await uow.consultations.get(consultation_id)
    if record is None:
        raise StaleButton(str(consultation_id))
    return _load(record)


async def readable(uow: UnitOfWork, consultation_id: int, now: datetime) -> Loaded:
    """A consultation a participant's button may show: published and past its opening
    time. Before then its text is not public yet (a forged or early button would read a
    draft the community has not been told about), so it answers as a stale button."""
    consultation = await get(uow, consultation_id)
    if now < consultation.record.opens_at:
        raise StaleButton(str(consultation_id))
    return consultation


async def open_now(uow: UnitOfWork, now: datetime) -> list[Loaded]:
    """Consultations a participant can answer now (the dates decide, not the job)."""
    return [c for c in await published(uow) if c.is_open(now)]


# --- answering ------------------------------------------------------------------------------


def check_answer(answer: Answer, max_file_mb: int) -> Answer:
    """Refuse empty, overlong, unsupported or too large answers; return it tidied."""
    if answer.kind not in KINDS:
        raise UnsupportedAnswer(answer.kind)
    text = (answer.text or "").strip()
    if text and not _visible(text):
        text = ""
    if len(text) > MAX_TEXT:
        raise AnswerTooLong(str(len(text)))
    if answer.kind == "text" and not text:
        raise EmptyAnswer()
    if answer.kind != "text":
        # the column is 256 characters; Telegram's ids are far shorter
        if not answer.file_id or len(answer.file_id) > FILE_ID_MAX:
            raise UnsupportedAnswer(answer.kind)
        if answer.kind == "document" and (answer.mime_type or "") not in DOCUMENT_TYPES:
            raise UnsupportedAnswer(answer.mime_type or "")
        if answer.file_size is not None and answer.file_size > max_file_mb * 1024 * 1024:
            raise FileTooLarge(str(answer.file_size))
    return Answer(
        kind=answer.kind,
        text=text or None,
        file_id=answer.file_id,
        file_platform=answer.file_platform if answer.file_id else None,
        file_size=answer.file_size,
        mime_type=answer.mime_type,
        # clipped to its column, so an anonymous answer held for its batch always fits
        file_name=answer.file_name[:FILE_NAME_MAX] if answer.file_name else None,
        channel=answer.channel,
    )


def keep_copy(answer: Answer, data: bytes, max_file_mb: int) -> Answer:
    """A checked answer whose file we keep ourselves (downloaded within the turn, while
    the channel's download link works): its size and type are those of the bytes."""
    if len(data) > max_file_mb * 1024 * 1024:
        raise FileTooLarge(str(len(data)))
    if not data or filetypes.sniff(data) not in KEPT_TYPES.get(answer.kind, frozenset()):
        raise UnsupportedAnswer(answer.kind)
    return replace(answer, file_id=None, file_platform=None, file_size=len(data), content=data)


def _visible(text: str) -> bool:
    """Whether the text has anything a reader would see (not only spaces or invisible marks)."""
    import unicodedata

    return any(not unicodedata.category(ch).startswith(("Z", "C")) for ch in text)


async def submit(
    uow: UnitOfWork,
    limit: AnswerLimit,
    *,
    consultation_id: int,
    section: int,
    stance: str,
    answer: Answer,
    language: str,
    user_id: int,
    anonymous: bool,
    author_name: str | None,
    now: datetime,
) -> Receipt:
    """Store one answer and return its receipt.

    A named answer is written now. An anonymous one is held, sealed, for its batch
    (bot.services.holding); its `user_id` counts for the in-memory hourly limit and, as a
    sealed pseudonym, for the number of people in a batch; it is never written.
    """
    consultation = await get(uow, consultation_id)
    if stance not in STANCES or not 0 <= section < len(consultation.spec.clauses):
        raise StaleButton(f"{consultation_id}-{section}-{stance}")
    _check_open(consultation, now)
    if not await limit.allows(user_id, now):
        raise TooManyAnswers()
    values: dict[str, Any] = {
        "consultation_id": consultation_id,
        "section": section,
        "stance": stance,
        "kind": answer.kind,
        **_content_values(answer),
        "language": language,
        "submitted_on": now.date(),
        "user_id": None if anonymous else user_id,
        "author_name": None if anonymous else author_name,
    }
    number = await _store(uow, values, answer.content, anonymous, user_id, now)
    # No answer, named or anonymous, goes to the event log: a named answer's exact time
    # there would bracket the anonymous answers stored just before and after it.
    await uow.commit()
    await limit.note(user_id, now)
    return Receipt(reference(consultation_id, number), anonymous, consultation.record.closes_at)


def _content_values(answer: Answer) -> dict[str, Any]:
    """The columns that say what an answer holds (our copy of a file is stored apart)."""
    return {
        "kind": answer.kind,
        "text": answer.text,
        "channel": answer.channel,
        "file_platform": answer.file_platform,
        "file_kept": answer.content is not None,
        "file_id": answer.file_id,
        "file_size": answer.file_size,
        "mime_type": answer.mime_type,
        "file_name": answer.file_name,
    }


async def _store(
    uow: UnitOfWork,
    values: dict[str, Any],
    content: bytes | None,
    anonymous: bool,
    user_id: int,
    now: datetime,
) -> int:
    """Draw a random reference number used by no answer, written or held, and store the
    answer under it: written if named, held if anonymous (its file held apart, under a
    random id only the sealed answer names). Return the number."""
    consultation_id = values["consultation_id"]
    held_file = await uow.answer_files.hold(content) if anonymous and content else None
    for _attempt in range(12):
        taken = await uow.consultations.numbers(consultation_id)
        number = holding.draw_number(taken, REFERENCE_DIGITS)
        if await holding.is_held(uow, consultation_id, number):
            continue
        row = {**values, "number": number}
        if anonymous:
            stored = await holding.hold_answer(uow, row, user_id, now.date(), held_file)
        else:
            stored = await uow.consultations.add_answer(row)
            if stored and content is not None:
                await uow.answer_files.keep(consultation_id, number, content)
        if stored:
            return number
    raise RuntimeError("no free reference number found")


def _check_open(consultation: Loaded, now: datetime) -> None:
    if now >= consultation.record.closes_at:
        raise ConsultationClosed(str(consultation.id))
    if now < consultation.record.opens_at:
        raise NotOpenYet(str(consultation.id))


async def my_answers(uow: UnitOfWork, user_id: int) -> list[MyAnswer]:
    """The user's named answers (anonymous ones cannot be found: that is the point)."""
    cache: dict[int, Loaded] = {}
    result = []
    for answer in await uow.consultations.answers_of(user_id):
        if answer.consultation_id not in cache:
            cache[answer.consultation_id] = await get(uow, answer.consultation_id)
        result.append(MyAnswer(cache[answer.consultation_id], answer))
    return result


async def my_answer(uow: UnitOfWork, user_id: int, consultation_id: int, number: int) -> MyAnswer:
    answer = await uow.consultations.answer(consultation_id, number)
    if answer is None or answer.user_id != user_id:
        raise StaleButton(f"{consultation_id}-{number}")
    return MyAnswer(await get(uow, consultation_id), answer)


async def change_answer(
    uow: UnitOfWork,
    limit: AnswerLimit,
    *,
    user_id: int,
    consultation_id: int,
    number: int,
    answer: Answer,
    now: datetime,
) -> Receipt:
    """Replace a named answer's content (same section, stance and reference)."""
    mine = await my_answer(uow, user_id, consultation_id, number)
    _check_open(mine.consultation, now)
    if not await limit.allows(user_id, now):
        raise TooManyAnswers()
    values = {**_content_values(answer), "submitted_on": now.date()}
    if not await uow.consultations.replace_answer(consultation_id, number, user_id, values):
        raise StaleButton(f"{consultation_id}-{number}")
    if answer.content is not None:
        await uow.answer_files.keep(consultation_id, number, answer.content)
    else:
        await uow.answer_files.drop(consultation_id, number)
    await uow.commit()
    await limit.note(user_id, now)
    return Receipt(mine.reference, False, mine.consultation.record.closes_at)


async def withdraw(
    uow: UnitOfWork, user_id: int, consultation_id: int, number: int, now: datetime
) -> str:
    """Delete a named answer before the close; return its reference."""
    mine = await my_answer(uow, user_id, consultation_id, number)
    _check_open(mine.consultation, now)
    await uow.consultations.delete_answer(consultation_id, number, user_id)
    await uow.commit()
    return mine.reference


async def follow(uow: UnitOfWork, consultation_id: int, user_id: int) -> None:
    """Ask for the thank-you and the "what changed" note of one consultation.

    Held until the close (bot.services.holding): written now, the row's place would say
    when this person answered anonymously.
    """
    await get(uow, consultation_id)
    await holding.hold_follow(uow, consultation_id, user_id)
    await uow.commit()


async def set_subscribed(uow: UnitOfWork, user_id: int, on: bool) -> None:
    if on:
        await uow.consultations.subscribe(user_id)
    else:
        await uow.consultations.unsubscribe(user_id)
    await uow.commit()


# --- admin ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SectionCounts:
    clause: str
    title: str
    counts: dict[str, int]


async def section_counts(uow: UnitOfWork, consultation: Loaded) -> list[SectionCounts]:
    counts = await uow.consultations.counts(consultation.id)
    text = consultation.spec.text("en")
    return [
        SectionCounts(s.clause, s.title, {st: counts.get((i, st), 0) for st in STANCES})
        for i, s in enumerate(text.sections)
    ]


async def write_outcome(uow: UnitOfWork, consultation_id: int, note: str, now: datetime) -> int:
    """Store the "what changed" note (once, after the close); return how many will hear it."""
    consultation = await get(uow, consultation_id)
    if now < consultation.record.closes_at:
        raise OutcomeTooEarly(str(consultation_id))
    note = note.strip()
    if not note or not _visible(note):
        raise EmptyAnswer()
    if len(note) > 3000:
        raise AnswerTooLong(str(len(note)))
    if not await uow.consultations.set_outcome(consultation_id, note, now):
        raise OutcomeWritten(str(consultation_id))
    await uow.commit()
    people = await uow.consultations.participant_ids(consultation_id)
    return len(people | await holding.held_followers(uow, consultation_id))


# --- the dispatcher -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Delivery:
    consultation: Loaded
    kind: Notice
    recipient: Recipient


async def advance(uow: UnitOfWork, now: datetime) -> list[Loaded]:
    """Move consultations on by their dates (scheduled → open → closed); return them all."""
    result = []
    for consultation in await published(uow):
        record = consultation.record
        status = record.status
        if now >= record.closes_at:
            status = Status.CLOSED
        elif now >= record.opens_at:
            status = Status.OPEN
        if status != record.status:
            await uow.consultations.set_status(record.id, status)
        result.append(consultation)
    await uow.commit()
    return result


def due_notices(consultation: Loaded, now: datetime) -> list[tuple[Notice, str]]:
    """Which notices are due for a consultation now, and for whom."""
    record = consultation.record
    if now < record.opens_at:
        return []
    if now < record.closes_at:
        due = [(Notice.OPEN, "subscribers")]
        if now >= record.closes_at - CLOSING_NOTICE:
            due.append((Notice.CLOSING, "subscribers"))
        return due
    due = [(Notice.THANKS, "participants")]
    if record.outcome is not None:
        due.append((Notice.OUTCOME, "participants"))
    return due


async def release(uow: UnitOfWork, delivery: Delivery) -> None:
    """A claimed notice that could not go out now: the next run sends it."""
    await uow.consultations.release_notice(
        delivery.consultation.id, delivery.kind, delivery.recipient.user_id
    )
    await uow.commit()


async def notice_done(
    uow: UnitOfWork, delivery: Delivery, state: Delivered, ref: str | None = None
) -> None:
    """Record what became of a claimed notice (`ref`: the channel's id for it, where the
    channel reports its delivery later)."""
    await uow.consultations.finish_notice(
        delivery.consultation.id,
        delivery.kind,
        delivery.recipient.user_id,
        state,
        ref_digest(ref) if ref else None,
    )
    await uow.commit()


async def claim(
    uow: UnitOfWork, consultation: Loaded, kind: Notice, audience: str
) -> list[Delivery]:
    """Record a batch of notices as sent (before sending: at most once) and return them."""
    recipients = await uow.consultations.claim_notices(
        consultation.id, kind, audience, NOTICE_BATCH
    )
    await uow.commit()
    return [Delivery(consultation, kind, r) for r in recipients]


# --- privacy --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConsultationPrivacy:
    subscribed: bool
    named_answers: int
    following: int
    notices: int
    answers: tuple[MyAnswer, ...] = ()  # the named answers themselves, oldest first

    @property
    def kept_files(self) -> int:
        """Named answers whose file we keep a copy of (sent where file ids lapse)."""
        return sum(1 for mine in self.answers if mine.answer.file_kept)


async def privacy(uow: UnitOfWork, user_id: int) -> ConsultationPrivacy:
    named, following, notices = await uow.consultations.count_for(user_id)
    ids = [c.id for c in await uow.consultations.all()]
    return ConsultationPrivacy(
        subscribed=await uow.consultations.is_subscribed(user_id),
        named_answers=named,
        following=following + await holding.held_follows_of(uow, user_id, ids),
        notices=notices,
        answers=tuple(await my_answers(uow, user_id)),
    )


async def delete_for(uow: UnitOfWork, user_id: int) -> None:
    """/deleteme: named answers, opt-in, follows (written or still held) and notices.
    Anonymous answers, written or held, are nobody's and stay."""
    ids = [c.id for c in await uow.consultations.all()]
    await holding.forget_follows_of(uow, user_id, ids)
    await uow.consultations.delete_for(user_id)
