"""Accounts: which person a channel identity belongs to, and where to reach a person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Account
from bot.db.usercache import UserCache


@dataclass(frozen=True, slots=True)
class AccountRecord:
    user_id: int
    platform: str
    external_id: str
    address: str
    last_inbound_at: datetime | None = None


class AccountRepository:
    """Identities rarely change (one row per person and channel, deleted with the person),
    so the identity -> person lookup every update starts with is cached in-process."""

    def __init__(self, session: AsyncSession, cache: UserCache | None = None) -> None:
        self._session = session
        self._cache = cache

    async def advance(self, platform: str, external_id: str, number: int) -> bool:
        """Note that update `number` of this account is handled; False if a newer one was
        (its number is higher) and the account's mark stays where it is."""
        result = await self._session.execute(
            update(Account)
            .where(
                Account.platform == platform,
                Account.external_id == external_id,
                or_(Account.last_update.is_(None), Account.last_update < number),
            )
            .values(last_update=number)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def user_id(self, platform: str, external_id: str) -> int | None:
        """The person behind a channel identity, or None for someone new."""
        if self._cache is not None and (known := self._cache.account(platform, external_id)):
            return known
        connection = await self._session.connection()
        query = select(Account.user_id).where(
            Account.platform == platform, Account.external_id == external_id
        )
        found = (await connection.execute(query)).scalar()
        if found is not None and self._cache is not None:
            self._cache.link(platform, external_id, found)
        return found

    async def add(
        self, user_id: int, platform: str, external_id: str, address: str, now: datetime
    ) -> bool:
        """Link an identity to a person; False when it is already linked (another process
        created it a moment ago), leaving the unit of work usable."""
        account = Account(
            user_id=user_id,
            platform=platform,
            external_id=external_id,
            address=address,
            created_at=now,
        )
        try:
            async with self._session.begin_nested():
                self._session.add(account)
                await self._session.flush()
        except IntegrityError:
            return False
        return True

    async def of_user(self, user_id: int) -> list[AccountRecord]:
        """Every account of a person, oldest first: the first is where they are reached."""
        rows = await self._session.execute(
            select(
                Account.user_id,
                Account.platform,
                Account.external_id,
                Account.address,
                Account.last_inbound_at,
            )
            .where(Account.user_id == user_id)
            .order_by(Account.id)
        )
        return [AccountRecord(*row) for row in rows]

    async def of_users(self, user_ids: list[int]) -> list[AccountRecord]:
        """The accounts of these people, oldest first."""
        if not user_ids:
            return []
        rows = await self._session.execute(
            select(
                Account.user_id,
                Account.platform,
                Account.external_id,
                Account.address,
                Account.last_inbound_at,
            )
            .where(Account.user_id.in_(user_ids))
            .order_by(Account.id)
        )
        return [AccountRecord(*row) for row in rows]

    async def addresses(self, user_ids: list[int], platform: str) -> dict[int, str]:
        """Where each of these people is reached on one platform (missing: not there)."""
        if not user_ids:
            return {}
        rows = await self._session.execute(
            select(Account.user_id, Account.address)
            .where(Account.user_id.in_(user_ids), Account.platform == platform)
            .order_by(Account.id)
        )
        found: dict[int, str] = {}
        for user_id, address in rows:
            found.setdefault(user_id, address)
        return found

    async def heard_from(self, platform: str, external_id: str, minute: datetime) -> bool:
        """The person wrote on this account in `minute` (kept only where it moves the
        time on); False when the account is unknown or already said so."""
        result = await self._session.execute(
            update(Account)
            .where(
                Account.platform == platform,
                Account.external_id == external_id,
                or_(Account.last_inbound_at.is_(None), Account.last_inbound_at < minute),
            )
            .values(last_inbound_at=minute)
            .returning(Account.id)
        )
        return result.first() is not None

    async def delete_for(self, user_id: int) -> None:
        if self._cache is not None:
            self._cache.unlink_user(user_id)
        await self._session.execute(delete(Account).where(Account.user_id == user_id))
