"""Module quizzes and the certificate."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.actions.base import Action


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
