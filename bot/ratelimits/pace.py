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

A send is counted when it takes its slot, but the platform counts it when it arrives, and
a send can arrive late: its process stalled between the slot and the request, or the
requests queued on the way (a busy host, a busy network). Late sends arrive bunched with
the sends after them, more than the rate within one second, and the platform refuses them.
So a send whose answer comes later than this sender's usual round trip by more than a slot
is counted once more when its answer comes (it may have arrived as late as that), and a
send still waiting for its answer is counted again every `STILL_ON_ITS_WAY` seconds: any
second then counts every send that can have arrived in it, give or take one slot's worth
(`LateAnswers`). Those counts are taken whether or not there is room: they are sends that
went already. The bound holds whatever the delays; it costs slots only when sends are late.
"""

from __future__ import annotations

import asyncio
import functools
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

from aiolimiter import AsyncLimiter
from limits import RateLimitItemPerSecond
from limits.aio.strategies import FixedWindowRateLimiter, MovingWindowRateLimiter

from bot.ratelimits.link import RedisLink

# Seconds between two counts of a send that is still waiting for its answer: less than the
# one-second window, so such a send is in every window it may arrive in.
STILL_ON_ITS_WAY = 0.5
# Round trips remembered to know this sender's usual one (the quickest of them).
ROUND_TRIPS = 64
# Room for recounted sends above the shared cap: far more than can be late within a second.
UNCAPPED = 10_000

T = TypeVar("T")


class Pace(Protocol):
    per_second: float

    async def wait(self) -> float:
        """Return when one more send may leave now (it is counted): the `time.monotonic()`
        at which it was counted, to measure how late its answer comes."""

    async def recount(self) -> None:
        """Count once more a send that went already and may have arrived only now."""

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

    async def wait(self) -> float:
        await self._hold.wait()
        await self._bucket.acquire()
        return time.monotonic()

    async def recount(self) -> None:
        # the leaky bucket has no room to force: the late send takes the next free slot
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

    async def recount(self) -> None:
        async def shared() -> None:
            # the moving window's own entry, added with room for all: the send went already
            await self._link.store.acquire_entry(
                self._cap.key_for("second"), UNCAPPED, self._cap.get_expiry()
            )

        await self._link.run(shared, self.local.recount)

    async def wait(self) -> float:
        await self._hold.wait()
        while True:
            now = self._clock()
            counted = time.monotonic()  # the moving window stamps the send about now
            slot = math.floor(now * self.per_second)
            sent = await self._link.run(functools.partial(self._take, slot), self._local)
            if sent:
                return counted
            await asyncio.sleep(max(0.0, (slot + 1) / self.per_second - self._clock()))

    async def _take(self, slot: int) -> bool:
        return await self._slots.hit(self._one, "slot", str(slot)) and await self._second.hit(
            self._cap, "second"
        )

    async def _local(self) -> bool:
        await self.local.wait()
        return True


class LateAnswers:
    """Tells which sends' answers came late: later than the quickest of this sender's recent
    round trips by more than one slot of its pace. Such a send may have arrived later than
    it was counted; a send within it arrived when counted, give or take one slot."""

    def __init__(self, per_second: float) -> None:
        self._slot = 1 / per_second
        self._recent: deque[float] = deque(maxlen=ROUND_TRIPS)

    def late(self, round_trip: float) -> bool:
        self._recent.append(round_trip)
        return round_trip > min(self._recent) + self._slot


async def counted_until_answered(
    pace: Pace, late: LateAnswers, send: Callable[[], Awaitable[T]]
) -> T:
    """Wait for a slot, send, and count the send again while and if it may arrive late."""
    counted = await pace.wait()
    sending = asyncio.ensure_future(send())
    try:
        while not (await asyncio.wait({sending}, timeout=STILL_ON_ITS_WAY))[0]:
            await pace.recount()
    finally:
        if not sending.done():
            sending.cancel()
    if late.late(time.monotonic() - counted):
        await pace.recount()
    return sending.result()
