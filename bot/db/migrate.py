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
    """Bring the database schema up to `revision` (idempotent).

    On SQLite, changing a column rebuilds its table (Alembic's batch mode), and dropping a
    table with foreign keys on deletes the rows that point at it (ON DELETE CASCADE): keys
    are switched off while migrating, as SQLite's documentation prescribes, and checked
    before they are switched on again.
    """
    if engine.dialect.name != "sqlite":
        async with engine.begin() as connection:
            await connection.run_sync(_upgrade, revision)
        return
    async with engine.connect() as connection:
        await connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        await connection.commit()
        try:
            await connection.run_sync(_upgrade, revision)
            broken = (await connection.exec_driver_sql("PRAGMA foreign_key_check")).all()
            if broken:
                raise RuntimeError(f"the migration left {len(broken)} rows pointing nowhere")
            await connection.commit()
        finally:
            await connection.rollback()
            await connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            await connection.commit()


def _current(connection: Connection) -> tuple[str | None, str | None]:
    context = MigrationContext.configure(connection)
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    return context.get_current_revision(), head


async def revision_state(engine: AsyncEngine) -> tuple[str | None, str | None]:
    """(current, head) revisions: lets /healthz and tests tell an outdated schema."""
    async with engine.connect() as connection:
        return await connection.run_sync(_current)
