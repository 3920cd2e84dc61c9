"""Benchmark: reminders for 100,000 learners (claiming, memory), 3,000 delivered at 30/s.

    python -m benchmarks.reminders [--users 100000] [--deliver 3000] [--deliver-on both]

Part 1, on SQLite and PostgreSQL: 100,000 learners with reminders on, scheduled as the bot
schedules them (four languages and their time zones, preset and exact hours, chosen days,
last activity within ten days). Reminders due before the busiest minute count as handled;
a fresh process then claims that minute's reminders in batches, as the dispatcher does, and
decides them (reads each learner and where they stopped). Its peak memory (ru_maxrss) is a
dispatching bot's: the seeding's memory stays in this process.

Part 2: 3,000 reminders due at once, delivered by the real Application through the Bot API
stand-in, which refuses more than 30 messages a second with 429 (Telegram's limit, so 100 s
is the floor). Prints the total time, the 429 answers, duplicates and missing messages.
Takes about two minutes per database delivered on.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert

from benchmarks.updates import _drop, _postgres_url
from bot.channels.telegram.app import build_application
from bot.channels.telegram.runner import running
from bot.channels.telegram.standin import BotApiStandIn
from bot.config import load_settings
from bot.content import Course, load_course
from bot.db.engine import create_engine, create_session_factory
from bot.db.migrate import upgrade
from bot.db.models import Account, Reminder, User
from bot.i18n import I18n
from bot.jobs.reminders import send_due_reminders
from bot.services import reminders
from bot.services.container import Services
from bot.services.schedule import (
    EVENING,
    EVERY_DAY,
    HOURS,
    MIDDAY,
    MORNING,
    WEEKDAYS,
    ReminderTime,
    days_to_mask,
    first_due,
)

TOKEN = "123456:BENCHMARK-token-for-the-stand-in"
CONTENT = Path(__file__).resolve().parent.parent / "content"
BASE = datetime(2026, 3, 23, 6, tzinfo=UTC)
FIRST_USER = 1_000_000
CHUNK = 5_000
ZONES = MappingProxyType(
    {
        "fr": ("Africa/Conakry",),
        "hi": ("Asia/Kolkata",),
        "pt": ("America/Sao_Paulo", "America/Belem"),
        "en": ("Australia/Brisbane", "Australia/Sydney"),
    }
)
TELEGRAM_RATE = 30  # messages per second, Telegram's broadcast limit
# All 3,000 are due at once, at a time outside the quiet hours in the first zone of each
# language (10:00 UTC is 07:00 in Sao Paulo and 20:00 in Brisbane); the few minutes the
# delivery takes stay well inside the grace window.
DELIVERY_DUE = datetime(2026, 3, 23, 10, tzinfo=UTC)


@dataclass(frozen=True)
class Learner:
    user_id: int
    language: str
    zone: str
    when: ReminderTime
    last_seen_at: datetime
    due: datetime


def _choice(rng: random.Random) -> ReminderTime:
    roll = rng.random()
    hour = (
        EVENING
        if roll < 0.6
        else MORNING
        if roll < 0.8
        else MIDDAY
        if roll < 0.9
        else rng.choice(HOURS)
    )
    roll = rng.random()
    if roll < 0.6:
        days = EVERY_DAY
    elif roll < 0.85:
        days = WEEKDAYS
    else:
        days = frozenset(rng.sample(range(7), rng.randint(1, 6)))
    return ReminderTime(days, hour)


def make_learners(count: int, seed: int = 6) -> list[Learner]:
    """Learners scheduled from `BASE` as the bot would schedule them."""
    rng = random.Random(seed)
    learners = []
    for number in range(count):
        language = rng.choice(tuple(ZONES))
        zone = rng.choice(ZONES[language])
        when = _choice(rng)
        last_seen = BASE - timedelta(seconds=rng.uniform(0, 10 * 86_400))
        due = first_due(BASE, last_seen, when, ZoneInfo(zone))
        learners.append(Learner(FIRST_USER + number, language, zone, when, last_seen, due))
    return learners


def busiest_minute(learners: Sequence[Learner]) -> tuple[datetime, int]:
    minutes = Counter(learner.due.replace(second=0, microsecond=0) for learner in learners)
    minute, count = minutes.most_common(1)[0]
    return minute, count


async def seed(database_url: str, learners: Sequence[Learner], handled_before: datetime) -> None:
    """Insert the learners and their reminders; those due before `handled_before` were sent
    a week ago, so they are due a week later."""
    engine = create_engine(database_url)
    try:
        await upgrade(engine)
        for start in range(0, len(learners), CHUNK):
            part = learners[start : start + CHUNK]
            async with engine.begin() as connection:
                await connection.execute(
                    insert(User),
                    [
                        {
                            "id": learner.user_id,
                            "language": learner.language,
                            "time_zone": learner.zone,
                            "role": "learner",
                            "consent_at": learner.last_seen_at,
                            "first_seen_at": learner.last_seen_at,
                            "last_seen_at": learner.last_seen_at,
                            "blocked": False,
                        }
                        for learner in part
                    ],
                )
                await connection.execute(
                    insert(Account),
                    [
                        {
                            "user_id": learner.user_id,
                            "platform": "telegram",
                            "external_id": str(learner.user_id),
                            "address": str(learner.user_id),
                            "created_at": learner.last_seen_at,
                        }
                        for learner in part
                    ],
                )
                await connection.execute(
                    insert(Reminder),
                    [
                        {
                            "user_id": learner.user_id,
                            "enabled": True,
                            "days": days_to_mask(learner.when.days),
                            "hour": learner.when.hour,
                            "next_due_at": learner.due
                            + (timedelta(days=7) if learner.due < handled_before else timedelta()),
                        }
                        for learner in part
                    ],
                )
    finally:
        await engine.dispose()


# --- part 1: claiming, in a fresh process -----------------------------------------------


async def claim_minute(database_url: str, minute: datetime) -> dict[str, Any]:
    """Claim and decide one minute's reminders as a dispatcher would; return the figures."""
    engine = create_engine(database_url)
    course = load_course(CONTENT)
    services = Services(
        settings=load_settings(_env_file=None, database_url=database_url),
        course=course,
        i18n=I18n(),
        engine=engine,
        session_factory=create_session_factory(engine),
        clock=lambda: minute + timedelta(seconds=59),
    )
    try:
        for _ in range(2):  # the second is timed: the first opens the connection
            started = time.perf_counter()
            async with services.uow() as uow:
                idle = await reminders.claim_due(uow, minute - timedelta(seconds=1))
            idle_ms = (time.perf_counter() - started) * 1000
            assert idle == [], "nothing is due before the busiest minute"
        now = services.clock()
        claimed: list[int] = []
        claims: list[float] = []
        decide_s = 0.0
        while True:
            started = time.perf_counter()
            async with services.uow() as uow:
                batch = await reminders.claim_due(uow, now)
            claims.append(time.perf_counter() - started)
            if not batch:
                break
            claimed += batch
            started = time.perf_counter()
            async with services.uow() as uow:
                await reminders.prepare(uow, course, batch, now)
            decide_s += time.perf_counter() - started
        return {
            "claimed": len(claimed),
            "distinct": len(set(claimed)),
            "claims": len(claims),
            "claim_ms": sum(claims) * 1000,
            "claim_batch_ms": sorted(claims)[len(claims) // 2] * 1000,
            "idle_ms": idle_ms,
            "decide_ms": decide_s * 1000,
            "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }
    finally:
        await engine.dispose()


async def bench_claims(database_url: str, users: int) -> dict[str, Any]:
    started = time.perf_counter()
    learners = make_learners(users)
    minute, count = busiest_minute(learners)
    await seed(database_url, learners, minute)
    seeded_s = time.perf_counter() - started
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "benchmarks.reminders",
        "--claim-only",
        database_url,
        minute.isoformat(),
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await process.communicate()
    figures: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])
    figures.update(minute=minute.isoformat(), expected=count, seed_s=seeded_s)
    return figures


# --- part 2: delivery through the stand-in ------------------------------------------------


class MovingClock:
    """BASE plus the real time elapsed, so leases and retries behave as in production."""

    def __init__(self, start: datetime) -> None:
        self._start = start
        self._t0 = time.monotonic()

    def __call__(self) -> datetime:
        return self._start + timedelta(seconds=time.monotonic() - self._t0)


async def bench_delivery(database_url: str, count: int, course: Course) -> dict[str, Any]:
    rng = random.Random(30)
    learners = [
        Learner(
            FIRST_USER + number,
            language := rng.choice(tuple(ZONES)),
            ZONES[language][0],
            ReminderTime(EVERY_DAY, MORNING),
            DELIVERY_DUE - timedelta(days=4),
            DELIVERY_DUE,
        )
        for number in range(count)
    ]
    await seed(database_url, learners, DELIVERY_DUE)
    standin = BotApiStandIn(TOKEN, global_rate=TELEGRAM_RATE)
    for learner in learners:
        standin.add_user(learner.user_id, f"Learner {learner.user_id}", language_code="en")
    await standin.start()
    try:
        settings = load_settings(
            _env_file=None,
            telegram_bot_token=TOKEN,
            telegram_api_url=standin.url,
            database_url=database_url,
            reminder_interval=0,
        )
        clock = MovingClock(DELIVERY_DUE + timedelta(seconds=30))
        app = build_application(settings, course=course, clock=clock)
        async with running(app, polling=False):
            services = app.bot_data.services
            assert services is not None
            mark = len(standin.requests)
            started = time.perf_counter()
            report = await send_due_reminders(services)
            elapsed = time.perf_counter() - started
        sends = [r for r in standin.requests[mark:] if r.method == "sendMessage"]
    finally:
        await standin.stop()
    delivered = Counter(r.params.get("chat_id") for r in sends if r.status == 200)
    refused = [r.time - sends[0].time for r in sends if r.status == 429]
    return {
        "refused_between": (min(refused), max(refused)) if refused else None,
        "seconds": elapsed,
        "floor": count / TELEGRAM_RATE,
        "sent": sum(delivered.values()),
        "too_many_requests": sum(1 for r in sends if r.status == 429),
        "duplicates": sum(n - 1 for n in delivered.values() if n > 1),
        "missing": count - len(delivered),
        "outcomes": {str(k): v for k, v in report.outcomes.items()},
    }


# --- running ----------------------------------------------------------------------------


def _when(between: tuple[float, float] | None) -> str:
    return f" (from {between[0]:.0f} s to {between[1]:.0f} s)" if between else ""


def _name(url: str) -> str:
    return "SQLite" if url.startswith("sqlite") else "PostgreSQL"


async def _with_database(kind: str, folder: str, tag: str) -> tuple[str, str | None] | None:
    if kind == "sqlite":
        return f"sqlite+aiosqlite:///{folder}/{tag}.db", None
    created = await _postgres_url()
    if created is None:
        print("PostgreSQL at 127.0.0.1:5432 does not answer: skipped")
        return None
    return created


async def main_async(args: argparse.Namespace) -> None:
    course = load_course(CONTENT)
    deliver_on = {"both": ("sqlite", "postgresql")}.get(args.deliver_on, (args.deliver_on,))
    with tempfile.TemporaryDirectory() as folder:
        for kind in ("sqlite", "postgresql"):
            database = await _with_database(kind, folder, "claims")
            if database is None:
                continue
            url, pg_name = database
            try:
                c = await bench_claims(url, args.users)
            finally:
                if pg_name:
                    await _drop(pg_name)
            print(
                f"{_name(url):10} {args.users:,} learners with reminders (seeded in "
                f"{c['seed_s']:.0f} s); busiest minute {c['minute']}: {c['expected']} due\n"
                f"           claimed {c['claimed']} ({c['distinct']} distinct) in "
                f"{c['claims']} claims: {c['claim_ms']:.0f} ms in all, "
                f"{c['claim_batch_ms']:.1f} ms per claim of {reminders.BATCH} (median); "
                f"claim with nothing due {c['idle_ms']:.1f} ms; deciding them "
                f"{c['decide_ms']:.0f} ms; dispatcher process peak memory "
                f"{c['maxrss_mb']:.0f} MB"
            )
        for kind in deliver_on:
            database = await _with_database(kind, folder, "deliver")
            if database is None:
                continue
            url, pg_name = database
            try:
                d = await bench_delivery(url, args.deliver, course)
            finally:
                if pg_name:
                    await _drop(pg_name)
            print(
                f"{_name(url):10} {args.deliver:,} due reminders through the stand-in at "
                f"{TELEGRAM_RATE}/s: {d['seconds']:.1f} s (floor {d['floor']:.0f} s, "
                f"{d['seconds'] / d['floor']:.2f}x); delivered {d['sent']}, "
                f"429 answers {d['too_many_requests']}{_when(d['refused_between'])}, "
                f"duplicates {d['duplicates']}, "
                f"missing {d['missing']}; outcomes {d['outcomes']}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--deliver", type=int, default=3_000)
    parser.add_argument("--deliver-on", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--claim-only", nargs=2, metavar=("DATABASE_URL", "MINUTE"))
    args = parser.parse_args()
    if args.claim_only:
        url, minute = args.claim_only
        figures = asyncio.run(claim_minute(url, datetime.fromisoformat(minute)))
        print(json.dumps(figures))
        return
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
