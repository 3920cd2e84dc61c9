"""Apply Alembic migrations from inside or outside an event loop.

Alembic is synchronous; it gets a sync connection borrowed from the async engine
(`run_sync`), the recipe Alembic documents for asyncio programs.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _upgrade(connection: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the database schema up to `revision` (idempotent)."""
    async with engine.begin() as connection:
        await connection.run_sync(_upgrade, revision)


def _current(connection: Connection) -> tuple[str | None, str | None]:
    context = MigrationContext.configure(connection)
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    return context.get_current_revision(), head


async def revision_state(engine: AsyncEngine) -> tuple[str | None, str | None]:
    """(current, head) revisions: lets /healthz and tests tell an outdated schema."""
    async with engine.connect() as connection:
        return await connection.run_sync(_current)
