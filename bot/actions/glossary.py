"""The A-Z glossary."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from bot.actions.base import Action, Range


@dataclass(frozen=True, slots=True)
class GlossaryPage(Action):
    """A page of the A-Z list, counted from 0."""

    PREFIX = "g"
    page: Annotated[int, Range(0, 999)]


@dataclass(frozen=True, slots=True)
class GlossaryEntry(Action):
    PREFIX = "gt"
    term_id: str
