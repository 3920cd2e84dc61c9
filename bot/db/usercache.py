"""A short-lived in-process cache of user rows, read on every update.

Each update starts by reading its user; on SQLite through aiosqlite that read costs four
thread hops and a transaction, about a third of the database work of a lesson tap. Rows
change rarely and only through `UserRepository`, which forgets an entry whenever it writes
one, so a cached row is at most `ttl` seconds behind a write made outside this process.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from bot.db.repositories.users import UserRecord

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

DEFAULT_TTL = 30.0
DEFAULT_SIZE = 10_000


class UserCache:
    """Least-recently-used, bounded, with a time to live per entry (monotonic seconds)."""

    def __init__(
        self,
        ttl: float = DEFAULT_TTL,
        size: int = DEFAULT_SIZE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl = ttl
        self._size = size
        self._clock = clock
        self._entries: OrderedDict[int, tuple[float, UserRecord]] = OrderedDict()
        # Channel identity -> person: written once per person and channel and unlinked when
        # the person is deleted, here; with the same time to live as the rows, so a process
        # that did not do the deletion forgets the link as soon.
        self._accounts: OrderedDict[tuple[str, str], tuple[float, int]] = OrderedDict()

    def get(self, user_id: int) -> UserRecord | None:
        return self._fresh(self._entries, user_id)

    def put(self, record: UserRecord) -> None:
        self._store(self._entries, record.id, record)

    def forget(self, user_id: int) -> None:
        self._entries.pop(user_id, None)

    def account(self, platform: str, external_id: str) -> int | None:
        return self._fresh(self._accounts, (platform, external_id))

    def link(self, platform: str, external_id: str, user_id: int) -> None:
        self._store(self._accounts, (platform, external_id), user_id)

    def _fresh(self, entries: OrderedDict[K, tuple[float, V]], key: K) -> V | None:
        """The entry if it is younger than the time to live (older ones are dropped)."""
        entry = entries.get(key)
        if entry is None:
            return None
        stored_at, value = entry
        if self._clock() - stored_at > self._ttl:
            del entries[key]
            return None
        entries.move_to_end(key)
        return value

    def _store(self, entries: OrderedDict[K, tuple[float, V]], key: K, value: V) -> None:
        entries[key] = (self._clock(), value)
        entries.move_to_end(key)
        while len(entries) > self._size:
            entries.popitem(last=False)

    def unlink_user(self, user_id: int) -> None:
        for key in [k for k, (_, v) in self._accounts.items() if v == user_id]:
            del self._accounts[key]
        self.forget(user_id)

    def clear(self) -> None:
        self._entries.clear()
        self._accounts.clear()

    def __len__(self) -> int:
        return len(self._entries)
