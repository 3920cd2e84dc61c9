"""Incoming events already processed: one claim per (platform, event id), first come wins."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import ProcessedEvent


def event_digest(event_id: str) -> str:
    """What is stored of an event id (see ProcessedEvent: the id may encode a number)."""
    return hashlib.sha256(event_id.encode()).hexdigest()


class ProcessedEventRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def _insert(self) -> Any:
        dialect = self._session.bind.dialect.name if self._session.bind else "sqlite"
        return pg_insert if dialect == "postgresql" else sqlite_insert

    async def first_time(self, platform: str, event_id: str, now: datetime) -> bool:
        """Claim the event; False when it was claimed before (here or by another instance:
        the primary key decides, so two claims at once cannot both win). The time is kept
        to the hour: it is needed only to forget the claim, not to say when anyone wrote."""
        hour = now.replace(minute=0, second=0, microsecond=0)
        # Core, on the session's connection: the ORM's INSERT path costs milliseconds of
        # CPU, and this runs on every update.
        table = ProcessedEvent.__table__
        stmt = (
            self._insert()(table)
            .values(platform=platform, event_id=event_digest(event_id), seen_at=hour)
            .on_conflict_do_nothing()
            .returning(table.c.event_id)
        )
        connection = await self._session.connection()
        return (await connection.execute(stmt)).first() is not None

    async def prune(self, before: datetime) -> int:
        """Forget the claims older than `before`; return how many."""
        result = await self._session.execute(
            delete(ProcessedEvent).where(ProcessedEvent.seen_at < before)
        )
        return int(getattr(result, "rowcount", 0) or 0)
