"""Repositories, unit of work and migrations on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.migrate import revision_state
from bot.db.models import Base
from bot.services import learners
from tests.accounts import arrive_as
from tests.integration.conftest import uow_for

T0 = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)


async def test_migrations_match_the_models(engine: AsyncEngine) -> None:
    current, head = await revision_state(engine)
    assert current == head
    async with engine.connect() as connection:
        diff = await connection.run_sync(
            lambda sync: compare_metadata(
                MigrationContext.configure(sync, opts={"compare_type": True}), Base.metadata
            )
        )
    assert diff == []


async def test_nothing_is_kept_without_commit(engine: AsyncEngine) -> None:
    async with uow_for(engine) as uow:
        await uow.users.touch(1, T0, role="learner")
    async with uow_for(engine) as uow:
        assert await uow.users.get(1) is None


async def test_times_come_back_aware_utc(engine: AsyncEngine) -> None:
    async with uow_for(engine) as uow:
        await arrive_as(uow, 7, T0, is_admin=False)
    async with uow_for(engine) as uow:
        user = await uow.users.get(7)
    assert user is not None and user.first_seen_at == T0 and user.first_seen_at.tzinfo is UTC


async def test_arrival_updates_last_seen_and_clears_blocked(engine: AsyncEngine) -> None:
    async with uow_for(engine) as uow:
        await arrive_as(uow, 5, T0, is_admin=False)
        await learners.mark_blocked(uow, 5)
        assert await uow.users.is_blocked(5)
    later = T0 + timedelta(hours=2)
    async with uow_for(engine) as uow:
        user = await arrive_as(uow, 5, later, is_admin=True)
    assert user.last_seen_at == later and user.first_seen_at == T0
    assert not user.blocked and user.role == "admin"


async def test_progress_resumes_at_newest_card_and_deletion_erases_all(
    engine: AsyncEngine,
) -> None:
    async with uow_for(engine) as uow:
        await arrive_as(uow, 9, T0, is_admin=False)
        await uow.progress.save_seen(9, "a-1", "a", T0)
        await uow.progress.save_seen(9, "a-2", "a", T0 + timedelta(seconds=1))
        await uow.progress.save_seen(9, "a-1", "a", T0 + timedelta(seconds=2))
        await uow.events.add(9, "card", T0, {"card": "a-1"})
        await uow.commit()
    async with uow_for(engine) as uow:
        last = await uow.progress.last_seen(9)
        assert last is not None and last.card_id == "a-1"
        assert await uow.progress.seen_card_ids(9) == {"a-1", "a-2"}
        await learners.delete_everything(uow, 9)
    async with uow_for(engine) as uow:
        assert await uow.users.get(9) is None
        assert await uow.progress.count(9) == 0
        assert await uow.events.count(9) == 0
