"""The migration that makes quiz questions, announcements and consultation files channel-
neutral carries a database over unchanged in meaning: a row in every table at the revision
before it reads back the same afterwards, except for what it says: sent quiz questions are
Telegram's, the progress line's id becomes a reference, an existing answer's file is
Telegram's, and an announcement written before keeps pointing at its Telegram message."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.engine import create_engine, create_session_factory
from bot.db.migrate import upgrade
from bot.db.uow import UnitOfWork
from tests.integration.test_accounts_migration import _fill, _read_all

CHANGED = {"quiz_polls", "announcements", "consultation_answers"}


def _rows(connection: sa.Connection, table: str) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in connection.execute(sa.text(f"SELECT * FROM {table}"))]


async def test_every_row_keeps_its_meaning(empty_database_url: str) -> None:
    engine: AsyncEngine = create_engine(empty_database_url)
    try:
        await upgrade(engine, "0010")
        async with engine.begin() as connection:
            written = await connection.run_sync(_fill)
            kept = sorted(set(written) - CHANGED)
            before = await connection.run_sync(_read_all, kept)
        await upgrade(engine, "0011")
        async with engine.connect() as connection:
            after = await connection.run_sync(_read_all, kept)
            sent = await connection.run_sync(_rows, "quiz_questions_sent")
            announcements = await connection.run_sync(_rows, "announcements")
            answers = await connection.run_sync(_rows, "consultation_answers")
        assert after == before, "no other table changed"

        polls = written["quiz_polls"]
        assert sorted((r["platform"], r["ref"], r["attempt_id"]) for r in sent) == sorted(
            ("telegram", p["poll_id"], p["attempt_id"]) for p in polls
        )
        old = {a["id"]: a for a in written["announcements"]}
        for row in announcements:
            was = old[row["id"]]
            assert row["body"] is None and row["media"] is None
            assert (row["source_chat_id"], row["source_message_id"]) == (
                was["source_chat_id"],
                was["source_message_id"],
            )
            assert row["progress_ref"] == str(was["progress_message_id"])
            assert "progress_message_id" not in row
        assert all(a["file_platform"] == "telegram" for a in answers if a["file_id"])
        assert len(answers) == len(written["consultation_answers"])

        # An announcement written before is still sent as a copy of its Telegram message.
        async with UnitOfWork(create_session_factory(engine)) as uow:
            first = old[min(old)]
            content = await uow.announcements.content(first["id"])
        assert content is not None
        assert content.legacy == (first["source_chat_id"], first["source_message_id"])
    finally:
        await engine.dispose()
