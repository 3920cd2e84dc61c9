"""Choices under a screen, built from plain data with the user's translator; no I/O.

These builders are channel-neutral: they return `bot.screens.Keyboard`, which each channel
renders (an inline keyboard on Telegram).
"""

from __future__ import annotations

from bot.actions import Action
from bot.screens import Choice


def button(text: str, action: Action) -> Choice:
    """A choice; packing it once here refuses a value over the 64-byte limit at once."""
    action.pack()
    return Choice(text, action)
