"""Screens as Telegram messages: the restricted markup is Telegram HTML already, choices
become an inline keyboard with one row per screen row."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.screens import Choice, Keyboard

__all__ = ["markup"]


def markup(choices: Keyboard | None) -> InlineKeyboardMarkup | None:
    """The inline keyboard for a screen's choices; None when there are none."""
    if not choices:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(c.label, callback_data=c.data)
                if isinstance(c, Choice)
                else InlineKeyboardButton(c.label, url=c.url)
                for c in row
            ]
            for row in choices.rows
        ]
    )
