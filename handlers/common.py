"""What every handler shares: the turn and the few helpers every feature uses."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from bot.conversation.background import Progress, Work
from bot.conversation.events import Command, Typed
from bot.conversation.ports import CHANNEL_NAMES, OutFile
from bot.conversation.turn import Turn, picked, wait, waiting_for
from bot.screens import Keyboard, Screen
from bot.views import background as views
from bot.views.trainers import InviteLink

__all__ = [
    "Turn",
    "command_args",
    "file_in_background",
    "in_background",
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


async def in_background(turn_: Turn, work: Work, keyboard: Keyboard | None = None) -> None:
    """Answer at once with a progress message and run `work` beside the turns
    (bot.conversation.background): it edits that message as it goes, sends the files and
    returns the message's last words (with `keyboard` under them); a failure ends it with
    a translated apology. The work must not use the turn's unit of work: read what it
    needs first."""
    ref = await show(turn_, views.render_started(turn_.t), edit=False)
    channel = turn_.services.channels.get(turn_.person.platform)
    assert channel is not None, "the person's own channel runs: they came by it"
    progress = Progress(channel, turn_.person.address, ref, last_keyboard=keyboard)
    turn_.services.background.start(progress, work, views.render_failed(turn_.t))


async def file_in_background(
    turn_: Turn,
    make: Callable[[], OutFile],
    caption: str | None = None,
    keyboard: Keyboard | None = None,
) -> None:
    """`in_background` for one file: `make` runs in a thread (a chart, a PDF, a
    spreadsheet take seconds on a small server), then the file is sent."""
    t = turn_.t

    async def work(progress: Progress) -> str:
        await progress.send_file(await asyncio.to_thread(make), caption)
        return views.render_done(t)

    await in_background(turn_, work, keyboard)


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
