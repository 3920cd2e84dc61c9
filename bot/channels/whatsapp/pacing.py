"""How fast the bot writes from its WhatsApp number.

Meta takes about 80 messages a second from a number (WHATSAPP_RATE; 130429 past it) and
about one message every 6 s to the same person in bulk (131056). Jobs' messages wait for
their slot here; replies within a person's own turn never wait, but take their place in the
number's budget, so a bulk send behind them slows down instead of pushing the number over.

`SendPace` is all the channel knows of it. `LocalPace` serves one bot process (at its share
of the rate when INSTANCES says there are several). With REDIS_URL, `CorePace` keeps both
rules in the core's shared limits (bot.ratelimits), so every instance sending from the
number counts together: its throughput as a shared pace, each person's 6 s as a shared
spacing, both falling back to this process's own while Redis is down.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Protocol

from bot.ratelimits.pace import Pace
from bot.ratelimits.rates import Rates
from bot.ratelimits.spacing import Spacing

# Meta's advice for one recipient (../shared/CHANNELS.md): about one message in 6 s; half
# a second more, as requests spaced by 6 s can arrive closer.
PER_RECIPIENT = 6.5
# Bulk sends keep this share of the number's rate: requests sent evenly can arrive less
# evenly, and Meta counts arrivals.
HEADROOM = 0.95
# Recipients remembered at most, before those whose 6 s are over are forgotten.
REMEMBERED = 10_000


class SendPace(Protocol):
    """The number's sending budget, for the channel."""

    async def bulk(self, recipient: str) -> None:
        """Wait until a job's message to `recipient` may go."""
        ...

    async def reply(self, recipient: str) -> None:
        """Count a reply sent now, within the person's turn (it never waits)."""
        ...

    async def hold(self, seconds: float) -> None:
        """Meta said the number is over its throughput: bulk sends wait `seconds`."""
        ...


class LocalPace:
    """One process's pace: bulk messages spaced by at least 1 / (rate × HEADROOM) seconds,
    and each recipient's by `per_recipient`, both measured when a message actually goes
    (a send that woke late does not push the next one closer)."""

    def __init__(
        self,
        rate: float,
        *,
        per_recipient: float = PER_RECIPIENT,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._gap = 1 / (rate * HEADROOM)
        self._per_recipient = per_recipient
        self._clock = clock
        self._sleep = sleep
        self._next = clock()
        self._last: dict[str, float] = {}

    async def bulk(self, recipient: str) -> None:
        while True:
            now = self._clock()
            previous = self._last.get(recipient)
            ready = (
                self._next if previous is None else max(self._next, previous + self._per_recipient)
            )
            if now >= ready:
                break
            await self._sleep(ready - now)
        self._next = now + self._gap
        self._remember(recipient, now)

    async def reply(self, recipient: str) -> None:
        now = self._clock()
        self._next = max(self._next, now) + self._gap
        self._remember(recipient, now)

    async def hold(self, seconds: float) -> None:
        self._next = max(self._next, self._clock() + seconds)

    def _remember(self, recipient: str, at: float) -> None:
        self._last[recipient] = max(at, self._last.get(recipient, at))
        if len(self._last) > REMEMBERED:
            horizon = self._clock() - self._per_recipient
            self._last = {who: t for who, t in self._last.items() if t > horizon}


class CorePace:
    """The number's throughput and each recipient's spacing as the core's limits keep them
    (shared by every instance through Redis)."""

    def __init__(self, number: Pace, recipients: Spacing) -> None:
        self.number = number
        self.recipients = recipients

    async def bulk(self, recipient: str) -> None:
        await self.recipients.wait(recipient)
        await self.number.wait()

    async def reply(self, recipient: str) -> None:
        await self.number.note()
        await self.recipients.note(recipient)

    async def hold(self, seconds: float) -> None:
        await self.number.hold(seconds)


def number_pace(rates: Rates, phone_id: str, rate: float) -> SendPace:
    """The pace of the number `phone_id` sends from: shared through Redis when the core's
    limits are, else this process's (at its share of `rate` when there are several)."""
    if not rates.shared:
        return LocalPace(rate / rates.instances)
    name = f"whatsapp-{phone_id}"
    return CorePace(rates.pace(name, rate * HEADROOM), rates.spacing(name, PER_RECIPIENT))
