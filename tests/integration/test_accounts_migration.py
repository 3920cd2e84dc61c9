"""The accounts migration carries a database over unchanged in meaning.

A database at the revision before accounts gets a row in every table (two Telegram users,
everything pointing at them); after upgrading, every one of those rows reads back exactly
as before and each user has one `telegram` account whose external id and address are the
number that was their id.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.engine import create_engine, create_session_factory
from bot.db.migrate import upgrade
from bot.db.uow import UnitOfWork
from bot.services import learners

BEFORE = "0009"
USERS = (6_123_456_789, 42)
T0 = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def _value(column: sa.Column[Any], row: int, references: dict[str, list[Any]]) -> Any:
    """A plausible value for a column, the referenced row's key for a foreign key."""
    for fk in column.foreign_keys:
        return references[fk.column.table.name][row % len(references[fk.column.table.name])]
    kind = column.type
    if isinstance(kind, sa.Boolean):
        return False
    if isinstance(kind, sa.Integer):
        return row + 1
    if isinstance(kind, sa.Float | sa.Numeric):
        return 0.5
    if isinstance(kind, sa.DateTime):
        return T0.replace(tzinfo=None)
    if isinstance(kind, sa.Date):
        return date(2026, 11, 30)
    if isinstance(kind, sa.JSON):
        return {"row": row}
    if isinstance(kind, sa.LargeBinary):
        return bytes([row]) * 16
    length = getattr(kind, "length", None) or 16
    return f"v{row}-{column.name}"[:length]


def _fill(connection: Connection) -> dict[str, list[dict[str, Any]]]:
    """Two rows in every table (one where a key allows only one), in dependency order."""
    metadata = sa.MetaData()
    metadata.reflect(connection)
    references: dict[str, list[Any]] = {}
    written: dict[str, list[dict[str, Any]]] = {}
    for table in metadata.sorted_tables:
        if table.name == "alembic_version":
            continue
        rows = []
        for row in range(2):
            values = {c.name: _value(c, row, references) for c in table.columns}
            if table.name == "users":
                values["id"] = USERS[row]
                values["role"] = "learner"
                values["waiting"] = None
            rows.append(values)
        keyed = [c for c in table.primary_key.columns if c.foreign_keys] or list(
            table.primary_key.columns
        )
        if len(rows) > 1 and all(rows[0][c.name] == rows[1][c.name] for c in keyed):
            rows = rows[:1]
        connection.execute(table.insert(), rows)
        pk = list(table.primary_key.columns)
        if len(pk) == 1:
            references[table.name] = [r[pk[0].name] for r in rows]
        written[table.name] = rows
    return written


def _read_all(connection: Connection, names: list[str]) -> dict[str, list[tuple[Any, ...]]]:
    metadata = sa.MetaData()
    metadata.reflect(connection, only=names)
    out = {}
    for name in names:
        table = metadata.tables[name]
        out[name] = sorted(
            tuple(str(v) for v in row) for row in connection.execute(sa.select(table))
        )
    return out


async def test_every_table_reads_the_same_and_every_user_has_a_telegram_account(
    empty_database_url: str,
) -> None:
    engine: AsyncEngine = create_engine(empty_database_url)
    try:
        await upgrade(engine, BEFORE)
        async with engine.begin() as connection:
            written = await connection.run_sync(_fill)
            before = await connection.run_sync(_read_all, sorted(written))
        assert len(written) >= 20, "a row in every table of the schema"
        await upgrade(engine, "0010")
        async with engine.connect() as connection:
            after = await connection.run_sync(_read_all, sorted(written))
            accounts = (
                await connection.execute(
                    sa.text("SELECT user_id, platform, external_id, address FROM accounts")
                )
            ).all()
        assert after == before, "no row of any table changed"
        assert sorted(tuple(a) for a in accounts) == sorted(
            (user, "telegram", str(user), str(user)) for user in USERS
        )
        # The bot (at the newest schema) finds the same person behind the same Telegram user.
        await upgrade(engine)
        async with UnitOfWork(create_session_factory(engine)) as uow:
            who = learners.Identity("telegram", str(USERS[0]), str(USERS[0]))
            user = await learners.arrive(uow, who, T0, is_admin=False)
        assert user.id == USERS[0]
    finally:
        await engine.dispose()


async def test_a_new_person_gets_a_random_internal_id_and_one_account(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        await upgrade(engine)
        factory = create_session_factory(engine)
        who = learners.Identity("telegram", "777", "777")
        async with UnitOfWork(factory) as uow:
            first = await learners.arrive(uow, who, T0, is_admin=False)
        async with UnitOfWork(factory) as uow:
            again = await learners.arrive(uow, who, T0, is_admin=False)
            accounts = await uow.accounts.of_user(first.id)
        assert again.id == first.id and first.id != 777
        assert [(a.platform, a.external_id) for a in accounts] == [("telegram", "777")]
        async with UnitOfWork(factory) as uow:
            await learners.delete_everything(uow, first.id, T0)
        async with UnitOfWork(factory) as uow:
            assert await uow.accounts.user_id("telegram", "777") is None
            assert await uow.accounts.of_user(first.id) == []
    finally:
        await engine.dispose()
