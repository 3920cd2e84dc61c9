"""The sealed holding area: anonymous answers and follow requests waiting for their batch.

Rows are sealed and opened here (bot.sealing), so callers deal in payloads and never see
ciphertext; what reaches the database is a random id, a keyed tag and a sealed blob.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import ConsultationHeld
from bot.sealing import PADDED_SIZE, Sealer, new_row_id


@dataclass(frozen=True, slots=True)
class HeldRow:
    """One opened row: its id and payload (None when this key cannot open it)."""

    id: str
    payload: dict[str, Any] | None


class SealedRepository:
    """A repository whose rows are sealed with the deployment's key."""

    def __init__(self, session: AsyncSession, sealer: Sealer | None) -> None:
        self._session = session
        self._sealer = sealer

    @property
    def sealer(self) -> Sealer:
        if self._sealer is None:
            raise RuntimeError("sealed rows need the key (UnitOfWork(..., sealer=...))")
        return self._sealer


class HeldRepository(SealedRepository):
    def _insert(self) -> Any:
        dialect = self._session.bind.dialect.name if self._session.bind else "sqlite"
        return pg_insert if dialect == "postgresql" else sqlite_insert

    async def add(self, tag: str, payload: dict[str, Any], size: int = PADDED_SIZE) -> bool:
        """Hold a payload sealed at `size` bytes; False when a row with this tag waits."""
        row_id = new_row_id()
        stmt = (
            self._insert()(ConsultationHeld)
            .values(id=row_id, tag=tag, sealed=self.sealer.seal(row_id, payload, size))
            .on_conflict_do_nothing()
            .returning(ConsultationHeld.id)
        )
        return (await self._session.scalar(stmt)) is not None

    async def has_tags(self, tags: Iterable[str]) -> set[str]:
        """Which of these tags are held (a lookup that opens nothing)."""
        wanted = list(tags)
        if not wanted:
            return set()
        rows = await self._session.scalars(
            select(ConsultationHeld.tag).where(ConsultationHeld.tag.in_(wanted))
        )
        return set(rows)

    async def remove(self, ids: Iterable[str]) -> set[str]:
        """Delete rows by id; return the ids this call deleted (two flushers never write
        the same row twice: the second finds it gone)."""
        wanted = list(ids)
        if not wanted:
            return set()
        rows = await self._session.scalars(
            delete(ConsultationHeld)
            .where(ConsultationHeld.id.in_(wanted))
            .returning(ConsultationHeld.id)
        )
        return set(rows)

    async def remove_tags(self, tags: Iterable[str]) -> None:
        wanted = list(tags)
        if wanted:
            await self._session.execute(
                delete(ConsultationHeld).where(ConsultationHeld.tag.in_(wanted))
            )

    async def all(self) -> list[HeldRow]:
        """Every held row, opened (the area is small: it empties at every batch)."""
        rows = await self._session.execute(select(ConsultationHeld.id, ConsultationHeld.sealed))
        return [HeldRow(row_id, self.sealer.open(row_id, sealed)) for row_id, sealed in rows]
