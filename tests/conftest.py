"""Shared fixtures: databases (a temp SQLite file and a throwaway PostgreSQL database)."""

from __future__ import annotations

import asyncio
import functools
import itertools
import os
import shutil
import socket
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.content import Course, load_course
from bot.services.faq_search import FaqIndex

REPO = Path(__file__).resolve().parents[1]
SPEC_PATH = REPO.parent / "shared" / "telegram-bot-api" / "api.json"
POSTGRES_ADMIN_DSN = os.environ.get("TEST_POSTGRES_DSN", "postgresql://127.0.0.1:5432/test")


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto` (pyproject.toml): two test processes per CPU. The tests wait more than they
    compute (for the stand-ins' answers, the bot's turns and jobs, PostgreSQL): less than a
    third of the wall time is CPU time with one process per CPU, and on the 2-CPU CI
    machine the suite took 175 s with 2 processes, 137 s with 3 and 121 s with 4."""
    return 2 * (os.cpu_count() or 1)


@functools.cache
def shared_content(content_dir: Path) -> tuple[Course, FaqIndex]:
    """The course and its FAQ index, built once per test process and content folder (both
    are read-only once built): the e2e harness hands them to every start that brings no
    course of its own."""
    course = load_course(content_dir)
    return course, FaqIndex(course)


def course_of(content_dir: Path) -> Course:
    """The course in `content_dir`, loaded once per test process (see shared_content)."""
    return shared_content(content_dir)[0]


_PORT_BLOCK = 400
_next_port = itertools.count()


def free_port() -> int:
    """A local port free now, from this test process's own block below the kernel's
    ephemeral range (where binding port 0 draws from): xdist workers never pick the same
    one, and no server binding port 0 can take it before it is used."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    first = 20_000 + _PORT_BLOCK * ((int(worker) if worker.isdigit() else 0) % 25)
    for _ in range(_PORT_BLOCK):
        port = first + next(_next_port) % _PORT_BLOCK
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        return port
    raise RuntimeError(f"no free port from {first} to {first + _PORT_BLOCK - 1}")


# Each test gets a database as a fresh one is once migrated, without running the migrations
# for each: per test process they run once on SQLite (a file then copied for each test) and
# once per PostgreSQL database, which is emptied (TRUNCATE) and handed to the next test
# instead of dropped (DROP DATABASE makes the server take an immediate checkpoint: up to
# seconds on a busy server). Each process drops its databases when the session ends.
_SQLITE_TEMPLATE: list[Path] = []
_READY: list[str] = []
_CREATED: set[str] = set()


async def _migrate(url: str) -> None:
    from bot.db.engine import create_engine
    from bot.db.migrate import upgrade

    engine = create_engine(url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


async def _sqlite_database(folder: Path, factory: pytest.TempPathFactory) -> str:
    """A copy of this process's migrated SQLite file, in `folder`."""
    if not _SQLITE_TEMPLATE:
        template = factory.mktemp("migrated") / "bot.db"
        await _migrate(f"sqlite+aiosqlite:///{template}")
        # the last connection closed checkpoints the write-ahead log into the file
        assert not template.with_name("bot.db-wal").exists()
        _SQLITE_TEMPLATE.append(template)
    shutil.copyfile(_SQLITE_TEMPLATE[0], folder / "bot.db")
    return f"sqlite+aiosqlite:///{folder / 'bot.db'}"


def _postgres_url(name: str, driver: str = "postgresql+asyncpg") -> str:
    base = POSTGRES_ADMIN_DSN.rsplit("/", 1)[0]
    return f"{base}/{name}".replace("postgresql://", f"{driver}://", 1)


async def _postgres_database(*, migrated: bool = True) -> tuple[str, str] | str:
    """A migrated throwaway database with no rows (or an empty one, not `migrated`);
    return (url, name) or the reason it cannot be had."""
    try:
        import asyncpg
    except ImportError:  # pragma: no cover - asyncpg is a runtime dependency
        return "asyncpg is not installed"
    if _READY and migrated:
        name = _READY.pop()
        return _postgres_url(name), name
    # The xdist worker's name too, for a reader of pg_database (the random part is enough).
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"asi_test_{worker}_{uuid.uuid4().hex[:12]}"
    try:
        conn = await asyncpg.connect(POSTGRES_ADMIN_DSN, timeout=5)
    except (OSError, asyncpg.PostgresError, TimeoutError) as err:
        return f"no PostgreSQL server answers at {POSTGRES_ADMIN_DSN}: {err}"
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
        # A commit need not wait for its WAL to reach the disk: nothing here must survive a
        # crash of the server, and on a busy disk that wait is most of a test's time.
        await conn.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    finally:
        await conn.close()
    _CREATED.add(name)
    if migrated:
        await _migrate(_postgres_url(name))
    return _postgres_url(name), name


async def _empty_postgres_database(name: str) -> None:
    """Remove every row (sequences start again) for the next test, or drop the database.

    DELETE, children before parents, then VACUUM: on these small tables that takes a few
    milliseconds, where TRUNCATE makes new files for every table and index (about 0.3 s a
    test). VACUUM gives the emptied pages back, so the next test's rows are placed from the
    first page on, as in a new table: tests that read PostgreSQL's physical order (ctid)
    rely on that."""
    import asyncpg

    try:
        conn = await asyncpg.connect(_postgres_url(name, "postgresql"), timeout=5)
        try:
            # as DROP DATABASE ... WITH (FORCE) does: nobody else may stay connected
            await conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            tables = await _tables_children_first(conn)
            if tables:
                async with conn.transaction():
                    for table in tables:
                        await conn.execute(f"DELETE FROM {table}")
                    await conn.execute(
                        "SELECT setval(c.oid::regclass, 1, false) FROM pg_class c"
                        " JOIN pg_namespace n ON n.oid = c.relnamespace"
                        " WHERE c.relkind = 'S' AND n.nspname = 'public'"
                    )
                await conn.execute("VACUUM " + ", ".join(tables))
        finally:
            await conn.close()
    except (OSError, asyncpg.PostgresError, TimeoutError):
        await _drop_postgres_database(name)
        return
    _READY.append(name)


async def _tables_children_first(conn: Any) -> list[str]:
    """The schema's tables (quoted), each after every table whose rows point at it."""
    import graphlib

    tables = [
        row["name"]
        for row in await conn.fetch(
            "SELECT quote_ident(tablename) AS name FROM pg_tables"
            " WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
        )
    ]
    order = graphlib.TopologicalSorter({table: set() for table in tables})
    for row in await conn.fetch(
        "SELECT quote_ident(child.relname) AS child, quote_ident(parent.relname) AS parent"
        " FROM pg_constraint k JOIN pg_class child ON child.oid = k.conrelid"
        " JOIN pg_class parent ON parent.oid = k.confrelid WHERE k.contype = 'f'"
    ):
        if row["child"] != row["parent"]:
            order.add(row["parent"], row["child"])
    return list(order.static_order())


async def _drop_postgres_database(name: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(POSTGRES_ADMIN_DSN, timeout=5)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()
    _CREATED.discard(name)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Drop the throwaway databases this process created."""
    if not _CREATED:
        return

    async def drop_all() -> None:
        for name in sorted(_CREATED):
            await _drop_postgres_database(name)

    asyncio.run(drop_all())
    _READY.clear()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    """Each database test runs on SQLite and on PostgreSQL, on a database of its own as a
    fresh one is after the migrations (the schema at head, no rows)."""
    if request.param == "sqlite":
        yield await _sqlite_database(tmp_path, tmp_path_factory)
        return
    url, name = _or_skip(await _postgres_database())
    try:
        yield url
    finally:
        await _empty_postgres_database(name)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """As database_url, but with nothing in the database, not even the schema: for tests of
    the migrations themselves (a PostgreSQL database is made for the test and dropped)."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
        return
    url, name = _or_skip(await _postgres_database(migrated=False))
    try:
        yield url
    finally:
        await _drop_postgres_database(name)


def _or_skip(created: tuple[str, str] | str) -> tuple[str, str]:
    if isinstance(created, str):
        if os.environ.get("REQUIRE_POSTGRES"):
            pytest.fail(f"REQUIRE_POSTGRES is set but {created}")
        pytest.skip(created)
    return created


REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _redis_answers(url: str) -> bool:
    host, port = url.removeprefix("redis://").split("/")[0].split(":")
    try:
        with socket.create_connection((host, int(port)), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture
def redis_url() -> str:
    """The Redis server for the shared limits; skipped when it is absent, unless
    REQUIRE_REDIS=1 (CI), where a missing server fails instead."""
    if not _redis_answers(REDIS_URL):
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(f"REQUIRE_REDIS=1 but no Redis answers at {REDIS_URL}")
        pytest.skip(f"no Redis at {REDIS_URL} (set TEST_REDIS_URL)")
    return REDIS_URL
