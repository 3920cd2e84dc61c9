"""Language picker and the welcome's start button."""

from __future__ import annotations

from collections.abc import Mapping

from bot.actions.onboarding import Consent, PickLanguage
from bot.i18n import LANGUAGE_NAMES, Translator
from bot.keyboards import button
from bot.screens import Keyboard, keyboard


def language_keyboard(
    languages: tuple[str, ...], suggested: str, names: Mapping[str, str] = LANGUAGE_NAMES
) -> Keyboard:
    """Every language in its own name; the one Telegram suggests comes first, ticked."""
    ordered = [suggested, *(code for code in languages if code != suggested)]
    return keyboard(
        [
            [
                button(
                    ("✓ " if code == suggested else "") + names.get(code, code), PickLanguage(code)
                )
            ]
            for code in ordered
        ]
    )


def welcome_keyboard(t: Translator) -> Keyboard:
    return keyboard([[button("▶ " + t.gettext("Start learning"), Consent())]])
