"""The FAQ, questions to a person and the "Preparing a complaint" guide."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from bot.actions.base import Action, Range


@dataclass(frozen=True, slots=True)
class FaqAnswer(Action):
    PREFIX = "a"
    entry_id: str


@dataclass(frozen=True, slots=True)
class FaqGroupPage(Action):
    """A page of one group's topics, counted from 0."""

    PREFIX = "ag"
    group: str
    page: Annotated[int, Range(0, 999)]


@dataclass(frozen=True, slots=True)
class FaqRate(Action):
    """ "Was this helpful?" 👍 / 👎 under an answer."""

    PREFIX = "ar"
    entry_id: str
    vote: Literal["up", "down"]

    @property
    def helpful(self) -> bool:
        return self.vote == "up"


@dataclass(frozen=True, slots=True)
class FaqAsk(Action):
    """Ask a person: `send` the question the FAQ could not answer, or `type` a new one."""

    PREFIX = "ap"
    step: Literal["send", "type"]


@dataclass(frozen=True, slots=True)
class FaqReply(Action):
    """Staff: reply to a question to a person."""

    PREFIX = "aq"
    question: int


@dataclass(frozen=True, slots=True)
class FaqListen(Action):
    """Staff: hear a question asked by voice (again)."""

    PREFIX = "al"
    question: int


@dataclass(frozen=True, slots=True)
class FaqAnswerBack(Action):
    """The learner answers the staff member's reply."""

    PREFIX = "ab"
    question: int


@dataclass(frozen=True, slots=True)
class ComplaintGuide(Action):
    """The guide's steps: start, skip a question, yes / no, save or discard the summary,
    show or delete the saved draft, stop."""

    PREFIX = "ac"
    step: Literal["start", "skip", "yes", "no", "save", "discard", "draft", "delete", "stop"]
