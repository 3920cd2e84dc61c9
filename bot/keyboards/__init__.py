"""Choices under a screen, built from plain data with the user's translator; no I/O.

These builders are channel-neutral: they return `bot.screens.Keyboard`, which each channel
renders (an inline keyboard on Telegram).
"""

from __future__ import annotations

from typing import Protocol

from bot.screens import Choice


class Packable(Protocol):
    def pack(self) -> str: ...


def button(text: str, data: Packable) -> Choice:
    """A choice; packing (checked once here) enforces the 64-byte limit."""
    data.pack()
    return Choice(text, data)  # type: ignore[arg-type]
