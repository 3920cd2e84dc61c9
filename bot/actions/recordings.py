"""Recorded audio: recording a card, reviewing submissions, listening."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from bot.actions.base import Action, Pattern

# a course language or a spoken-only one (`sus-spoken`)
LanguageCode = Annotated[str, Pattern(r"^[a-z]{2,3}(-spoken)?$")]


@dataclass(frozen=True, slots=True)
class RecordCard(Action):
    """🎙 Record this card: choose the language, or start at once when there is one."""

    PREFIX = "vr"
    card_id: str


@dataclass(frozen=True, slots=True)
class RecordIn(Action):
    PREFIX = "vl"
    card_id: str
    language: LanguageCode


@dataclass(frozen=True, slots=True)
class DraftSubmit(Action):
    PREFIX = "vs"
    recording: int


@dataclass(frozen=True, slots=True)
class DraftAgain(Action):
    PREFIX = "va"
    recording: int


@dataclass(frozen=True, slots=True)
class DraftCancel(Action):
    """Cancel recording (0: no draft yet)."""

    PREFIX = "vx"
    card_id: str
    recording: int


@dataclass(frozen=True, slots=True)
class ReviewList(Action):
    PREFIX = "vq"


@dataclass(frozen=True, slots=True)
class ReviewOpen(Action):
    PREFIX = "vo"
    recording: int


@dataclass(frozen=True, slots=True)
class ReviewApprove(Action):
    PREFIX = "vy"
    recording: int


@dataclass(frozen=True, slots=True)
class ReviewReject(Action):
    PREFIX = "vn"
    recording: int


@dataclass(frozen=True, slots=True)
class Listen(Action):
    """🔊 Listen to a card in the learner's listening language."""

    PREFIX = "vh"
    card_id: str


@dataclass(frozen=True, slots=True)
class ListenSettings(Action):
    """Settings → Listening."""

    PREFIX = "vg"


@dataclass(frozen=True, slots=True)
class SetListen(Action):
    """The language cards are heard in (`same`: the one read)."""

    PREFIX = "vt"
    language: Annotated[str, Pattern(r"^(same|[a-z]{2,3}(-spoken)?)$")]


@dataclass(frozen=True, slots=True)
class SetAudioFirst(Action):
    PREFIX = "vf"
    on: bool


@dataclass(frozen=True, slots=True)
class ReadCard(Action):
    """📖 Read: the card's text, under a card sent audio first."""

    PREFIX = "vd"
    card_id: str
