"""Module quizzes and the certificate."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from bot.actions.base import Action, Range


@dataclass(frozen=True, slots=True)
class QuizStart(Action):
    """Take a module's quiz: resumes a quiz under way at that module."""

    PREFIX = "qs"
    module_id: str


@dataclass(frozen=True, slots=True)
class QuizRetry(Action):
    """A new draw of a module's quiz."""

    PREFIX = "qr"
    module_id: str


@dataclass(frozen=True, slots=True)
class CertificateAction(Action):
    """`get` sends the certificate (asking for the name the first time), `name` asks for
    the name again, `yes` confirms the typed name and issues the certificate."""

    PREFIX = "qc"
    step: Literal["get", "name", "yes"]


@dataclass(frozen=True, slots=True)
class QuizPick(Action):
    """An option picked from a quiz question sent as a list or buttons (not a native poll).

    `option` is the place of the option as shown (the poll's order), like a Telegram poll
    answer's option id. The question was recorded under `question_ref(attempt, position)`
    (`quizzes.poll_sent`), so the pick names the record it answers; it counts only when
    that record exists, the attempt is the person's own and still stands at that position.
    So a pick from an old question, from another person's message or with edited fields is
    refused, and the first answer wins.
    """

    PREFIX = "qp"
    attempt: int
    position: Annotated[int, Range(0, 99)]
    option: Annotated[int, Range(0, 9)]

    @property
    def ref(self) -> str:
        return question_ref(self.attempt, self.position)


def question_ref(attempt: int, position: int) -> str:
    """The reference a question sent as choices is recorded under: which question of which
    attempt (a channel without native quizzes has no poll id to record)."""
    return f"{attempt}:{position}"
