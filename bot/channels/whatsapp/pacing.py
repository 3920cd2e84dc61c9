"""How fast the bot writes from its WhatsApp number.

Meta takes about 80 messages a second from a number (WHATSAPP_RATE; 130429 past it) and
about one message every 6 s to the same person in bulk (131056). Jobs' messages wait for
their slot here; replies within a person's own turn never wait, but take their place in the
number's budget, so a bulk send behind them slows down instead of pushing the number over.

`SendPace` is all the channel knows of it: this in-process pace serves one bot process; a
deployment of several instances hands the channel one shared between them instead.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Protocol

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
