"""Anonymous answers wait, sealed, and are written in batches, so that neither the order of
rows nor the transaction that wrote them points to a person.

Why. Where a row lies tells when it was written: SQLite's rowid, PostgreSQL's `ctid` (its
physical place) and `xmin` (the transaction that wrote it, which any SELECT can read). An
anonymous answer written while its author uses the bot would lie right beside that
person's other writes (their last-seen time, their "tell me what changed" row), so anyone
who can read the tables could tell whose it is, however carefully its columns were chosen.
Hence:

- Taking an anonymous answer writes one row to `consultation_held`, sealed (bot.sealing):
  a random id, a keyed tag, and an encrypted payload of fixed size. The reference number on
  the receipt is drawn then and sealed with it. The row is committed before the receipt is
  shown, so a crash or a restart loses nothing. Nothing else is written for it: not the
  event log, not a counter (the hourly limit is in memory, bot.services.answer_limit).
- The dispatcher (bot.jobs.consultations) writes the held answers in one transaction that
  writes nothing else, once they come from at least `BatchPolicy.min_authors` people (then
  at a random later run, `BatchPolicy.chance` per run, so the moment depends on no one
  answer), or as soon as a consultation has closed. A batch is inserted in the order of its
  random reference numbers and every row gets one date (the batch's last day, never after
  the consultation's last day): one `xmin` for all, and positions and dates that tell
  nothing about who wrote which.
- "Tell me what changed" rows name a person, so they are held too and written only after
  the close, a consultation's all at once in user order: who followed, never when.

The trade-off: an answer may wait for others, at most until the close. The admin screen
says how many wait; counts and exports hold what is written. A batch hides its answers
only among its own authors: when fewer than `min_authors` people answered before the close,
the close writes what there is, and a batch of one person's answers hides nothing. Someone
who watches the database while answers wait sees when a sealed row was added (so who was
using the bot then), never what it holds, unless they also have the bot's token.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from bot.db.repositories import ConsultationRecord, HeldRow
from bot.db.uow import UnitOfWork
from bot.sealing import SMALL_SIZE

log = logging.getLogger(__name__)

ANSWER = "answer"
FOLLOW = "follow"
# Rows per INSERT statement of a batch (SQLite allows at most 32,766 bound parameters).
INSERT_CHUNK = 500
# The answer columns a held payload carries (user id and name: never, it is anonymous).
ANSWER_FIELDS = (
    "consultation_id",
    "number",
    "section",
    "stance",
    "kind",
    "text",
    "channel",
    "file_platform",
    "file_kept",
    "file_id",
    "file_size",
    "mime_type",
    "file_name",
    "language",
)


@dataclass(frozen=True, slots=True)
class BatchPolicy:
    """When held answers are written.

    `min_authors`: different people a batch must hide among (3: with two, each author
    knows the other's answer). `chance`: once that many wait, the probability that a
    dispatcher run writes them (0.1 at one run a minute: about ten minutes, at a moment
    no single answer decides).
    """

    min_authors: int = 3
    chance: float = 0.1


@dataclass
class BatchReport:
    """What one run wrote (counts only: the log must not say more)."""

    answers: int = 0
    follows: int = 0
    unreadable: int = 0  # sealed with another key (the token changed); kept, not lost
    renumbered: int = 0  # a number taken meanwhile by a named answer: a new one was drawn

    def __bool__(self) -> bool:
        return bool(self.answers or self.follows or self.unreadable or self.renumbered)


def answer_tag(uow: UnitOfWork, consultation_id: int, number: int) -> str:
    return uow.held.sealer.tag(ANSWER, consultation_id, number)


def _follow_tag(uow: UnitOfWork, consultation_id: int, user_id: int) -> str:
    return uow.held.sealer.tag(FOLLOW, consultation_id, user_id)


async def is_held(uow: UnitOfWork, consultation_id: int, number: int) -> bool:
    """Whether a held answer has this reference number (so no other answer takes it)."""
    return bool(await uow.held.has_tags([answer_tag(uow, consultation_id, number)]))


async def hold_answer(
    uow: UnitOfWork,
    values: dict[str, Any],
    user_id: int,
    day: date,
    held_file: str | None = None,
) -> bool:
    """Hold an anonymous answer, sealed; False when its number is taken (draw another).

    `user_id` is sealed only as a keyed pseudonym, to count a batch's different authors.
    `held_file` is the random id of its file held apart (AnswerFileRepository.hold), which
    only this sealed payload names.
    The check against written answers comes after the insert: a batch committed meanwhile
    is then seen, and one still writing makes the insert wait for it (the unique tag).
    """
    consultation_id, number = values["consultation_id"], values["number"]
    tag = answer_tag(uow, consultation_id, number)
    payload = {name: values[name] for name in ANSWER_FIELDS}
    payload |= {
        "type": ANSWER,
        "day": day.isoformat(),
        "author": uow.held.sealer.tag("author", user_id),
        "held_file": held_file,
    }
    if not await uow.held.add(tag, payload):
        return False
    if number in await uow.consultations.numbers(consultation_id):
        await uow.held.remove_tags([tag])
        return False
    return True


async def hold_follow(uow: UnitOfWork, consultation_id: int, user_id: int) -> None:
    """Hold a "tell me what changed" request until the close (once per person)."""
    if await uow.consultations.is_following(consultation_id, user_id):
        return
    payload = {"type": FOLLOW, "consultation_id": consultation_id, "user_id": user_id}
    await uow.held.add(_follow_tag(uow, consultation_id, user_id), payload, SMALL_SIZE)


async def held_follows_of(uow: UnitOfWork, user_id: int, consultation_ids: Iterable[int]) -> int:
    """How many consultations this person asked to follow, not yet written (/privacy)."""
    tags = [_follow_tag(uow, cid, user_id) for cid in consultation_ids]
    return len(await uow.held.has_tags(tags))


async def forget_follows_of(
    uow: UnitOfWork, user_id: int, consultation_ids: Iterable[int]
) -> None:
    """/deleteme: drop this person's held follow requests (their held anonymous answers,
    like written ones, are nobody's and stay)."""
    await uow.held.remove_tags([_follow_tag(uow, cid, user_id) for cid in consultation_ids])


async def held_followers(uow: UnitOfWork, consultation_id: int) -> set[int]:
    """People waiting to be written as followers of a consultation."""
    return {
        int(p["user_id"])
        for p in _payloads(await uow.held.all(), FOLLOW)
        if p["consultation_id"] == consultation_id
    }


async def waiting(uow: UnitOfWork, consultation_id: int) -> int:
    """Anonymous answers to a consultation that wait for their batch (the admin screen)."""
    return sum(
        1
        for p in _payloads(await uow.held.all(), ANSWER)
        if p["consultation_id"] == consultation_id
    )


def _payloads(rows: list[HeldRow], kind: str) -> list[dict[str, Any]]:
    return [r.payload for r in rows if r.payload is not None and r.payload.get("type") == kind]


# --- writing the batches ----------------------------------------------------------------


async def write_batches(
    uow: UnitOfWork,
    now: datetime,
    policy: BatchPolicy,
    rng: random.Random | None = None,
) -> BatchReport:
    """Write the held answers if their batch is due, and the follow requests of closed
    consultations; each in its own transaction, which writes nothing else."""
    rng = rng or random.SystemRandom()
    report = BatchReport()
    held = await uow.held.all()
    report.unreadable = sum(1 for row in held if row.payload is None)
    if report.unreadable:
        log.warning(
            "%d held consultation rows cannot be opened with this token; they are kept",
            report.unreadable,
        )
    consultations = {c.id: c for c in await uow.consultations.all()}
    closed = {cid for cid, c in consultations.items() if now >= c.closes_at}
    answers = [r for r in held if r.payload is not None and r.payload.get("type") == ANSWER]
    for group in _by_channel(answers):
        if _due(group, closed, policy, rng):
            await _write_answers(uow, group, consultations, report)
            await uow.commit()
    follows = [
        r
        for r in held
        if r.payload is not None
        and r.payload.get("type") == FOLLOW
        and r.payload["consultation_id"] in closed
    ]
    if follows:
        await _write_follows(uow, follows, report)
        await uow.commit()
    return report


def _by_channel(answers: list[HeldRow]) -> list[list[HeldRow]]:
    """Held answers per channel they came by. The written row names its channel, so a
    batch hides an answer only among the authors who used the same one: each channel's
    answers wait for their own `min_authors` people and go in a batch of their own."""
    groups: dict[str, list[HeldRow]] = {}
    for row in answers:
        assert row.payload is not None
        groups.setdefault(str(row.payload.get("channel") or "telegram"), []).append(row)
    return [groups[channel] for channel in sorted(groups)]


def _due(
    answers: list[HeldRow], closed: set[int], policy: BatchPolicy, rng: random.Random
) -> bool:
    payloads = [r.payload for r in answers if r.payload is not None]
    if any(p["consultation_id"] in closed for p in payloads):
        return True  # nobody else can answer now: waiting longer hides nothing more
    authors = {p["author"] for p in payloads}
    return len(authors) >= policy.min_authors and rng.random() < policy.chance


async def _write_answers(
    uow: UnitOfWork,
    answers: list[HeldRow],
    consultations: dict[int, ConsultationRecord],
    report: BatchReport,
) -> None:
    """One batch: claim the held rows, then insert them in the order of their numbers."""
    mine = await uow.held.remove(r.id for r in answers)
    batch = [r.payload for r in answers if r.id in mine and r.payload is not None]
    if not batch:
        return
    day = max(date.fromisoformat(p["day"]) for p in batch)
    taken: dict[int, set[int]] = {}
    files: dict[tuple[int, int], str] = {}  # (consultation, number): held file id
    rows = []
    for payload in sorted(batch, key=lambda p: (p["consultation_id"], p["number"])):
        cid = payload["consultation_id"]
        if cid not in taken:
            taken[cid] = await uow.consultations.numbers(cid)
        # payloads held before files named their channel were all Telegram's
        row = {name: payload[name] for name in ANSWER_FIELDS if name in payload}
        row.setdefault("file_platform", "telegram" if payload.get("file_id") else None)
        row.setdefault("channel", row["file_platform"] or "telegram")
        held_file = payload.get("held_file")
        row["file_kept"] = held_file is not None
        if row["number"] in taken[cid]:
            # A named answer took it in the instant between the two checks: the receipt's
            # reference cannot be kept, the answer is.
            row["number"] = draw_number(taken[cid], len(str(row["number"])))
            report.renumbered += 1
        taken[cid].add(row["number"])
        if held_file is not None:
            files[(cid, row["number"])] = held_file
        last_day = (consultations[cid].closes_at - timedelta(microseconds=1)).date()
        row |= {"submitted_on": min(day, last_day), "user_id": None, "author_name": None}
        rows.append(row)
    rows.sort(key=lambda r: (r["consultation_id"], r["number"]))
    for start in range(0, len(rows), INSERT_CHUNK):
        await uow.consultations.add_answers(rows[start : start + INSERT_CHUNK])
    # The files follow in the answers' order, one at a time (each may be megabytes).
    for (cid, number), held_file in sorted(files.items()):
        await uow.answer_files.move_held(held_file, cid, number)
    report.answers += len(rows)


def draw_number(taken: set[int], digits: int) -> int:
    """A random reference number not in `taken`, of at least `digits` digits (one more
    whenever half of them are taken). Random, because a sequence would say in which order
    answers came."""
    rng = random.SystemRandom()
    while True:
        low, high = 10 ** (digits - 1), 10**digits - 1
        if len(taken) > (high - low) // 2:
            digits += 1
            continue
        number = rng.randint(low, high)
        if number not in taken:
            return number


async def _write_follows(uow: UnitOfWork, follows: list[HeldRow], report: BatchReport) -> None:
    mine = await uow.held.remove(r.id for r in follows)
    pairs = {
        (int(r.payload["consultation_id"]), int(r.payload["user_id"]))
        for r in follows
        if r.id in mine and r.payload is not None
    }
    ordered = sorted(pairs)
    for start in range(0, len(ordered), INSERT_CHUNK):
        chunk = ordered[start : start + INSERT_CHUNK]
        report.follows += await uow.consultations.add_followers(chunk)
