"""Tries per key within a window: the /verify guesses, questions to a person, answers.

`LocalCounter` counts in this process (bounded, bot.ratelimits.windows) on the bot's clock.
`SharedCounter` counts in Redis for every process, with the limits library's sliding window
counter: Redis then holds, per key, two counts and when they expire, never the time of a
try (an answer's time beside a person would say who wrote an anonymous answer stored at
that moment). Keys reach Redis only as keyed hashes, so Redis holds no person's id either.
Redis counts on the wall clock, not on the bot's clock (which tests move). While Redis is
down the shared counter counts in this process (bot.ratelimits.link).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta
from typing import Protocol

from limits import RateLimitItemPerSecond
from limits.aio.strategies import SlidingWindowCounterRateLimiter

from bot.ratelimits.link import RedisLink
from bot.ratelimits.windows import MAX_KEYS, Windows


class Counter(Protocol):
    """At most `limit` tries per key within `window`."""

    limit: int
    window: timedelta

    async def allow(self, key: str, now: datetime) -> bool:
        """Count a try; False (and nothing counted) when the key has used up its tries."""

    async def room(self, key: str, now: datetime) -> bool:
        """Whether one more try would be allowed (nothing counted)."""

    async def note(self, key: str, now: datetime) -> None:
        """Count a try that was allowed earlier (`room`) and has now happened."""

    async def forget(self, key: str) -> None:
        """Drop every try of the key (its person deleted their data)."""


class LocalCounter:
    def __init__(self, limit: int, window: timedelta, max_keys: int = MAX_KEYS) -> None:
        self.limit = limit
        self.window = window
        self._tries: Windows[str] = Windows(window, max_keys)

    async def allow(self, key: str, now: datetime) -> bool:
        if self._tries.count(key, now) >= self.limit:
            return False
        self._tries.add(key, now)
        return True

    async def room(self, key: str, now: datetime) -> bool:
        return self._tries.count(key, now) < self.limit

    async def note(self, key: str, now: datetime) -> None:
        self._tries.add(key, now)

    async def forget(self, key: str) -> None:
        self._tries.forget(key)

    def __len__(self) -> int:
        return len(self._tries)


class SharedCounter:
    def __init__(
        self, link: RedisLink, name: str, limit: int, window: timedelta, secret: bytes
    ) -> None:
        self.limit = limit
        self.window = window
        self.local = LocalCounter(limit, window)
        self._link = link
        self._limiter = SlidingWindowCounterRateLimiter(link.store)
        self._item = RateLimitItemPerSecond(
            limit, int(window.total_seconds()), namespace=f"count-{name}"
        )
        self._secret = secret

    def _key(self, key: str) -> str:
        return hmac.new(self._secret, key.encode(), hashlib.sha256).hexdigest()[:32]

    async def allow(self, key: str, now: datetime) -> bool:
        return await self._link.run(
            lambda: self._limiter.hit(self._item, self._key(key)),
            lambda: self.local.allow(key, now),
        )

    async def room(self, key: str, now: datetime) -> bool:
        return await self._link.run(
            lambda: self._limiter.test(self._item, self._key(key)),
            lambda: self.local.room(key, now),
        )

    async def note(self, key: str, now: datetime) -> None:
        async def shared() -> None:
            # allowed a moment ago (room); a full window now means another process counted
            # the same person meanwhile, and this try has happened all the same
            await self._limiter.hit(self._item, self._key(key))

        await self._link.run(shared, lambda: self.local.note(key, now))

    async def forget(self, key: str) -> None:
        await self.local.forget(key)
        await self._link.run(lambda: self._limiter.clear(self._item, self._key(key)), _nothing)


async def _nothing() -> None:
    return None
