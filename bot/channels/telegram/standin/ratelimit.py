"""Telegram's flood limits, so that a bot's rate limiting is tested against real answers.

Telegram does not document exact limits; the Bot FAQ speaks of about 30 messages per second
in total and 20 messages per minute in one group. Both are sliding windows here, and a
refused call gets a 429 with `retry_after` set to when the window frees a slot. The per-chat
"about one message per second" is not enforced: Telegram allows short bursts there.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable

from bot.channels.telegram.standin.errors import ApiError

__all__ = ["FloodControl"]


class FloodControl:
    """Count sent messages and refuse those over the global or per-group limit."""

    def __init__(
        self,
        global_rate: int,
        group_rate_per_minute: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._global_rate = global_rate
        self._group_rate = group_rate_per_minute
        self._clock = clock
        self._sent: deque[float] = deque()
        self._sent_to_group: dict[int, deque[float]] = {}

    def check(self, chat_id: int) -> None:
        """Raise Telegram's 429 answer when one more message to `chat_id` is over a limit."""
        now = self._clock()
        retry_after = _wait(self._sent, now, 1.0, self._global_rate)
        if chat_id < 0:
            sent = self._sent_to_group.setdefault(chat_id, deque())
            retry_after = max(retry_after, _wait(sent, now, 60.0, self._group_rate))
        if retry_after:
            raise ApiError(
                429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after
            )

    def record(self, chat_id: int) -> None:
        """Count a message that was sent to `chat_id`."""
        now = self._clock()
        self._sent.append(now)
        if chat_id < 0:
            self._sent_to_group.setdefault(chat_id, deque()).append(now)


def _wait(sent: deque[float], now: float, window: float, limit: int) -> int:
    """Whole seconds until the window has room for one more message (0: room now)."""
    while sent and sent[0] <= now - window:
        sent.popleft()
    if len(sent) < limit:
        return 0
    return max(1, math.ceil(sent[0] + window - now))
