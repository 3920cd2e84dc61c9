"""One "something changed" signal that every waiter of the stand-in shares.

A copy of the Telegram stand-in's signal rather than an import of it: importing that package
pulls in python-telegram-bot, which the WhatsApp side must not depend on.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

__all__ = ["ChangeSignal"]

T = TypeVar("T")


class ChangeSignal:
    """Wake all waiters whenever `fire` is called; each re-checks its own condition."""

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
                async with asyncio.timeout(remaining):
                    await event.wait()
            except TimeoutError:
                return check()
