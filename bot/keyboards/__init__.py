"""Inline keyboards, built from plain data with the user's translator; no I/O."""

from __future__ import annotations

from telegram import InlineKeyboardButton

from bot.callbacks import CallbackData


def button(text: str, data: CallbackData) -> InlineKeyboardButton:
    """A callback button; packing checks the 64-byte limit."""
    return InlineKeyboardButton(text, callback_data=data.pack())
