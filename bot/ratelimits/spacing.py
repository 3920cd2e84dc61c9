"""At least some seconds between two sends to the same key (WhatsApp: about one bulk message
in 6 s to one person, or Meta answers 131056).

`LocalSpacing` keeps each key's last send in this process (bounded). `SharedSpacing` keeps
it in Redis for every process, with the limits library's moving window of one per `seconds`
(whole seconds: Redis keeps the time of the key's last send until it expires, under a keyed
hash of the key, so no phone number reaches Redis). While Redis is down a shared spacing
falls back to its process's own (bot.ratelimits.link): another process may then write to
the same person sooner, as it may with no Redis at all.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import math
import time
from collections.abc import Awaitable, Callable
from typing import Protocol

from limits import RateLimitItemPerSecond
from limits.aio.strategies import MovingWindowRateLimiter

from bot.ratelimits.link import RedisLink

# Keys remembered at most, before those whose time is over are forgotten.
REMEMBERED = 10_000


class Spacing(Protocol):
    seconds: float

    async def wait(self, key: str) -> None:
        """Return when a send to `key` may go (it is counted from now)."""

    async def note(self, key: str) -> None:
        """Count a send to `key` that went now without waiting (a reply in its turn, or a
        send that waited for something else after `wait`)."""


class LocalSpacing:
    def __init__(
        self,
        seconds: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.seconds = seconds
        self._clock = clock
        self._sleep = sleep
        self._last: dict[str, float] = {}

    async def wait(self, key: str) -> None:
        while True:
            now = self._clock()
            previous = self._last.get(key)
            if previous is None or now >= previous + self.seconds:
                break
            await self._sleep(previous + self.seconds - now)
        await self.note(key)

    async def note(self, key: str) -> None:
        now = self._clock()
        self._last[key] = max(now, self._last.get(key, now))
        if len(self._last) > REMEMBERED:
            horizon = now - self.seconds
            self._last = {who: t for who, t in self._last.items() if t > horizon}


class SharedSpacing:
    def __init__(
        self, link: RedisLink, name: str, seconds: float, secret: bytes, local: LocalSpacing
    ) -> None:
        self.seconds = seconds
        self.local = local
        self._link = link
        self._limiter = MovingWindowRateLimiter(link.store)
        self._item = RateLimitItemPerSecond(
            1, max(1, math.ceil(seconds)), namespace=f"spacing-{name}"
        )
        self._secret = secret

    def _key(self, key: str) -> str:
        return hmac.new(self._secret, key.encode(), hashlib.sha256).hexdigest()[:32]

    async def wait(self, key: str) -> None:
        hashed = self._key(key)

        async def local() -> float:
            await self.local.wait(key)
            return 0.0

        async def shared() -> float:
            if await self._limiter.hit(self._item, hashed):
                return 0.0
            stats = await self._limiter.get_window_stats(self._item, hashed)
            return max(0.01, stats.reset_time - time.time())

        while True:
            left = await self._link.run(shared, local)
            if left <= 0:
                return
            await asyncio.sleep(left)

    async def note(self, key: str) -> None:
        hashed = self._key(key)

        async def shared() -> None:
            # the key's time starts again now (two steps: another process's send in between
            # is rare, and Meta's answer to it, 131056, is retried later)
            await self._limiter.clear(self._item, hashed)
            await self._limiter.hit(self._item, hashed)

        await self._link.run(shared, lambda: self.local.note(key))
