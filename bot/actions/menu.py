"""The main menu, settings and deleting one's data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from bot.actions.base import Action

MenuItem = Literal[
    "main",
    "continue",
    "modules",
    "progress",
    "glossary",
    "help",
    "settings",
    "language",
    "privacy",
    "reminders",
    "quizzes",
    "consult",
    "trainer",
    "cohorts",
    "faq",
]


@dataclass(frozen=True, slots=True)
class Menu(Action):
    """A menu entry; each opens its feature's first screen."""

    PREFIX = "m"
    item: MenuItem

    @classmethod
    def only(cls, item: MenuItem) -> Callable[[object], bool]:
        """A pattern matching one entry, for a handler that serves only that entry."""
        return lambda data: cls.unpack(data) == cls(item)


@dataclass(frozen=True, slots=True)
class DeleteData(Action):
    """`ask` opens the confirmation, `yes` deletes, `no` keeps everything."""

    PREFIX = "del"
    step: Literal["ask", "yes", "no"]
