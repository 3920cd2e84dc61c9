"""Users: one row per person, whatever channels they use (their identities: accounts)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import User
from bot.db.usercache import UserCache


@dataclass(frozen=True, slots=True)
class UserRecord:
    id: int
    language: str | None
    time_zone: str | None
    role: str
    consent_at: datetime | None
    first_seen_at: datetime
    last_seen_at: datetime
    blocked: bool
    waiting: dict[str, Any] | None = None  # see bot.context.durable_steps
    opted_out_at: datetime | None = None  # STOP: nothing sent on the bot's own until START
    listen_language: str | None = None  # heard in, when not the language read
    audio_first: bool = False


_COLUMNS = tuple(User.__table__.columns)  # id first


def _record(row: Row[Any]) -> UserRecord:
    return UserRecord(
        id=row.id,
        language=row.language,
        time_zone=row.time_zone,
        role=row.role,
        consent_at=row.consent_at,
        first_seen_at=row.first_seen_at,
        last_seen_at=row.last_seen_at,
        blocked=row.blocked,
        waiting=row.waiting,
        opted_out_at=row.opted_out_at,
        listen_language=row.listen_language,
        audio_first=bool(row.audio_first),
    )


class UserRepository:
    """Every write forgets the user in the cache; a user written in this unit of work is
    neither served from the cache nor put in it (the write may still be rolled back)."""

    def __init__(self, session: AsyncSession, cache: UserCache | None = None) -> None:
        self._session = session
        self._cache = cache
        self._written: set[int] = set()

    async def get(self, user_id: int) -> UserRecord | None:
        cache = self._cache if user_id not in self._written else None
        if cache is not None and (cached := cache.get(user_id)) is not None:
            return cached
        # A Core select on the session's connection: it skips the ORM's per-statement cost.
        connection = await self._session.connection()
        query = select(*_COLUMNS).where(_COLUMNS[0] == user_id)
        row = (await connection.execute(query)).first()
        record = _record(row) if row else None
        if cache is not None and record is not None:
            cache.put(record)
        return record

    def _writing(self, user_id: int) -> None:
        self._written.add(user_id)
        if self._cache is not None:
            self._cache.forget(user_id)

    async def create(self, now: datetime, role: str) -> UserRecord:
        """A new person with a fresh internal id.

        Ids are drawn at random rather than counted, so an id says nothing about who joined
        when (nor about any channel id); a clash (about one in 2^53 per existing user) is
        caught by the primary key and drawn again, inside a savepoint so the unit of work
        goes on.
        """
        while True:
            user_id = secrets.randbelow(2**53 - 1) + 1
            try:
                async with self._session.begin_nested():
                    self._session.add(
                        User(
                            id=user_id,
                            role=role,
                            first_seen_at=now,
                            last_seen_at=now,
                            blocked=False,
                        )
                    )
                    await self._session.flush()
            except IntegrityError:
                continue
            self._writing(user_id)
            record = await self.get(user_id)
            assert record is not None
            return record

    async def touch(self, user_id: int, now: datetime, role: str) -> UserRecord:
        """Create the user or mark them seen, in one statement (no read-then-write race).

        A user who writes to the bot has unblocked it, so the blocked flag is cleared.
        """
        self._writing(user_id)
        dialect = self._session.bind.dialect.name if self._session.bind else "sqlite"
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        values = insert(User).values(
            id=user_id, role=role, first_seen_at=now, last_seen_at=now, blocked=False
        )
        upsert = values.on_conflict_do_update(
            index_elements=[User.id], set_={"last_seen_at": now, "blocked": False}
        ).returning(*_COLUMNS)
        return _record((await self._session.execute(upsert)).one())

    async def set_language(self, user_id: int, language: str) -> None:
        self._writing(user_id)
        await self._session.execute(
            update(User).where(User.id == user_id).values(language=language)
        )

    async def set_time_zone(self, user_id: int, time_zone: str) -> None:
        self._writing(user_id)
        await self._session.execute(
            update(User).where(User.id == user_id).values(time_zone=time_zone)
        )

    async def set_listening(
        self, user_id: int, *, language: str | None, audio_first: bool
    ) -> None:
        self._writing(user_id)
        await self._session.execute(
            update(User)
            .where(User.id == user_id)
            .values(listen_language=language, audio_first=audio_first)
        )

    async def set_consent(self, user_id: int, at: datetime) -> None:
        self._writing(user_id)
        await self._session.execute(
            update(User).where(User.id == user_id, User.consent_at.is_(None)).values(consent_at=at)
        )

    async def set_role(self, user_id: int, role: str) -> None:
        self._writing(user_id)
        await self._session.execute(update(User).where(User.id == user_id).values(role=role))

    async def with_role(self, role: str) -> list[int]:
        rows = await self._session.scalars(select(User.id).where(User.role == role))
        return sorted(rows)

    async def set_waiting(self, user_id: int, waiting: dict[str, Any] | None) -> None:
        self._writing(user_id)
        await self._session.execute(update(User).where(User.id == user_id).values(waiting=waiting))

    async def mark_blocked(self, user_id: int) -> None:
        self._writing(user_id)
        await self._session.execute(update(User).where(User.id == user_id).values(blocked=True))

    async def unblock(self, user_id: int) -> bool:
        """Clear the blocked flag; False when the user was not marked blocked (or is unknown)."""
        self._writing(user_id)
        result = await self._session.execute(
            update(User).where(User.id == user_id, User.blocked.is_(True)).values(blocked=False)
        )
        return bool(getattr(result, "rowcount", 0))

    async def set_opted_out(self, user_id: int, at: datetime | None) -> bool:
        """Opt out (at a time) or back in (None); False when that was the state already."""
        self._writing(user_id)
        now_in = User.opted_out_at.is_(None)
        result = await self._session.execute(
            update(User)
            .where(User.id == user_id, now_in if at is not None else ~now_in)
            .values(opted_out_at=at)
        )
        return bool(getattr(result, "rowcount", 0))

    async def is_blocked(self, user_id: int) -> bool:
        value = await self._session.scalar(select(User.blocked).where(User.id == user_id))
        return bool(value)

    async def delete(self, user_id: int) -> None:
        self._writing(user_id)
        await self._session.execute(delete(User).where(User.id == user_id))
