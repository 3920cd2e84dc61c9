"""Incoming events already processed: one claim per (platform, event id), first come wins."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Executable, Table, bindparam, delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import ProcessedEvent


def event_digest(event_id: str) -> str:
    """What is stored of an event id (see ProcessedEvent: the id may encode a number)."""
    return hashlib.sha256(event_id.encode()).hexdigest()


def _claim_statement(insert: Callable[[Table], Any]) -> Executable:
    """Runs on every update, so it is built once: a Core insert skips the ORM's INSERT
    path, and a prebuilt statement its construction and cache-key cost on every call."""
    table = cast(Table, ProcessedEvent.__table__)
    return cast(
        Executable,
        insert(table)
        .values(
            platform=bindparam("platform"),
            event_id=bindparam("event_id"),
            seen_at=bindparam("seen_at", type_=table.c.seen_at.type),
        )
        .on_conflict_do_nothing()
        .returning(table.c.event_id),
    )


# index: is the dialect PostgreSQL?
_CLAIM = (_claim_statement(sqlite_insert), _claim_statement(pg_insert))


class ProcessedEventRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def first_time(self, platform: str, event_id: str, now: datetime) -> bool:
        """Claim the event; False when it was claimed before (here or by another instance:
        the primary key decides, so two claims at once cannot both win). The time is kept
        to the hour: it is needed only to forget the claim, not to say when anyone wrote."""
        hour = now.replace(minute=0, second=0, microsecond=0)
        connection = await self._session.connection()
        statement = _CLAIM[connection.dialect.name == "postgresql"]
        values = {"platform": platform, "event_id": event_digest(event_id), "seen_at": hour}
        return (await connection.execute(statement, values)).first() is not None

    async def prune(self, before: datetime) -> int:
        """Forget the claims older than `before`; return how many."""
        result = await self._session.execute(
            delete(ProcessedEvent).where(ProcessedEvent.seen_at < before)
        )
        return int(getattr(result, "rowcount", 0) or 0)
