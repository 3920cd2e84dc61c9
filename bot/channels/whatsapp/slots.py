"""The slots WhatsApp webhook work runs in: at most `size` together, people first.

During a bulk send Meta reports each copy's fate (sent, delivered, read): hundreds of status
calls, each visiting the database. On SQLite a channel has one slot, so with a plain
semaphore a person's message queued behind all of them and waited seconds for its answer.
Here a message takes a freed slot before any status that waits, and a status takes one only
when no message is waiting.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class Slots:
    def __init__(self, size: int) -> None:
        self._free = size
        self._people: deque[asyncio.Future[None]] = deque()
        self._statuses: deque[asyncio.Future[None]] = deque()

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        """A slot for a person's message: before any waiting status."""
        await self._take(self._people)
        try:
            yield
        finally:
            self._give_back()

    @asynccontextmanager
    async def status(self) -> AsyncIterator[None]:
        """A slot for a status's database visit: only when no message waits."""
        await self._take(self._statuses)
        try:
            yield
        finally:
            self._give_back()

    async def _take(self, queue: deque[asyncio.Future[None]]) -> None:
        if self._free and not self._people and (queue is self._people or not self._statuses):
            self._free -= 1
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        queue.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self._give_back()  # handed the slot just as it was cancelled
            else:
                queue.remove(waiter)
            raise

    def _give_back(self) -> None:
        for queue in (self._people, self._statuses):
            while queue:
                waiter = queue.popleft()
                if not waiter.done():
                    waiter.set_result(None)
                    return
        self._free += 1
