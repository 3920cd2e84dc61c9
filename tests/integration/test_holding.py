"""The holding area of anonymous answers, on SQLite and PostgreSQL: when a batch is written,
what it looks like, and that nothing is lost (another token, a number taken meanwhile).

The attacker's view of the whole flow is in tests/e2e/test_anonymity.py.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import column, insert, text
from sqlalchemy import table as sa_table
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.engine import create_engine, create_session_factory
from bot.db.migrate import upgrade
from bot.db.types import UTCDateTime
from bot.db.uow import UnitOfWork
from bot.sealing import Sealer
from bot.services import consultations, holding
from bot.services.holding import BatchPolicy

T0 = datetime(2027, 3, 2, 10, 30, tzinfo=UTC)
OPENS, CLOSES = datetime(2027, 3, 1, tzinfo=UTC), datetime(2027, 4, 30, tzinfo=UTC)
KEY = Sealer.from_token("123456:holding-tests-token-aaaaaaaaaaaaaaaa")
NOW = BatchPolicy(chance=1.0)  # the dispatcher's rule, with the random moment "now"


def _uow(engine: AsyncEngine, sealer: Sealer = KEY) -> UnitOfWork:
    return UnitOfWork(create_session_factory(engine), sealer=sealer)


async def _consultation(engine: AsyncEngine, users: int = 5) -> int:
    async with _uow(engine) as uow:
        cid = await uow.consultations.add("c", {}, "open", OPENS, CLOSES, OPENS)
        assert cid is not None
        for user_id in range(1, users + 1):
            await uow.users.touch(user_id, T0, role="learner")
        await uow.commit()
        return cid


def _answer(cid: int, number: int, words: str) -> dict[str, Any]:
    return {
        "consultation_id": cid,
        "number": number,
        "section": 0,
        "stance": "concern",
        "kind": "text",
        "text": words,
        "channel": "telegram",
        "file_id": None,
        "file_platform": None,
        "file_kept": False,
        "file_size": None,
        "mime_type": None,
        "file_name": None,
        "language": "en",
    }


async def _hold(
    engine: AsyncEngine, cid: int, number: int, user_id: int, day: date, sealer: Sealer = KEY
) -> None:
    async with _uow(engine, sealer) as uow:
        assert await holding.hold_answer(uow, _answer(cid, number, f"n{number}"), user_id, day)
        await uow.commit()


async def _write(
    engine: AsyncEngine, now: datetime = T0, policy: BatchPolicy = NOW, sealer: Sealer = KEY
) -> holding.BatchReport:
    async with _uow(engine, sealer) as uow:
        return await holding.write_batches(uow, now, policy)


async def _written(engine: AsyncEngine) -> list[dict[str, Any]]:
    async with _uow(engine) as uow:
        return [
            {"number": a.number, "day": a.submitted_on, "user_id": a.user_id}
            for a in await uow.consultations.answers(1)
        ]


async def test_a_batch_waits_for_three_people_then_goes_in_one_transaction(
    engine: AsyncEngine,
) -> None:
    cid = await _consultation(engine)
    await _hold(engine, cid, 5001, 1, T0.date())
    await _hold(engine, cid, 5002, 2, T0.date())
    await _hold(engine, cid, 5003, 2, T0.date() + timedelta(days=1))
    assert (await _write(engine)).answers == 0, "two people: each would know the other's"
    async with _uow(engine) as uow:
        assert await holding.waiting(uow, cid) == 3
    await _hold(engine, cid, 4000, 3, T0.date() + timedelta(days=1))
    assert (await _write(engine, policy=BatchPolicy(chance=0.0))).answers == 0, "not yet"
    assert (await _write(engine)).answers == 4
    written = await _written(engine)
    assert sorted(a["number"] for a in written) == [4000, 5001, 5002, 5003]
    assert {a["day"] for a in written} == {date(2027, 3, 3)}, "one date: the batch's last"
    assert {a["user_id"] for a in written} == {None}
    async with _uow(engine) as uow:
        assert await uow.held.all() == [] and await holding.waiting(uow, cid) == 0
        if engine.dialect.name == "postgresql":
            result = await uow.session.execute(
                text("SELECT xmin::text, ctid::text, number FROM consultation_answers")
            )
            found = [(x, ctid, n) for x, ctid, n in result]
            assert len({x for x, _c, _n in found}) == 1, "one transaction for the batch"
            in_place = sorted(found, key=lambda r: tuple(map(int, r[1].strip("()").split(","))))
            assert [n for _x, _c, n in in_place] == [4000, 5001, 5002, 5003]


async def test_each_channel_waits_for_its_own_three_people(engine: AsyncEngine) -> None:
    """The written row names its channel: one WhatsApp answer among three Telegram ones
    would be the WhatsApp user's, so it waits for two more WhatsApp authors (or the close).
    Its file waits with it and goes in its batch."""
    cid = await _consultation(engine)
    for number, user_id in ((5001, 1), (5002, 2), (5003, 3)):
        await _hold(engine, cid, number, user_id, T0.date())
    async with _uow(engine) as uow:
        held_file = await uow.answer_files.hold(b"OggS voice")
        values = _answer(cid, 6001, "") | {"kind": "voice", "channel": "whatsapp"}
        assert await holding.hold_answer(uow, values, 4, T0.date(), held_file)
        await uow.commit()
    assert (await _write(engine)).answers == 3
    assert sorted(a["number"] for a in await _written(engine)) == [5001, 5002, 5003]
    async with _uow(engine) as uow:
        assert await holding.waiting(uow, cid) == 1
        assert await uow.answer_files.get(cid, 6001) is None
    assert (await _write(engine, now=CLOSES)).answers == 1
    async with _uow(engine) as uow:
        assert await uow.answer_files.get(cid, 6001) == b"OggS voice"
        written = await uow.consultations.answer(cid, 6001)
        assert written is not None and written.channel == "whatsapp" and written.file_kept
        assert await uow.answer_files.move_held(held_file, cid, 6001) is False, "moved once"


async def test_the_close_writes_whatever_waits_and_only_then_the_followers(
    engine: AsyncEngine,
) -> None:
    cid = await _consultation(engine)
    await _hold(engine, cid, 7777, 4, T0.date())
    async with _uow(engine) as uow:
        for user_id in (3, 1, 3):
            await holding.hold_follow(uow, cid, user_id)
        await uow.commit()
        assert len(await uow.held.all()) == 3, "one request per person"
        assert await holding.held_followers(uow, cid) == {1, 3}
        assert (await consultations.privacy(uow, 3)).following == 1
    report = await _write(engine)
    assert (report.answers, report.follows) == (0, 0)
    report = await _write(engine, now=CLOSES)
    assert (report.answers, report.follows) == (1, 2)
    written = await _written(engine)
    assert written == [{"number": 7777, "day": date(2027, 3, 2), "user_id": None}]
    async with _uow(engine) as uow:
        assert await uow.consultations.participant_ids(cid) == {1, 3}
        assert (await consultations.privacy(uow, 3)).following == 1
        assert await uow.held.all() == []


async def test_deleting_ones_data_drops_held_requests_but_not_held_answers(
    engine: AsyncEngine,
) -> None:
    cid = await _consultation(engine)
    await _hold(engine, cid, 1234, 2, T0.date())
    async with _uow(engine) as uow:
        await holding.hold_follow(uow, cid, 2)
        await uow.commit()
    async with _uow(engine) as uow:
        await consultations.delete_for(uow, 2)
        await uow.commit()
        assert await holding.held_followers(uow, cid) == set()
        assert await holding.waiting(uow, cid) == 1, "an anonymous answer is nobody's"


async def test_rows_sealed_with_another_token_are_kept_not_lost(engine: AsyncEngine) -> None:
    cid = await _consultation(engine)
    old = Sealer.from_token("123456:the-token-before-it-was-changed-bbbbbb")
    for user_id in (1, 2, 3):
        await _hold(engine, cid, 2000 + user_id, user_id, T0.date(), sealer=old)
    report = await _write(engine, now=CLOSES)
    assert (report.answers, report.unreadable) == (0, 3)
    assert (await _write(engine, now=CLOSES, sealer=old)).answers == 3


async def test_a_number_a_named_answer_took_meanwhile_is_drawn_again(
    engine: AsyncEngine,
) -> None:
    cid = await _consultation(engine)
    for user_id in (1, 2, 3):
        await _hold(engine, cid, 3000 + user_id, user_id, T0.date())
    async with _uow(engine) as uow:  # the rare race: a named answer with a held number
        named = _answer(cid, 3001, "named") | {
            "submitted_on": T0.date(),
            "user_id": 5,
            "author_name": "N",
        }
        assert await uow.consultations.add_answer(named)
        await uow.commit()
    report = await _write(engine)
    assert (report.answers, report.renumbered) == (3, 1)
    assert len({a["number"] for a in await _written(engine)}) == 4, "all kept, none lost"


async def test_holding_refuses_a_number_held_or_written_already(engine: AsyncEngine) -> None:
    cid = await _consultation(engine)
    await _hold(engine, cid, 4444, 1, T0.date())
    async with _uow(engine) as uow:
        assert await holding.is_held(uow, cid, 4444)
        assert not await holding.hold_answer(uow, _answer(cid, 4444, "again"), 2, T0.date())
    await _write(engine, now=CLOSES)
    async with _uow(engine) as uow:
        assert not await holding.hold_answer(uow, _answer(cid, 4444, "again"), 2, T0.date())
        assert await uow.held.all() == [], "the refused row was taken back"


def test_numbers_are_drawn_at_random_and_grow_when_half_are_taken() -> None:
    taken = set(range(1000, 5500))
    numbers = {holding.draw_number(taken, 4) for _ in range(200)}
    assert numbers.isdisjoint(taken) and all(n >= 1000 for n in numbers)
    crowded = set(range(1000, 10000)) - {4242}
    assert all(len(str(holding.draw_number(crowded, 4))) >= 5 for _ in range(20))
    assert len({holding.draw_number(set(), 4) for _ in range(50)}) > 40, "not a sequence"


@pytest.fixture
async def engine_at_0008(empty_database_url: str) -> Any:
    engine = create_engine(empty_database_url)
    await upgrade(engine, "0008")
    yield engine
    await engine.dispose()


async def test_rows_written_before_0009_lose_their_order(engine_at_0008: AsyncEngine) -> None:
    engine = engine_at_0008
    factory = create_session_factory(engine)
    numbers = [7001, 2002, 9003, 4004]
    async with UnitOfWork(factory) as uow:
        cid = await uow.consultations.add("c", {}, "open", OPENS, CLOSES, OPENS)
        assert cid is not None
        await uow.commit()
    # users as 0008 had them (the repository writes the columns of later revisions too)
    users = sa_table(
        "users",
        column("id"),
        column("role"),
        column("first_seen_at", UTCDateTime()),
        column("last_seen_at", UTCDateTime()),
        column("blocked"),
    )
    async with engine.begin() as connection:
        for user_id in (9, 3, 6):
            await connection.execute(
                insert(users).values(
                    id=user_id, role="learner", first_seen_at=T0, last_seen_at=T0, blocked=False
                )
            )
    for number in numbers:  # one transaction each, in this order, as the old code did
        async with UnitOfWork(factory) as uow:
            row = _answer(cid, number, "old") | {"submitted_on": T0.date(), "user_id": None}
            for later in ("file_platform", "channel", "file_kept"):  # of later revisions
                del row[later]
            await uow.consultations.add_answer(row)
            await uow.commit()
    for user_id in (9, 3, 6):
        async with UnitOfWork(factory) as uow:
            await uow.consultations.follow(cid, user_id)
            await uow.commit()
    await upgrade(engine)
    async with UnitOfWork(factory) as uow:
        for table, key, expected in (
            ("consultation_answers", "number", sorted(numbers)),
            ("consultation_followers", "user_id", [3, 6, 9]),
        ):
            if engine.dialect.name == "sqlite":
                with pytest.raises(DBAPIError):
                    await uow.session.execute(text(f"SELECT rowid FROM {table}"))
                await uow.session.rollback()
                scan = await uow.session.execute(text(f"SELECT {key} FROM {table}"))
                assert [k for (k,) in scan] == expected, table
                continue
            result = await uow.session.execute(
                text(f"SELECT xmin::text, ctid::text, {key} FROM {table}")
            )
            found = list(result)
            assert len({x for x, _c, _k in found}) == 1, f"{table}: one shared xmin"
            in_place = sorted(found, key=lambda r: tuple(map(int, r[1].strip("()").split(","))))
            assert [k for _x, _c, k in in_place] == expected, f"{table}: ctid in key order"
