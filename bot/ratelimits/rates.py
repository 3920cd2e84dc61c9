"""Builds the counters and paces of one process: in Redis when REDIS_URL is set, else here.

Without Redis, each of `instances` processes paces at its share of a sender's rate, so the
deployment as a whole stays within it; counters then count per process (a person whose
messages reach two processes gets up to twice the tries). With Redis, counters and paces
are shared by every process, and fall back to the same in-process ones while Redis is
down (bot.ratelimits.link).
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from bot.ratelimits.counters import Counter, LocalCounter, SharedCounter
from bot.ratelimits.link import RedisLink, storage
from bot.ratelimits.pace import LocalPace, Pace, SharedPace
from bot.ratelimits.spacing import LocalSpacing, SharedSpacing, Spacing


class Rates:
    def __init__(
        self, redis_url: str | None = None, *, secret: str | None = None, instances: int = 1
    ) -> None:
        self.instances = instances
        self.link = RedisLink(storage(redis_url)) if redis_url else None
        # keys of shared counters are hashed with a secret every process shares
        self._secret = hashlib.sha256(f"ratelimits:{secret or ''}".encode()).digest()
        self._counters: list[Counter] = []

    @property
    def shared(self) -> bool:
        return self.link is not None

    def counter(self, name: str, limit: int, window: timedelta) -> Counter:
        """Tries per key; `name` tells this counter's keys from another's in Redis."""
        counter: Counter = (
            SharedCounter(self.link, name, limit, window, self._secret)
            if self.link
            else LocalCounter(limit, window)
        )
        self._counters.append(counter)
        return counter

    def pace(self, name: str, per_second: float) -> Pace:
        """Sends per second of one sender, shared by every process (`name`: the sender)."""
        local = LocalPace(per_second / self.instances)
        if self.link is None:
            return local
        return SharedPace(self.link, name, per_second, local)

    def spacing(self, name: str, seconds: float) -> Spacing:
        """At least `seconds` between two sends to one key, shared by every process."""
        local = LocalSpacing(seconds)
        if self.link is None:
            return local
        return SharedSpacing(self.link, name, seconds, self._secret, local)

    async def forget(self, key: str) -> None:
        """Drop a key from every counter (a person who deleted their data)."""
        for counter in self._counters:
            await counter.forget(key)
