"""Confirmation buttons for deleting one's data."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.callbacks import DeleteData
from bot.i18n import Translator
from bot.keyboards import button


def delete_keyboard(t: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [button("🗑 " + t.gettext("Yes, delete"), DeleteData("yes"))],
            [button(t.gettext("No, keep it"), DeleteData("no"))],
        ]
    )
