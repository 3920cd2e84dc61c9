"""What typed message the bot waits for from a person: one typed value, or nothing.

A feature that asks a question ("Type the city", "Send your answer now") sets one of these;
the next message that is not a command goes to that feature and to no other, so a message
can never be taken by the wrong feature (an answer meant for a consultation sent to staff,
a staff reply sent to a learner). There is one timeout for all of them and one interrupt
rule (bot.channels.telegram / handlers.common): any command, or any button of another
feature, ends the wait.

The value is kept in `users.waiting`, so it survives a restart and every process reads the
same one. It holds which step and since when, never what the person typed: not the text of
a consultation answer, not the complaint guide's answers, not a certificate name before it
is confirmed (those stay in the process's memory, or are never kept). It is sealed
(bot.sealing) before it is written, because even the step can say too much: that someone is
writing an anonymous answer to one section, with a stance.
"""

from __future__ import annotations

import base64
import dataclasses
import logging
import typing
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar

from bot.sealing import SMALL_SIZE, Sealer

log = logging.getLogger(__name__)

# One timeout for every step: long enough to write a considered answer on a small keyboard
# in a second language, short enough that a message sent later in the day is not taken as
# the answer to an old question.
WAIT_FOR = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class Wait:
    """A step the bot waits in; FEATURE names the actions module whose buttons keep it."""

    FEATURE: ClassVar[str] = ""
    KIND: ClassVar[str] = ""
    # Steps where a misfiled message costs most (an answer filed anonymously cannot be
    # withdrawn) end on any button at all, their own feature's included.
    STRICT: ClassVar[bool] = False
    since: datetime


@dataclass(frozen=True, slots=True)
class CityName(Wait):
    """Settings → Reminders → Type a city."""

    FEATURE = "reminders"
    KIND = "city"


@dataclass(frozen=True, slots=True)
class CertificateName(Wait):
    """The name to print on the certificate (kept in memory until confirmed)."""

    FEATURE = "quizzes"
    KIND = "certificate-name"


@dataclass(frozen=True, slots=True)
class ConsultationAnswer(Wait):
    """An answer to one section of a consultation (or a change to a named one)."""

    FEATURE = "consultations"
    KIND = "consultation-answer"
    STRICT = True
    consultation: int = 0
    section: int = 0
    stance: str = ""
    anonymous: bool = False
    edit_number: int | None = None


@dataclass(frozen=True, slots=True)
class ConsultationOutcome(Wait):
    """Admins: the note on what changed after a consultation."""

    FEATURE = "consultations"
    KIND = "consultation-outcome"
    STRICT = True
    consultation: int = 0


@dataclass(frozen=True, slots=True)
class CohortName(Wait):
    FEATURE = "trainers"
    KIND = "cohort-name"


@dataclass(frozen=True, slots=True)
class CohortPlace(Wait):
    """The new cohort's place, after its name and language."""

    FEATURE = "trainers"
    KIND = "cohort-place"
    name: str = ""
    language: str = ""


@dataclass(frozen=True, slots=True)
class AnnouncementText(Wait):
    FEATURE = "announcements"
    KIND = "announcement"


@dataclass(frozen=True, slots=True)
class QuestionToPerson(Wait):
    """Ask a person: the question typed anew."""

    FEATURE = "faq"
    KIND = "ask"


@dataclass(frozen=True, slots=True)
class StaffReply(Wait):
    """Staff: the reply to one question."""

    FEATURE = "faq"
    KIND = "reply"
    question: int = 0


@dataclass(frozen=True, slots=True)
class AnswerBack(Wait):
    """The learner's answer to a staff member's reply."""

    FEATURE = "faq"
    KIND = "answer-back"
    question: int = 0


@dataclass(frozen=True, slots=True)
class GuideAnswer(Wait):
    """The complaint guide: the answer to one of its questions (answers stay in memory)."""

    FEATURE = "faq"
    KIND = "guide"
    step: int = 0


@dataclass(frozen=True, slots=True)
class GuideSummary(Wait):
    """The complaint guide's summary is shown: save it, or discard it."""

    FEATURE = "faq"
    KIND = "guide-summary"


@dataclass(frozen=True, slots=True)
class CardRecording(Wait):
    """Trainers: a voice note or audio file reading a card aloud in one language."""

    FEATURE = "recordings"
    KIND = "recording"
    card: str = ""
    language: str = ""


@dataclass(frozen=True, slots=True)
class RejectReason(Wait):
    """Admins: why a recording is rejected (the recorder reads it)."""

    FEATURE = "recordings"
    KIND = "reject-reason"
    recording: int = 0


Waiting = (
    CityName
    | CertificateName
    | ConsultationAnswer
    | ConsultationOutcome
    | CohortName
    | CohortPlace
    | AnnouncementText
    | QuestionToPerson
    | StaffReply
    | AnswerBack
    | GuideAnswer
    | GuideSummary
    | CardRecording
    | RejectReason
)
_KINDS: dict[str, type[Wait]] = {cls.KIND: cls for cls in typing.get_args(Waiting)}


def current(waiting: Wait | None, now: datetime) -> Wait | None:
    """The step, unless its time ran out."""
    if waiting is None or now - waiting.since > WAIT_FOR:
        return None
    return waiting


# What a typed message or a file counts as for the interrupt rule: no feature, it keeps the wait.
TYPED = "*"


def ended_by(waiting: Wait | None, feature: str | None) -> bool:
    """The interrupt rule: a command or a stale button (feature None) or another feature's
    button ends it; a typed message or a file (TYPED) keeps it."""
    if waiting is None or feature == TYPED:
        return False
    return feature is None or waiting.STRICT or feature != waiting.FEATURE


def to_json(waiting: Wait) -> dict[str, Any]:
    values: dict[str, Any] = {"kind": waiting.KIND}
    for field in dataclasses.fields(waiting):
        value = getattr(waiting, field.name)
        values[field.name] = value.isoformat() if isinstance(value, datetime) else value
    return values


def from_json(values: object) -> Wait | None:
    """The step; None for anything that does not parse (dropped, never guessed)."""
    if not isinstance(values, dict):
        return None
    cls = _KINDS.get(str(values.get("kind")))
    if cls is None:
        return None
    names = {field.name for field in dataclasses.fields(cls)}
    if set(values) - names - {"kind"}:
        return None  # written by another version, or tampered with: not guessed at
    try:
        kwargs: dict[str, Any] = {}
        for field in dataclasses.fields(cls):
            if field.name not in values:
                continue
            value = values[field.name]
            kwargs[field.name] = datetime.fromisoformat(value) if field.name == "since" else value
        made = cls(**kwargs)
    except (TypeError, ValueError) as err:
        log.warning("dropped a saved step that does not parse: %s", type(err).__name__)
        return None
    if not isinstance(made.since, datetime):
        return None
    return made


def seal(waiting: Wait, user_id: int, sealer: Sealer | None) -> dict[str, Any]:
    """What users.waiting holds: the step sealed with the deployment's key."""
    if sealer is None:
        return {"step": to_json(waiting)}
    sealed = sealer.seal(f"waiting:{user_id}", to_json(waiting), SMALL_SIZE)
    return {"sealed": base64.b64encode(sealed).decode("ascii")}


def unseal(stored: object, user_id: int, sealer: Sealer | None) -> Wait | None:
    if not isinstance(stored, dict):
        return None
    if "step" in stored:
        return from_json(stored["step"])
    text = stored.get("sealed")
    if not isinstance(text, str) or sealer is None:
        return None
    try:
        payload = sealer.open(f"waiting:{user_id}", base64.b64decode(text))
    except ValueError:
        return None
    return from_json(payload)
