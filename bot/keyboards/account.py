"""Confirmation buttons for deleting one's data."""

from __future__ import annotations

from bot.actions.menu import DeleteData
from bot.i18n import Translator
from bot.keyboards import button
from bot.screens import Keyboard, keyboard


def delete_keyboard(t: Translator) -> Keyboard:
    return keyboard(
        [
            [button("🗑 " + t.gettext("Yes, delete"), DeleteData("yes"))],
            [button(t.gettext("No, keep it"), DeleteData("no"))],
        ]
    )
