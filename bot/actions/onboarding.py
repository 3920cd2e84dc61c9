"""Onboarding: the language picker and the welcome's consent."""

from __future__ import annotations

from dataclasses import dataclass

from bot.actions.base import Action


@dataclass(frozen=True, slots=True)
class PickLanguage(Action):
    PREFIX = "lang"
    language: str


@dataclass(frozen=True, slots=True)
class Consent(Action):
    """The welcome's "OK": the learner read what the bot stores."""

    PREFIX = "ok"
