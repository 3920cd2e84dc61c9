"""Invitation links: joining a cohort, becoming a trainer, leaving a cohort."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from bot.actions.base import Action, Pattern

# Invitation codes are URL-safe base64.
Code = Annotated[str, Pattern(r"^[A-Za-z0-9_-]{1,40}$")]


@dataclass(frozen=True, slots=True)
class JoinCohort(Action):
    PREFIX = "ij"
    code: Code


@dataclass(frozen=True, slots=True)
class DeclineInvitation(Action):
    PREFIX = "in"
    code: Code


@dataclass(frozen=True, slots=True)
class AcceptTrainerRole(Action):
    PREFIX = "ia"
    code: Code


@dataclass(frozen=True, slots=True)
class LeaveCohort(Action):
    """A learner leaves a cohort with one tap."""

    PREFIX = "il"
    cohort: int
