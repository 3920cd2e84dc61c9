"""What every handler shares: the turn and the few helpers every feature uses."""

from __future__ import annotations

from bot.conversation.events import Command, Typed
from bot.conversation.ports import CHANNEL_NAMES
from bot.conversation.turn import Turn, picked, wait, waiting_for
from bot.screens import Keyboard, Screen
from bot.views.trainers import InviteLink

__all__ = [
    "Turn",
    "command_args",
    "invite_links",
    "picked",
    "show",
    "typed_text",
    "wait",
    "waiting_for",
]


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


def invite_links(turn_: Turn, code: str) -> list[InviteLink]:
    """The invitation's link on every channel this process runs, the person's own first:
    a trainer on Telegram shares the WhatsApp link too, as the learners choose."""
    own = turn_.person.platform
    links = [InviteLink(CHANNEL_NAMES.get(own, own), turn_.reply.invite_link(code))]
    for platform in turn_.services.channels.platforms:
        channel = turn_.services.channels.get(platform)
        if platform != own and channel is not None:
            links.append(
                InviteLink(CHANNEL_NAMES.get(platform, platform), channel.invite_link(code))
            )
    return links
