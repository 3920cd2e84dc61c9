"""Sliding windows of recent times per key, in memory, bounded, with constant work per call.

The in-process counters (bot.ratelimits.counters) keep their tries here. Keys live in
least-recently-used order, so those idle for a whole window sit at the front and are
dropped a few at a time as new tries come in, instead of scanning every key once many are
active; past `max_keys` the least recently used key is dropped even if active (a guesser
who rotates through that many addresses gets a fresh window on the oldest of them, which
at these odds gains nothing). A restart forgets everything.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Hashable
from datetime import datetime, timedelta
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)

MAX_KEYS = 10_000


class Windows(Generic[K]):
    """Recent times per key, within `window`, for at most `max_keys` keys."""

    def __init__(self, window: timedelta, max_keys: int = MAX_KEYS) -> None:
        self.window = window
        self.max_keys = max_keys
        self._times: OrderedDict[K, deque[datetime]] = OrderedDict()

    def count(self, key: K, now: datetime) -> int:
        """How many times within the window (older ones are forgotten)."""
        times = self._times.get(key)
        if times is None:
            return 0
        while times and now - times[0] >= self.window:
            times.popleft()
        if not times:
            del self._times[key]
        return len(times)

    def add(self, key: K, now: datetime) -> None:
        self.count(key, now)
        self._times.setdefault(key, deque()).append(now)
        self._times.move_to_end(key)
        self._forget_idle(now)

    def _forget_idle(self, now: datetime) -> None:
        # at most a few keys per call: the front is the least recently used
        for _ in range(2):
            if not self._times:
                break
            key, times = next(iter(self._times.items()))
            if times and now - times[-1] < self.window:
                break
            del self._times[key]
        while len(self._times) > self.max_keys:
            self._times.popitem(last=False)

    def forget(self, key: K) -> None:
        self._times.pop(key, None)

    def __len__(self) -> int:
        return len(self._times)
