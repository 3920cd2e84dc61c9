"""An attacker with the database (and the logs) tries to tell who wrote each anonymous answer.

Several people answer a consultation through the real bot: some with their name, most
anonymously, some asking "tell me what changed". The attacker reads everything a database
user can read, on SQLite and on PostgreSQL:

- while people answer (a snapshot after each person's turn): which rows appeared or changed;
- afterwards: every table with SQLite's rowid or the scan order of tables without one,
  PostgreSQL's `xmin` (the writing transaction) and `ctid` (the physical place), every
  timestamp, the follower table, the users table (last-seen times), the event log;
- the log records of the whole run.

Content is out of scope: the words, the language and any file of an answer are what its
author chose to send, and the README says they can give a person away. Everything else
must tie each anonymous answer to no one in particular. Concretely, every way of linking
that the attacker tries becomes a finding, and the test fails with the list of findings:

1. live: an answer's content (or a follower row) becomes readable while its author's turn
   is the latest thing that happened;
2. transaction: anonymous answers of one batch do not share one `xmin`, or the `xmin` an
   answer has was also written into a row that names a user;
3. order: within a batch, the physical order (rowid, scan order, ctid) is not the order of
   the reference numbers, which are drawn at random, so that order is information;
4. time: an answer row carries a time, or two answers of one batch carry different dates;
5. adjacency: the last user-attributable write before an answer's transaction differs
   between answers of one batch (it would then point at a different author for each);
6. followers: rows not in user order, or not written in one transaction;
7. logs: any record names an anonymous answer's text, reference, author id or name.

Each check compares quantities that, by construction, are equal or random across a batch;
none depends on the luck of a draw, so the test is not flaky, and an attacker who can do no
better than these comparisons can do no better than guessing among a batch's authors.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from bot.channels.telegram.standin import BotApiStandIn
from bot.db.models import Base
from bot.jobs.consultations import run_consultations
from bot.sealing import SMALL_SIZE
from tests.e2e.conftest import ADMIN, onboard
from tests.e2e.harness import FakeClock, Harness, make_settings

SLUG = "practice-community-voice"
OPENED = datetime(2026, 11, 20, 9, tzinfo=UTC)
CLOSES = datetime(2027, 1, 19, tzinfo=UTC)
REF_RE = re.compile(r"C1-(\d{4,})")
# Follow requests are sealed smaller than answers (bot.sealing): all of one size too.
SMALL_SEALED = 12 + SMALL_SIZE + 16
TIME_RE = re.compile(r"^\d{4}-\d\d-\d\d[ T]\d\d:\d\d")


@dataclass(frozen=True)
class Person:
    user_id: int
    name: str
    language: str


# Telegram-sized ids, so that no other number in a log line is mistaken for one; not in
# the order people answer, so that user order and the order of arrival differ.
NAMED_1 = Person(7301000012, "Kofi Mensah", "en")
NAMED_2 = Person(7301000011, "Lucia Ferreira", "pt")
AWA = Person(7301000025, "Awa Diallo", "fr")
PRIYA = Person(7301000021, "Priya Nayak", "hi")
ANA = Person(7301000024, "Ana Souza", "pt")
MARIAMA = Person(7301000022, "Mariama Camara", "fr")
SAM = Person(7301000023, "Sam Walker", "en")
PEOPLE = (NAMED_1, NAMED_2, AWA, PRIYA, ANA, MARIAMA, SAM)


@dataclass(frozen=True)
class Written:
    """What the test (not the attacker) knows: who sent which anonymous answer."""

    author: Person
    text: str
    reference: str
    number: int
    batch: int


@dataclass
class Attacker:
    """Reads the database like any database user, and notes each link it finds."""

    bot: Harness
    findings: list[str] = field(default_factory=list)

    @property
    def postgres(self) -> bool:
        return self.bot.settings.database_url.startswith("postgresql")

    async def read(self, table: str) -> list[dict[str, Any]]:
        """Every row, in the order the table's scan returns them, with what the database
        shows of where and when each was written: PostgreSQL's xmin and ctid, SQLite's rowid
        (absent from tables without one, whose scan order is their key order)."""
        async with self.bot.services.uow() as uow:
            if self.postgres:
                query = f"SELECT xmin::text AS _xmin, ctid::text AS _ctid, * FROM {table}"
                result = await uow.session.execute(text(query))
            else:
                try:
                    result = await uow.session.execute(
                        text(f"SELECT rowid AS _rowid, * FROM {table}")
                    )
                except DBAPIError:  # a table WITHOUT ROWID
                    await uow.session.rollback()
                    result = await uow.session.execute(text(f"SELECT * FROM {table}"))
            return [dict(row._mapping) for row in result]

    async def snapshot(self) -> dict[str, list[dict[str, Any]]]:
        return {table: await self.read(table) for table in Base.metadata.tables}

    def note(self, finding: str) -> None:
        self.findings.append(finding)


def _content(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if not k.startswith("_")}


def _xmin(row: dict[str, Any]) -> int:
    return int(row["_xmin"])


def _place(row: dict[str, Any]) -> tuple[int, ...]:
    """Physical position: ctid (page, item) on PostgreSQL, the rowid on SQLite."""
    if "_ctid" in row:
        return tuple(int(part) for part in row["_ctid"].strip("()").split(","))
    return (int(row["_rowid"]),)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(OPENED - timedelta(days=10))


@pytest.fixture
async def bot(
    standin: BotApiStandIn, database_url: str, clock: FakeClock
) -> AsyncIterator[Harness]:
    for person in PEOPLE:
        standin.add_user(person.user_id, person.name, language_code=person.language)
    settings = make_settings(
        standin.url,
        database_url,
        admin_ids=str(ADMIN),
        reminder_interval=0,
        consultation_interval=0,
    )
    harness = Harness(standin, settings, clock=clock)
    await harness.start()
    yield harness
    await harness.stop()


async def _answer(bot: Harness, person: Person, section: int, words: str, who: str) -> str:
    """Have your say → the consultation → a section → a concern → anonymous or named."""
    await bot.say(person.user_id, "/menu")
    await bot.press(person.user_id, "m:consult")
    await bot.press(person.user_id, "ko:1")
    await bot.press(person.user_id, f"ks:1:{section}")
    await bot.press(person.user_id, f"ka:1:{section}:c")
    await bot.press(person.user_id, f"ki:1:{section}:c:{who}")
    await bot.say(person.user_id, words)
    found = REF_RE.search(bot.text(person.user_id))
    assert found, bot.text(person.user_id)
    return found.group(0)


async def test_the_database_and_the_logs_do_not_tell_who_wrote_an_anonymous_answer(
    bot: Harness, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    attacker = Attacker(bot)
    await onboard(bot, ADMIN, "en")
    await bot.say(ADMIN, "/consultations")
    await bot.press(ADMIN, "kp:" + SLUG)
    clock.now = OPENED
    for person in PEOPLE:
        await onboard(bot, person.user_id, person.language)

    written: list[Written] = []
    # (person, section, words, anonymous, follows). The clock moves between turns, so each
    # has its own last-seen minute, and the last comes a day later. The dispatcher does
    # not run until the close (too few people for a batch before it: bot.services.holding).
    turns = [
        (NAMED_1, 0, "Two weeks' notice is too short for us.", False, False),
        (AWA, 0, "La compagnie emploie mon frère; je ne peux pas parler.", True, True),
        (PRIYA, 1, "कंपनी के लोग साक्षात्कार में बैठते हैं।", True, False),
        (NAMED_2, 1, "As entrevistas devem ser longe da mina.", False, False),
        (PRIYA, 2, "हमसे कभी नहीं पूछा गया।", True, True),
        (ANA, 2, "A empresa ameaçou quem reclamou.", True, True),
        (MARIAMA, 1, "Les auditeurs sont venus avec le chef de site.", True, False),
        (SAM, 0, "Nobody told the outstation about the audit.", True, True),
    ]
    for index, (person, section, words, anonymous, follows) in enumerate(turns):
        clock.now += timedelta(days=1) if index == len(turns) - 1 else timedelta(minutes=7)
        before = await attacker.snapshot()
        ref = await _answer(bot, person, section, words, "a" if anonymous else "n")
        if follows:
            await bot.press(person.user_id, "kf:1")
        after = await attacker.snapshot()
        if anonymous:
            written.append(Written(person, words, ref, int(ref.split("-")[1]), batch=1))
            _watch_a_turn(attacker, person, words, before, after)
    clock.now = CLOSES + timedelta(minutes=1)
    assert bot.app is not None
    await run_consultations(bot.services)  # the close writes what waits

    final = await attacker.snapshot()
    answers = {row["number"]: row for row in final["consultation_answers"]}
    assert all(answers[a.number]["text"] == a.text for a in written), "receipts are honoured"
    assert not final.get("consultation_held"), "nothing is left waiting after the close"
    _attack_transactions(attacker, written, final)
    _attack_order(attacker, written, final)
    _attack_times(attacker, written, final)
    asked = [await bot.uid(p.user_id) for p in (AWA, PRIYA, ANA, SAM)]
    everyone = {a.author.user_id: await bot.uid(a.author.user_id) for a in written}
    _attack_followers(attacker, final, asked)
    _attack_logs(attacker, written, caplog, everyone)
    assert not attacker.findings, "\n".join(attacker.findings)


def _watch_a_turn(
    attacker: Attacker,
    person: Person,
    words: str,
    before: dict[str, list[dict[str, Any]]],
    after: dict[str, list[dict[str, Any]]],
) -> None:
    """1. What a watcher learns from one anonymous turn: only that a sealed row appeared."""
    for table in after:
        old = [_content(r) for r in before[table]]
        new = [_content(r) for r in after[table] if _content(r) not in old]
        if not new:
            continue
        if table == "users":
            for row in new:
                (was,) = [r for r in old if r["id"] == row["id"]]
                changed = {k for k in row if row[k] != was[k]}
                if not changed <= {"last_seen_at", "waiting"}:
                    attacker.note(f"live: {person.name}'s turn changed users.{changed}")
            continue
        if table == "processed_events":
            # each update's claim (bot.services.processed): a digest of Telegram's update id
            # and the hour, naming nobody
            for row in new:
                if set(row) != {"platform", "event_id", "seen_at"} or len(row["event_id"]) != 64:
                    attacker.note(f"live: a processed event says more: {row}")
                if str(person.user_id) in str(row) or _has_minutes(row["seen_at"]):
                    attacker.note(f"live: a processed event names {person.name} or a time")
            continue
        if table != "consultation_held":
            attacker.note(f"live: {person.name}'s turn wrote {table}: {new}")
            continue
        for row in new:
            if set(row) != {"id", "tag", "sealed"}:
                attacker.note(f"live: a held row has columns {set(row)}")
            sealed = bytes(row["sealed"])
            needles = (words.encode(), str(person.user_id).encode(), person.name.encode())
            if any(n in sealed for n in needles):
                attacker.note(f"live: {person.name}'s held row is readable")
    sizes = {len(bytes(r["sealed"])) for r in after.get("consultation_held", [])}
    if len(sizes - {SMALL_SEALED}) > 1:
        attacker.note(f"live: held answers differ in size ({sizes}), like their words")


def _has_minutes(value: object) -> bool:
    """Whether a stored time says more than its hour (SQLite hands back text)."""
    when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return (when.minute, when.second, when.microsecond) != (0, 0, 0)


def _batches(written: list[Written]) -> dict[int, list[Written]]:
    groups: dict[int, list[Written]] = {}
    for answer in written:
        groups.setdefault(answer.batch, []).append(answer)
    return groups


def _attack_transactions(
    attacker: Attacker, written: list[Written], final: dict[str, list[dict[str, Any]]]
) -> None:
    """2 and 5: PostgreSQL's xmin, shared by a batch and by nothing that names a user."""
    if not attacker.postgres:
        return
    answers = {row["number"]: row for row in final["consultation_answers"]}
    # every row that names a user, with the transaction that wrote it
    named_writes: list[tuple[int, int]] = []
    for table, rows in final.items():
        column = "id" if table == "users" else "user_id"
        for row in rows:
            if row.get(column) is not None:
                named_writes.append((_xmin(row), int(row[column])))
    for batch, group in _batches(written).items():
        xmins = {_xmin(answers[a.number]) for a in group}
        if len(xmins) > 1:
            attacker.note(
                f"xmin: batch {batch}'s answers were written in {len(xmins)} transactions"
            )
        for xmin in xmins:
            users = {user for x, user in named_writes if x == xmin}
            if users:
                attacker.note(f"xmin: an answer's transaction also wrote rows of users {users}")
        guesses = set()
        for a in group:
            x = _xmin(answers[a.number])
            before = [(w, user) for w, user in named_writes if w < x]
            guesses.add(max(before)[1] if before else None)
        if len(guesses) > 1:
            attacker.note(
                f"adjacency: the last write before each answer of batch {batch} names "
                f"different people ({len(guesses)} of them)"
            )


def _attack_order(
    attacker: Attacker, written: list[Written], final: dict[str, list[dict[str, Any]]]
) -> None:
    """3. Physical order within a batch: that of the random numbers, nothing more."""
    rows = final["consultation_answers"]
    scan = {row["number"]: i for i, row in enumerate(rows)}
    for batch, group in _batches(written).items():
        by_number = sorted(a.number for a in group)
        by_scan = sorted(by_number, key=lambda n: scan[n])
        if by_scan != by_number:
            attacker.note(f"order: batch {batch} scans in an order of its own {by_scan}")
        if "_ctid" in rows[0] or "_rowid" in rows[0]:
            place = {row["number"]: _place(row) for row in rows}
            by_place = sorted(by_number, key=lambda n: place[n])
            if by_place != by_number:
                attacker.note(f"order: batch {batch} lies in the order written {by_place}")


def _attack_times(
    attacker: Attacker, written: list[Written], final: dict[str, list[dict[str, Any]]]
) -> None:
    """4. No time of day; one date per batch."""
    answers = {row["number"]: row for row in final["consultation_answers"]}
    for batch, group in _batches(written).items():
        days = set()
        for a in group:
            row = answers[a.number]
            if any(_is_time(v) for v in row.values()):
                attacker.note(f"time: answer {a.reference} carries a time")
            days.add(date.fromisoformat(str(row["submitted_on"])))
        if len(days) > 1:
            attacker.note(f"time: batch {batch}'s dates tell its answers apart: {days}")
        if any(d >= CLOSES.date() for d in days):
            attacker.note(f"time: batch {batch} is dated after the close: {days}")


def _is_time(value: object) -> bool:
    """A time of day, as the driver hands it back (a datetime, or SQLite's text)."""
    if isinstance(value, datetime):
        return True
    return isinstance(value, str) and TIME_RE.match(value) is not None


def _attack_followers(
    attacker: Attacker, final: dict[str, list[dict[str, Any]]], asked: list[int]
) -> None:
    """6. Who asked to hear what changed, never when (nor next to which answer)."""
    rows = final["consultation_followers"]
    users = [row["user_id"] for row in rows]
    if users != sorted(users):
        attacker.note(f"followers: scanned in an order of their own {users}")
    if rows and ("_ctid" in rows[0] or "_rowid" in rows[0]):
        by_place = [row["user_id"] for row in sorted(rows, key=_place)]
        if by_place != sorted(users):
            attacker.note(f"followers: they lie in the order they asked {by_place}")
    if attacker.postgres and len({_xmin(row) for row in rows}) > 1:
        attacker.note("followers: written in several transactions, one per request")
    if sorted(users) != sorted(asked):
        attacker.note(f"followers: not who asked: {users}")


def _attack_logs(
    attacker: Attacker,
    written: list[Written],
    caplog: pytest.LogCaptureFixture,
    internal: dict[int, int],
) -> None:
    """7. The logs name no anonymous answer and no author."""
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    lines = [formatter.format(record) for record in caplog.records]
    for answer in written:
        needles = (
            answer.text,
            answer.reference,
            str(answer.author.user_id),
            str(internal[answer.author.user_id]),
            answer.author.name,
        )
        for line in lines:
            for needle in needles:
                if needle in line:
                    attacker.note(f"logs: {needle!r} in {line[:200]!r}")
