"""Lessons: modules, cards and finishing a module."""

from __future__ import annotations

from dataclasses import dataclass

from bot.actions.base import Action


@dataclass(frozen=True, slots=True)
class OpenModule(Action):
    PREFIX = "mod"
    module_id: str


@dataclass(frozen=True, slots=True)
class ShowCard(Action):
    PREFIX = "c"
    card_id: str


@dataclass(frozen=True, slots=True)
class FinishModule(Action):
    PREFIX = "fin"
    module_id: str
