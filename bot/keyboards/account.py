"""Confirmation buttons for deleting one's data."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import DeleteData
from bot.i18n import Translator


def delete_keyboard(t: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("🗑 " + t.gettext("Yes, delete"), callback_data=DeleteData("yes").pack())],
            [InlineKeyboardButton(t.gettext("No, keep it"), callback_data=DeleteData("no").pack())],
        ]
    )
