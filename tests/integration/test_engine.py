"""PostgreSQL connections idle in the pool are pinged before use, busy ones are not."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

import bot.db.engine as engine_module
from bot.db.engine import create_engine


@pytest.fixture
async def pg_engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    if not database_url.startswith("postgresql"):
        pytest.skip("pinging pooled connections is a PostgreSQL matter")
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


async def _backend_pid(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one())


async def test_a_connection_killed_while_idle_is_replaced_unseen(
    pg_engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine_module, "PING_AFTER_IDLE_SECONDS", 0.0)
    pid = await _backend_pid(pg_engine)
    await _kill(pg_engine, pid)
    assert await _backend_pid(pg_engine) != pid  # no error: the ping found it dead


async def test_a_recently_used_connection_is_not_pinged(
    pg_engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine_module, "PING_AFTER_IDLE_SECONDS", 3600.0)
    pid = await _backend_pid(pg_engine)
    await _kill(pg_engine, pid)
    with pytest.raises(DBAPIError):
        await _backend_pid(pg_engine)  # the dead connection is used, and fails once
    assert await _backend_pid(pg_engine) != pid  # then the pool is renewed


async def _kill(engine: AsyncEngine, pid: int) -> None:
    import asyncpg

    url = engine.url.set(drivername="postgresql")
    conn = await asyncpg.connect(url.render_as_string(hide_password=False))
    try:
        await conn.execute("SELECT pg_terminate_backend($1)", pid)
    finally:
        await conn.close()
