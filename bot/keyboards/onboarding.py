"""Language picker and the welcome's start button."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import Consent, PickLanguage
from bot.i18n import LANGUAGE_NAMES, Translator


def language_keyboard(languages: tuple[str, ...], suggested: str) -> InlineKeyboardMarkup:
    """Every language in its own name; the one Telegram suggests comes first, ticked."""
    ordered = [suggested, *(code for code in languages if code != suggested)]
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    ("✓ " if code == suggested else "") + LANGUAGE_NAMES[code],
                    callback_data=PickLanguage(code).pack(),
                )
            ]
            for code in ordered
        ]
    )


def welcome_keyboard(t: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton("▶ " + t.gettext("Start learning"), callback_data=Consent("yes").pack())]]
    )
