"""Test users named by one number, as users from before accounts were (their internal id was
their Telegram id, and the migration keeps it so), so a test can write `user 5` throughout."""

from __future__ import annotations

from datetime import datetime

from bot.db.repositories import UserRecord
from bot.db.uow import UnitOfWork
from bot.services import learners


def telegram(user_id: int) -> learners.Identity:
    """A Telegram user's identity: in a private chat the chat id is the user id."""
    return learners.Identity("telegram", str(user_id), str(user_id))


async def add_telegram_user(uow: UnitOfWork, user_id: int, now: datetime, role: str) -> None:
    """Write a Telegram user straight into the database (tests that seed many at once)."""
    await uow.users.touch(user_id, now, role=role)
    if await uow.accounts.user_id("telegram", str(user_id)) is None:
        await uow.accounts.add(user_id, "telegram", str(user_id), str(user_id), now)


async def arrive_as(
    uow: UnitOfWork, user_id: int, now: datetime, *, is_admin: bool = False
) -> UserRecord:
    """`learners.arrive` for the Telegram user `user_id`, whose internal id is that number."""
    if await uow.accounts.user_id("telegram", str(user_id)) is None:
        await uow.users.touch(user_id, now, role="admin" if is_admin else "learner")
        await uow.accounts.add(user_id, "telegram", str(user_id), str(user_id), now)
        await uow.commit()
    return await learners.arrive(uow, telegram(user_id), now, is_admin)
