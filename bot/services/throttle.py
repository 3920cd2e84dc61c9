"""A sliding-window counter: at most `limit` tries per key within `window`.

Kept in memory, per process: it slows down one person or address guessing verification
codes; a restart forgets it, which costs a guesser nothing worth having (see certificates).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta


@dataclass
class Throttle:
    limit: int
    window: timedelta
    _tries: dict[str, deque[datetime]] = field(default_factory=dict)

    def allow(self, key: str, now: datetime) -> bool:
        """Count a try; False when the key has used up its tries in the window."""
        tries = self._tries.setdefault(key, deque())
        while tries and now - tries[0] >= self.window:
            tries.popleft()
        if len(tries) >= self.limit:
            return False
        tries.append(now)
        if len(self._tries) > 10_000:  # forget idle keys so memory stays bounded
            for stale in [
                k for k, v in self._tries.items() if not v or now - v[-1] >= self.window
            ]:
                del self._tries[stale]
        return True
