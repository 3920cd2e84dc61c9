"""One turn per person at a time, across every process of a deployment.

Each process already runs one person's updates in order (bot.channels.telegram.updates);
with several processes behind one webhook, two of a person's updates can reach two
processes at once (a double press). On PostgreSQL a session advisory lock keyed by the
person's channel identity is held for the whole turn, on a connection of its own: a turn
commits more than once, so a transaction-scoped lock would end too early. Two identities
that hash alike share a lock now and then, which costs a wait and nothing else.

SQLite has one writer and serves one process, and a deployment of one process (INSTANCES
unset or 1) has its own order: neither takes the lock, which costs a connection and two
round trips per turn.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine


def lock_key(platform: str, external_id: str) -> int:
    """A signed 64-bit key, the same in every process (Python's hash() is salted)."""
    digest = hashlib.sha256(f"{platform}:{external_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class PersonLocks:
    def __init__(self, engine: AsyncEngine, *, instances: int = 1) -> None:
        self._engine = engine
        self._shared = engine.dialect.name == "postgresql" and instances > 1

    @asynccontextmanager
    async def hold(self, platform: str, external_id: str) -> AsyncIterator[None]:
        if not self._shared:
            yield
            return
        key = lock_key(platform, external_id)
        async with self._engine.connect() as connection:
            await connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
            await connection.commit()
            try:
                yield
            finally:
                await connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                await connection.commit()
