"""Long work a person asked for (an export, a chart, a workshop pack) runs beside the turns.

A turn holds that person's place in the update processor (and on SQLite the only one), so
a ZIP of a hundred voice notes fetched inside a turn would hold up everyone behind it. The
handler reads what the work needs in its own turn, answers at once with a progress
message, and hands the rest to `Background`; the work reaches the person through their
channel (bot.conversation.ports), editing that message as it goes and sending the files.
It gets no unit of work: whatever it needs from the database was read in the turn.

Nothing of it is written down: a process that stops waits for the work under way
(`Background.wait`), but one killed outright loses it, and the progress message stays as
it was; the person presses the button again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.conversation.ports import Channel, OutFile, Sent
from bot.redact import error_summary, redacted_traceback
from bot.screens import Keyboard

log = logging.getLogger(__name__)

# The progress message is edited at most this often (seconds), like an announcement's line.
PROGRESS_EVERY = 3.0


class NotDelivered(Exception):
    """A file or message of the work did not reach the person (they blocked the bot, the
    channel refused it): the work stops, and the progress message says it failed."""


@dataclass
class Progress:
    """The progress message of one piece of work, and the way to the person."""

    channel: Channel
    address: str
    ref: str | None
    every: float = PROGRESS_EVERY
    # the choices under the message's last words (a way back to the menu), if any
    last_keyboard: Keyboard | None = None
    _edited: float = 0.0

    async def say(self, text: str, *, now: bool = False) -> None:
        """Change the progress message (at most every `every` seconds unless `now`); a
        channel that cannot edit sends it anew, so updates are few."""
        moment = time.monotonic()
        if not now and moment - self._edited < self.every:
            return
        self._edited = moment
        await self._write(text, None)

    async def finish(self, text: str) -> None:
        """The message's last words, with `last_keyboard` under them."""
        await self._write(text, self.last_keyboard)

    async def _write(self, text: str, keyboard: Keyboard | None) -> None:
        if self.ref is None:
            sent = await self.channel.send(self.address, text, keyboard)
            self.ref = sent.ref
            return
        edited = await self.channel.edit(self.address, self.ref, text, keyboard)
        if edited.result is not Sent.SENT:
            log.info("progress message not edited: %s", edited.result)

    async def send_file(self, file: OutFile, caption: str | None = None) -> None:
        sent = await self.channel.send_file(self.address, file, caption)
        if sent.result is not Sent.SENT:
            raise NotDelivered(sent.result.value)


# What runs in the background: given the progress message, it does the work and returns
# the message's final text.
Work = Callable[[Progress], Awaitable[str]]


class Background:
    """The background work of one process."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()

    def start(self, progress: Progress, work: Work, failed: str) -> None:
        """Run `work`; its result, or `failed` when it raised, ends the progress message."""
        task = asyncio.create_task(_run(progress, work, failed))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @property
    def running(self) -> int:
        return len(self._tasks)

    async def wait(self) -> None:
        """Let the work under way finish (the process is stopping)."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)


async def _run(progress: Progress, work: Work, failed: str) -> None:
    try:
        final = await work(progress)
    except Exception as err:
        # named by kind and place only: an exception's message can quote a person's words
        log.error("background work failed: %s\n%s", error_summary(err), redacted_traceback(err))
        final = failed
    await progress.finish(final)
