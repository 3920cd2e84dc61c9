"""One "something changed" signal that every waiter of a stand-in shares (the Telegram Bot
API's and the WhatsApp Cloud API's: a development tool, imported by no runtime code).

Long polls (getUpdates, the playground's chat view), the webhook sender and
`wait_for_request` all wait for some condition on the stand-in's state. Rather than a queue
per consumer, every mutation fires this signal and each waiter re-checks its own condition,
which stays correct however many waiters there are and whatever they wait for.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

__all__ = ["ChangeSignal"]

T = TypeVar("T")


class ChangeSignal:
    """Wake all waiters whenever `fire` is called."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def fire(self) -> None:
        """Wake everyone waiting now; later waiters wait for the next change."""
        self._event.set()
        self._event = asyncio.Event()

    async def wait_for(
        self,
        check: Callable[[], T | None],
        timeout: float,  # noqa: ASYNC109 - returning None on timeout is the point here
    ) -> T | None:
        """Return the first non-None result of `check`, re-checked after each change.

        Returns None when `timeout` seconds pass first (`check` is called once more then).
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = check()
            remaining = deadline - loop.time()
            if result is not None or remaining <= 0:
                return result
            event = self._event
            try:
                # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a
                # cancellation that races with the event, leaving a cancelled task waiting.
                async with asyncio.timeout(remaining):
                    await event.wait()
            except TimeoutError:
                return check()
