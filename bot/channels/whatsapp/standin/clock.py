"""The stand-in's sense of time, injectable so tests can jump across windows and expiries.

Everything time-dependent (the 24-hour window, media id and download URL expiry, pair rate,
throughput, webhook timestamps) reads one clock: seconds since the epoch, like `time.time`.
"""

from __future__ import annotations

import time
from collections.abc import Callable

__all__ = ["Clock", "ManualClock", "system_clock"]

Clock = Callable[[], float]


def system_clock() -> float:
    """The real time, in seconds since the epoch."""
    return time.time()


class ManualClock:
    """A clock that moves only when told to (start: 2026-01-05 09:00 UTC)."""

    def __init__(self, now: float = 1_767_603_600.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move the clock forward."""
        self.now += seconds
