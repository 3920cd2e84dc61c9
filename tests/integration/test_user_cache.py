"""The user cache never serves a row older than the last write made through the bot."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.engine import create_session_factory
from bot.db.models import User
from bot.db.uow import UnitOfWork
from bot.db.usercache import UserCache
from bot.services import learners
from tests.accounts import arrive_as

T0 = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)


class Ticks:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_writes_through_the_repository_are_seen_at_once(engine: AsyncEngine) -> None:
    cache = UserCache()
    factory = create_session_factory(engine)
    async with UnitOfWork(factory, cache) as uow:
        await arrive_as(uow, 5, T0, is_admin=False)
    async with UnitOfWork(factory, cache) as uow:
        assert (await uow.users.get(5)) is not None
    assert len(cache) == 1
    async with UnitOfWork(factory, cache) as uow:
        await learners.choose_language(uow, 5, "fr", T0)
    async with UnitOfWork(factory, cache) as uow:
        user = await uow.users.get(5)
    assert user is not None and user.language == "fr"
    async with UnitOfWork(factory, cache) as uow:
        await uow.users.mark_blocked(5)
        await uow.commit()
    async with UnitOfWork(factory, cache) as uow:
        user = await uow.users.get(5)
    assert user is not None and user.blocked


async def test_an_uncommitted_write_never_reaches_the_cache(engine: AsyncEngine) -> None:
    cache = UserCache()
    factory = create_session_factory(engine)
    async with UnitOfWork(factory, cache) as uow:
        await arrive_as(uow, 6, T0, is_admin=False)
    async with UnitOfWork(factory, cache) as uow:
        await uow.users.set_language(6, "hi")
        seen = await uow.users.get(6)  # its own write, read from the database
        assert seen is not None and seen.language == "hi"
        # no commit: rolled back on exit
    async with UnitOfWork(factory, cache) as uow:
        user = await uow.users.get(6)
    assert user is not None and user.language is None


async def test_a_write_from_elsewhere_shows_after_the_time_to_live(engine: AsyncEngine) -> None:
    ticks = Ticks()
    cache = UserCache(ttl=30, clock=ticks)
    factory = create_session_factory(engine)
    async with UnitOfWork(factory, cache) as uow:
        await arrive_as(uow, 7, T0, is_admin=False)
    async with UnitOfWork(factory, cache) as uow:
        await uow.users.get(7)
    async with engine.begin() as connection:  # another process, say
        await connection.execute(update(User).where(User.id == 7).values(role="trainer"))
    async with UnitOfWork(factory, cache) as uow:
        stale = await uow.users.get(7)
    assert stale is not None and stale.role == "learner"
    ticks.now = 31
    async with UnitOfWork(factory, cache) as uow:
        fresh = await uow.users.get(7)
    assert fresh is not None and fresh.role == "trainer"


async def test_deleted_users_are_forgotten(engine: AsyncEngine) -> None:
    cache = UserCache()
    factory = create_session_factory(engine)
    async with UnitOfWork(factory, cache) as uow:
        await arrive_as(uow, 8, T0, is_admin=False)
    async with UnitOfWork(factory, cache) as uow:
        await uow.users.get(8)
    async with UnitOfWork(factory, cache) as uow:
        await learners.delete_everything(uow, 8)
    assert len(cache) == 0
    async with UnitOfWork(factory, cache) as uow:
        assert await uow.users.get(8) is None


def test_the_cache_is_bounded_and_least_recently_used_goes_first() -> None:
    from bot.db.repositories.users import UserRecord

    cache = UserCache(size=2)
    records = [UserRecord(i, None, None, "learner", None, T0, T0, False) for i in range(3)]
    cache.put(records[0])
    cache.put(records[1])
    assert cache.get(0) is records[0]  # 0 is now the most recently used
    cache.put(records[2])
    assert cache.get(1) is None and cache.get(0) is records[0] and cache.get(2) is records[2]
