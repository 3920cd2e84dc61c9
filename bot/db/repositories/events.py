"""The event log: small facts about what learners did, for later analytics."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Event


class EventRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(
        self, user_id: int | None, kind: str, at: datetime, data: dict[str, Any] | None = None
    ) -> None:
        await self._session.execute(
            insert(Event).values(user_id=user_id, kind=kind, at=at, data=data or {})
        )

    async def count(self, user_id: int) -> int:
        value = await self._session.scalar(
            select(func.count()).select_from(Event).where(Event.user_id == user_id)
        )
        return int(value or 0)

    async def delete_for(self, user_id: int) -> None:
        await self._session.execute(delete(Event).where(Event.user_id == user_id))
