"""The Redis connection the shared limits use, and what they do when it fails.

A limit must never stop the bot: when Redis cannot be reached, every shared limit counts
in this process instead (each process by itself, sends at its share of the rate) and Redis
is tried again after `RETRY_AFTER`. One warning says so, naming the error's kind only: the
keys are pseudonyms, but no key or user data goes to the log.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from limits.aio.storage import RedisStorage
from limits.errors import StorageError

log = logging.getLogger(__name__)

T = TypeVar("T")

# Seconds before a failed Redis is tried again.
RETRY_AFTER = 30.0
# Seconds to connect or wait for an answer: a send or a tap waits on the limit. Long enough
# that a busy machine is not taken for a Redis that is down: a process that falls back sends
# at its share beside others still at the shared rate, more than the rate together.
TIMEOUT = 2.0


def storage(url: str) -> RedisStorage:
    """The limits library's Redis storage (coredis client) for a redis:// URL."""
    return RedisStorage(
        f"async+{url}",
        wrap_exceptions=True,
        key_prefix="asi-bot",
        connect_timeout=TIMEOUT,
        stream_timeout=TIMEOUT,
    )


class RedisLink:
    """Runs a shared-limit operation, or its in-process fallback while Redis is down."""

    def __init__(self, store: RedisStorage, clock: Callable[[], float] = time.monotonic) -> None:
        self.store = store
        self._clock = clock
        self._down_until: float | None = None

    @property
    def up(self) -> bool:
        """Whether the last try reached Redis (or none failed since the retry time)."""
        return self._down_until is None or self._clock() >= self._down_until

    async def run(
        self, shared: Callable[[], Awaitable[T]], local: Callable[[], Awaitable[T]]
    ) -> T:
        if not self.up:
            return await local()
        try:
            result = await shared()
        except (StorageError, OSError, TimeoutError) as err:
            if self._down_until is None:
                log.warning(
                    "Redis unreachable (%s): limits are counted in this process, retried "
                    "every %.0f s",
                    type(getattr(err, "storage_error", err)).__name__,
                    RETRY_AFTER,
                )
            self._down_until = self._clock() + RETRY_AFTER
            return await local()
        if self._down_until is not None:
            log.warning("Redis reachable again: limits are shared")
            self._down_until = None
        return result
