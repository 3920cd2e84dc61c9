"""Card progress: which cards a learner opened, and when (the newest is where they resume)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Executable, Table, bindparam, delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import CardProgress


@dataclass(frozen=True, slots=True)
class SeenCard:
    card_id: str
    module_id: str
    last_seen_at: datetime


def _save_seen_statement(insert: Callable[[Table], Any]) -> Executable:
    """The busiest write of the bot (every lesson tap), built once: a Core upsert on the
    table skips the ORM's bulk-insert machinery, and a prebuilt statement its construction
    and cache-key cost on every call."""
    table = cast(Table, CardProgress.__table__)
    now = bindparam("now", type_=table.c.last_seen_at.type)
    values = insert(table).values(
        user_id=bindparam("user_id"),
        card_id=bindparam("card_id"),
        module_id=bindparam("module_id"),
        first_seen_at=now,
        last_seen_at=now,
    )
    return cast(
        Executable,
        values.on_conflict_do_update(
            index_elements=[table.c.user_id, table.c.card_id], set_={"last_seen_at": now}
        ),
    )


# index: is the dialect PostgreSQL?
_SAVE_SEEN = (_save_seen_statement(sqlite_insert), _save_seen_statement(pg_insert))


class ProgressRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def save_seen(self, user_id: int, card_id: str, module_id: str, now: datetime) -> None:
        connection = await self._session.connection()
        statement = _SAVE_SEEN[connection.dialect.name == "postgresql"]
        await connection.execute(
            statement,
            {"user_id": user_id, "card_id": card_id, "module_id": module_id, "now": now},
        )

    async def last_seen(self, user_id: int, module_id: str | None = None) -> SeenCard | None:
        query = select(CardProgress).where(CardProgress.user_id == user_id)
        if module_id is not None:
            query = query.where(CardProgress.module_id == module_id)
        row = await self._session.scalar(
            query.order_by(
                CardProgress.last_seen_at.desc(), CardProgress.first_seen_at.desc()
            ).limit(1)
        )
        return SeenCard(row.card_id, row.module_id, row.last_seen_at) if row else None

    async def seen_card_ids(self, user_id: int) -> set[str]:
        rows = await self._session.scalars(
            select(CardProgress.card_id).where(CardProgress.user_id == user_id)
        )
        return set(rows)

    async def count(self, user_id: int) -> int:
        value = await self._session.scalar(
            select(func.count()).select_from(CardProgress).where(CardProgress.user_id == user_id)
        )
        return int(value or 0)

    async def delete_for(self, user_id: int) -> None:
        await self._session.execute(delete(CardProgress).where(CardProgress.user_id == user_id))
