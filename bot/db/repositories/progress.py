"""Card progress: which cards a learner opened, and when (the newest is where they resume)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Table, delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import CardProgress


@dataclass(frozen=True, slots=True)
class SeenCard:
    card_id: str
    module_id: str
    last_seen_at: datetime


class ProgressRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def save_seen(self, user_id: int, card_id: str, module_id: str, now: datetime) -> None:
        # The busiest write of the bot (every lesson tap): a Core statement on the table and
        # the session's connection skip the ORM's bulk-insert machinery.
        dialect = self._session.bind.dialect.name if self._session.bind else "sqlite"
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        table = cast(Table, CardProgress.__table__)
        stmt = insert(table).values(
            user_id=user_id,
            card_id=card_id,
            module_id=module_id,
            first_seen_at=now,
            last_seen_at=now,
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=[table.c.user_id, table.c.card_id],
            set_={"last_seen_at": now},
        )
        connection = await self._session.connection()
        await connection.execute(stmt)

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
