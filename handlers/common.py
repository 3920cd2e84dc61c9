"""What every handler shares: the turn and the few helpers every feature uses."""

from __future__ import annotations

from bot.conversation.events import Command, Typed
from bot.conversation.turn import Turn, picked, wait, waiting_for
from bot.screens import Keyboard, Screen

__all__ = ["Turn", "command_args", "picked", "show", "typed_text", "wait", "waiting_for"]


async def show(
    turn_: Turn, text: str, keyboard: Keyboard | None = None, *, edit: bool = True
) -> str | None:
    """Show a screen: in place of the pressed message where the channel can, else anew."""
    return await turn_.reply.show(Screen(text, keyboard or Keyboard(), edit))


def command_args(turn_: Turn) -> tuple[str, ...]:
    """The words after the command (`/glossary bauxite` gives ("bauxite",))."""
    return turn_.event.args if isinstance(turn_.event, Command) else ()


def typed_text(turn_: Turn) -> str | None:
    """The text the person typed (None for a file, a sticker, a button)."""
    return turn_.event.text if isinstance(turn_.event, Typed) else None
