"""Benchmark: an announcement to 3,000 cohort members through the Bot API stand-in.

    python -m benchmarks.announcements [--members 3000] [--on sqlite|postgresql|both]

A trainer's cohort of 3,000 members and a text announcement due now are written to a fresh
database. A separate bot process (the real Application, its rate limiter and the delivery
job's code) then delivers it through the stand-in, which answers 429 above 30 messages a
second (Telegram's limit, so 100 s is the floor). Printed: the total time against the floor,
the copies delivered, duplicates and missing ones, the 429 answers and their share of the
requests, and the bot process's peak memory (ru_maxrss). About two minutes per database.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any

from benchmarks.updates import database
from bot.channels.telegram.app import build_application
from bot.channels.telegram.runner import running
from bot.channels.telegram.standin import BotApiStandIn
from bot.config import load_settings
from bot.db.engine import create_engine, create_session_factory
from bot.db.migrate import upgrade
from bot.db.repositories import AnnouncementContent
from bot.db.uow import UnitOfWork
from bot.jobs.announcements import deliver_announcements

TOKEN = "123456:BENCHMARK-token-for-the-stand-in"
TELEGRAM_RATE = 30
TRAINER = 77
FIRST_MEMBER = 1_000_000


TEXT = "Workshop on Friday at 10, at the school."


async def seed(
    database_url: str,
    members: int,
    text: str,
    platform: str = "telegram",
    number: Callable[[int], str] = str,
    wrote: datetime | None = None,
) -> None:
    """A trainer on Telegram, one cohort with `members` members on `platform` (`number`
    gives each member's id there), an announcement due now. `wrote`: when each member
    last wrote (WhatsApp sends freely only within 24 hours of it)."""
    now = datetime.now(UTC)
    engine = create_engine(database_url)
    try:
        await upgrade(engine)
        async with UnitOfWork(create_session_factory(engine)) as uow:
            await uow.users.touch(TRAINER, now, role="trainer")
            await uow.accounts.add(TRAINER, "telegram", str(TRAINER), str(TRAINER), now)
            await uow.users.set_role(TRAINER, "trainer")
            await uow.users.set_language(TRAINER, "en")
            await uow.users.set_consent(TRAINER, now)
            cohort_id = await uow.cohorts.add(TRAINER, "Benchmark", "en", None, now)
            for user_id in range(FIRST_MEMBER, FIRST_MEMBER + members):
                await uow.users.touch(user_id, now, role="learner")
                external = number(user_id)
                await uow.accounts.add(user_id, platform, external, external, now)
                if wrote is not None:
                    await uow.accounts.heard_from(platform, external, wrote)
                await uow.users.set_consent(user_id, now)
                await uow.cohorts.add_member(cohort_id, user_id, f"L{user_id}", now)
            announcement_id = await uow.announcements.add_draft(
                TRAINER, AnnouncementContent("text", text), now
            )
            await uow.announcements.set_audience(announcement_id, [cohort_id], False)
            await uow.announcements.schedule(announcement_id, now)
            await uow.commit()
    finally:
        await engine.dispose()


async def deliver(database_url: str, api_url: str) -> dict[str, Any]:
    """In the bot process: run the delivery until the announcement is out."""
    settings = load_settings(
        _env_file=None,
        telegram_bot_token=TOKEN,
        telegram_api_url=api_url,
        database_url=database_url,
        reminder_interval=0,
        announcement_interval=0,
    )
    app = build_application(settings)
    async with running(app, polling=False):
        services = app.bot_data.services
        assert services is not None
        started = time.perf_counter()
        report = await deliver_announcements(services)
        elapsed = time.perf_counter() - started
    return {
        "seconds": elapsed,
        "outcomes": {str(k): v for k, v in report.outcomes.items()},
        "retried": report.retried,
        "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


async def bench(database_url: str, members: int) -> dict[str, Any]:
    standin = BotApiStandIn(TOKEN, global_rate=TELEGRAM_RATE)
    standin.add_user(TRAINER, "Trainer", language_code="en")
    for user_id in range(FIRST_MEMBER, FIRST_MEMBER + members):
        standin.add_user(user_id, f"Learner {user_id}", language_code="en")
    await standin.start()
    try:
        await seed(database_url, members, TEXT)
        figures = await bot_process("benchmarks.announcements", database_url, str(standin.url))
        copies = [
            r
            for r in standin.requests
            if r.method == "sendMessage" and r.params.get("text") == TEXT
        ]
    finally:
        await standin.stop()
    delivered = Counter(str(r.params.get("chat_id")) for r in copies if r.status == 200)
    refused = sum(1 for r in copies if r.status == 429)
    figures.update(
        floor=members / TELEGRAM_RATE,
        sent=sum(delivered.values()),
        duplicates=sum(n - 1 for n in delivered.values() if n > 1),
        missing=members - len(delivered),
        too_many_requests=refused,
        requests=len(copies),
    )
    return figures


async def main_async(args: argparse.Namespace) -> None:
    kinds = {"both": ("sqlite", "postgresql")}.get(args.on, (args.on,))
    with tempfile.TemporaryDirectory() as folder:
        for kind in kinds:
            async with database(kind, folder, "announcements") as url:
                if url is None:
                    continue
                f = await bench(url, args.members)
            name = "SQLite" if kind == "sqlite" else "PostgreSQL"
            share = f["too_many_requests"] / max(f["requests"], 1)
            print(
                f"{name:10} announcement to {args.members:,} members at {TELEGRAM_RATE}/s: "
                f"{f['seconds']:.1f} s (floor {f['floor']:.0f} s, "
                f"{f['seconds'] / f['floor']:.2f}x); delivered {f['sent']}, "
                f"duplicates {f['duplicates']}, missing {f['missing']}; "
                f"429 answers {f['too_many_requests']} of {f['requests']} requests "
                f"({share:.2%}); bot process peak memory {f['maxrss_mb']:.0f} MB; "
                f"outcomes {f['outcomes']}"
            )


async def bot_process(module: str, database_url: str, api_url: str) -> dict[str, Any]:
    """Run `python -m module --deliver-only database_url api_url` (the bot in a process of
    its own, as in production) and return the figures it prints as its last line."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        module,
        "--deliver-only",
        database_url,
        api_url,
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await process.communicate()
    figures: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])
    return figures


def run(
    parser: argparse.ArgumentParser,
    main: Callable[[argparse.Namespace], Coroutine[Any, Any, None]],
    deliver: Callable[[str, str], Coroutine[Any, Any, dict[str, Any]]],
) -> None:
    """Parse the arguments and run `main`; with --deliver-only, be the bot process."""
    parser.add_argument("--deliver-only", nargs=2, metavar=("DATABASE_URL", "API_URL"))
    args = parser.parse_args()
    if args.deliver_only:
        url, api = args.deliver_only
        print(json.dumps(asyncio.run(deliver(url, api))))
        return
    asyncio.run(main(args))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--members", type=int, default=3_000)
    parser.add_argument("--on", choices=("sqlite", "postgresql", "both"), default="both")
    run(parser, main_async, deliver)


if __name__ == "__main__":
    main()
