"""Sends per second for one sender (a bot token, a WhatsApp number), evenly spaced.

Bulk sends are spaced evenly rather than let out in bursts: a burst of a whole second's
worth followed by the next second's makes more than the rate within one second now and
then, and the platform answers that with a pause of every send (benchmarks/reminders.py).

`LocalPace` spaces the sends of this process (aiolimiter's leaky bucket of one). Without
Redis each process of a deployment paces at its share of the rate (bot.ratelimits.rates).
`SharedPace` spaces the sends of every process through Redis, with the limits library:
time is cut into slots of 1/rate seconds and a send takes a free slot (a fixed window of
one per slot), and a moving window caps any one second at the rate, so a send at the end
of one slot and another at the start of the slot a second later cannot make one too many.
Processes on several hosts need synchronised clocks (NTP). While Redis is down a shared
pace falls back to its process's share (bot.ratelimits.link).
"""

from __future__ import annotations

import asyncio
import functools
import math
import time
from collections.abc import Callable
from typing import Protocol

from aiolimiter import AsyncLimiter
from limits import RateLimitItemPerSecond
from limits.aio.strategies import FixedWindowRateLimiter, MovingWindowRateLimiter

from bot.ratelimits.link import RedisLink


class Pace(Protocol):
    per_second: float

    async def wait(self) -> None:
        """Return when one more send may leave now (it is counted)."""

    async def note(self) -> None:
        """Count a send that does not wait (a reply within a person's turn), if there is room
        for it; one over the budget goes all the same and is not counted."""

    async def hold(self, seconds: float) -> None:
        """The platform said the sender is over its rate: sends of this process wait."""


class _Hold:
    """Until when this process's sends wait after the platform refused one."""

    def __init__(self) -> None:
        self._until = 0.0

    def hold(self, seconds: float) -> None:
        self._until = max(self._until, time.monotonic() + seconds)

    async def wait(self) -> None:
        left = self._until - time.monotonic()
        if left > 0:
            await asyncio.sleep(left)


class LocalPace:
    def __init__(self, per_second: float) -> None:
        self.per_second = per_second
        self._bucket = AsyncLimiter(1, 1 / per_second)
        self._hold = _Hold()

    async def wait(self) -> None:
        await self._hold.wait()
        await self._bucket.acquire()

    async def note(self) -> None:
        if self._bucket.has_capacity():
            await self._bucket.acquire()

    async def hold(self, seconds: float) -> None:
        self._hold.hold(seconds)


class SharedPace:
    def __init__(
        self,
        link: RedisLink,
        name: str,
        per_second: float,
        local: LocalPace,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.per_second: float = per_second
        self.local = local
        self._link = link
        self._name = f"pace-{name}"
        self._slots = FixedWindowRateLimiter(link.store)
        self._second = MovingWindowRateLimiter(link.store)
        self._one = RateLimitItemPerSecond(1, 1, namespace=self._name)
        self._cap = RateLimitItemPerSecond(max(1, math.floor(per_second)), 1, namespace=self._name)
        self._clock = clock
        self._hold = _Hold()

    async def note(self) -> None:
        async def shared() -> None:
            await self._second.hit(self._cap, "second")

        await self._link.run(shared, self.local.note)

    async def hold(self, seconds: float) -> None:
        self._hold.hold(seconds)

    async def wait(self) -> None:
        await self._hold.wait()
        while True:
            now = self._clock()
            slot = math.floor(now * self.per_second)
            sent = await self._link.run(functools.partial(self._take, slot), self._local)
            if sent:
                return
            await asyncio.sleep(max(0.0, (slot + 1) / self.per_second - self._clock()))

    async def _take(self, slot: int) -> bool:
        return await self._slots.hit(self._one, "slot", str(slot)) and await self._second.hit(
            self._cap, "second"
        )

    async def _local(self) -> bool:
        await self.local.wait()
        return True
