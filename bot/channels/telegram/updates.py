"""Update processing: different users concurrently, each user's updates in order.

PTB processes updates one by one by default, so one slow database round trip delays every
learner. Fully concurrent processing would let a learner's quick double press run out of
order. This processor keeps a FIFO lock per user: different users overlap, one user's
updates run in the order they arrived.

PTB takes its concurrency slot before the processor sees the update (`process_update` is
final), so an update waiting for its user's lock would hold a slot: a learner pressing a
button ten times could take every slot and stall everyone else. PTB's own limit is set out
of the way and the processor counts its slots itself, taken only once the user's lock is
held.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

# PTB's semaphore never limits: updates in flight are bounded by the fetch loop's queue.
_PTB_SLOTS = 1_000_000


class PerUserUpdateProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = 16) -> None:
        super().__init__(_PTB_SLOTS)
        self.slots = max_concurrent_updates
        self._running = asyncio.Semaphore(max_concurrent_updates)
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}
        # Updates being processed, waiting for the user's lock included (tests wait until
        # none is in flight instead of for a quiet moment).
        self.in_flight = 0

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        self.in_flight += 1
        try:
            await self._process_in_order(update, coroutine)
        finally:
            self.in_flight -= 1

    async def _process_in_order(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _user_key(update)
        if key is None:
            async with self._running:
                await coroutine
            return
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock, self._running:
                await coroutine
        finally:
            lock, users = self._locks[key]
            if users <= 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)

    async def initialize(self) -> None:
        """Nothing to set up: locks are created on demand."""

    async def shutdown(self) -> None:
        """Nothing to release: locks disappear with their last waiter."""


def _user_key(update: object) -> int | None:
    if not isinstance(update, Update):
        return None
    if update.effective_user is not None:
        return update.effective_user.id
    if update.effective_chat is not None:
        return update.effective_chat.id
    return None
