"""Benchmark: lesson navigation through the real Application against the Bot API stand-in.

Prints updates/s and p50/p99 latency from update to reply, for SQLite and PostgreSQL, beside
the same figures for a minimal echo bot on the same stand-in (the framework's floor, PTB's
defaults) and, for comparison, that echo bot on the aiohttp transport the learning bot uses.

    python -m benchmarks.updates [--learners 100] [--rounds 5] [--rate 50] [--seconds 10]

Two phases per bot: a saturation phase (every learner presses Next at once, round after round)
gives throughput; a paced phase at --rate updates/s gives latency at that load.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes

from bot.actions.lessons import ShowCard
from bot.actions.menu import Menu
from bot.actions.onboarding import Consent, PickLanguage
from bot.channels.telegram.app import build_application
from bot.channels.telegram.http_request import AiohttpRequest
from bot.channels.telegram.runner import running
from bot.channels.telegram.standin import BotApiStandIn
from bot.config import load_settings
from bot.content import Course, load_course

TOKEN = "123456:BENCHMARK-token-for-the-stand-in"
FIRST_USER = 10_000


@dataclass
class Figures:
    name: str
    throughput: float
    p50_ms: float
    p99_ms: float
    paced_rate: float
    cpu_ms: float  # CPU time of the whole process (bot and stand-in) per update, saturated


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


class Driver:
    """Injects presses and times each until the bot's editMessageText in the same chat.

    Each learner has at most one press in flight, so the first edit in their chat after the
    press is its reply. Times are the stand-in's arrival times (time.monotonic()).
    """

    def __init__(self, standin: BotApiStandIn, users: list[int]) -> None:
        self.standin = standin
        self.users = users
        self.message_of: dict[int, int] = {}

    async def press(self, user: int, data: str) -> float:
        mark = len(self.standin.requests)
        start = time.monotonic()
        await self.standin.press(user, self.message_of[user], data)
        reply = await self.standin.wait_for_request(
            lambda r: r.method == "editMessageText" and r.params.get("chat_id") == user,
            timeout=60,
            since=mark,
        )
        return (reply.time - start) * 1000


async def _measure(
    driver: Driver, next_data: Callable[[int, int], str], rounds: int, rate: float, seconds: float
) -> tuple[float, float, float, float, float]:
    users = driver.users
    # saturation: all learners press at once, round after round
    started, cpu = time.perf_counter(), time.process_time()
    for r in range(rounds):
        await asyncio.gather(*(driver.press(u, next_data(u, r)) for u in users))
    throughput = rounds * len(users) / (time.perf_counter() - started)
    cpu_ms = (time.process_time() - cpu) * 1000 / (rounds * len(users))
    # paced: a steady stream at `rate` updates/s, cycling through the learners
    latencies: list[float] = []
    tasks = []
    total = int(rate * seconds)
    t0 = time.perf_counter()
    for i in range(total):
        user = users[i % len(users)]
        delay = t0 + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(driver.press(user, next_data(user, rounds + i))))
    latencies = list(await asyncio.gather(*tasks))
    paced = total / (time.perf_counter() - t0)
    return throughput, _percentile(latencies, 0.5), _percentile(latencies, 0.99), paced, cpu_ms


@asynccontextmanager
async def _standin(learners: int) -> AsyncIterator[tuple[BotApiStandIn, list[int]]]:
    standin = BotApiStandIn(TOKEN, global_rate=10_000)
    users = list(range(FIRST_USER, FIRST_USER + learners))
    for user in users:
        standin.add_user(user, f"Learner {user}", language_code="en")
    await standin.start()
    try:
        yield standin, users
    finally:
        await standin.stop()


async def bench_learning_bot(
    database_url: str, course: Course, learners: int, rounds: int, rate: float, seconds: float
) -> Figures:
    async with _standin(learners) as (standin, users):
        settings = load_settings(
            _env_file=None,
            telegram_bot_token=TOKEN,
            telegram_api_url=standin.url,
            database_url=database_url,
        )
        app = build_application(settings, course=course)
        async with running(app, polling=True):
            driver = Driver(standin, users)
            cards = course.modules_in("en")[0].card_ids
            for user in users:  # onboarding is not measured
                await standin.send_text(user, "/start")
            await _quiet(standin)
            for user in users:
                await standin.press(user, _last_id(standin, user), PickLanguage("en").pack())
            await _quiet(standin)
            for user in users:
                await standin.press(user, _last_id(standin, user), Consent().pack())
            await _quiet(standin)
            for user in users:
                await standin.press(user, _last_id(standin, user), Menu("continue").pack())
            await _quiet(standin)
            for user in users:
                driver.message_of[user] = _last_id(standin, user)
                _check_on_a_card(standin, user)

            def next_data(_user: int, step: int) -> str:
                return ShowCard(cards[(step + 1) % len(cards)]).pack()

            figures = await _measure(driver, next_data, rounds, rate, seconds)
    name = "learning bot, " + ("SQLite" if database_url.startswith("sqlite") else "PostgreSQL")
    return Figures(name, *figures)


async def bench_echo_bot(
    learners: int, rounds: int, rate: float, seconds: float, *, aiohttp: bool = False
) -> Figures:
    """PTB's defaults (httpx); with `aiohttp`, the transport the learning bot uses, to show
    how much of the gap to the floor is the transport."""

    async def echo(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer()
        await query.edit_message_text(f"echo {query.data}")

    async with _standin(learners) as (standin, users):
        builder = (
            Application.builder()
            .token(TOKEN)
            .base_url(f"{standin.url}/bot")
            .base_file_url(f"{standin.url}/file/bot")
        )
        if aiohttp:
            builder = builder.request(AiohttpRequest()).get_updates_request(
                AiohttpRequest(connection_pool_size=1)
            )
        app = builder.build()
        app.add_handler(CallbackQueryHandler(echo))
        async with app:
            assert app.updater is not None
            await app.updater.start_polling(allowed_updates=Update.ALL_TYPES, timeout=10)
            await app.start()
            try:
                driver = Driver(standin, users)
                bot = app.bot
                for user in users:
                    message = await bot.send_message(user, "start")
                    driver.message_of[user] = message.message_id
                figures = await _measure(
                    driver, lambda u, step: f"n:{step}", rounds, rate, seconds
                )
            finally:
                await app.updater.stop()
                await app.stop()
    return Figures("echo bot, aiohttp" if aiohttp else "echo bot (floor)", *figures)


def _last_id(standin: BotApiStandIn, user: int) -> int:
    message = standin.last_message(user)
    assert message is not None, f"the bot has not written to {user}"
    return int(message["message_id"])


def _check_on_a_card(standin: BotApiStandIn, user: int) -> None:
    """Onboarding must have ended on a lesson card, or the figures measure another path
    (a renamed button once sent every press to the language picker)."""
    message = standin.last_message(user)
    rows = (message or {}).get("reply_markup", {}).get("inline_keyboard", [])
    data = [button.get("callback_data", "") for row in rows for button in row]
    assert any(ShowCard.unpack(d) for d in data), f"learner {user} is not on a card: {data}"


async def _quiet(standin: BotApiStandIn, pause: float = 0.3) -> None:
    count = -1
    while count != len(standin.requests):
        count = len(standin.requests)
        await asyncio.sleep(pause)


async def _postgres_url() -> tuple[str, str] | None:
    import asyncpg

    name = f"asi_bench_{uuid.uuid4().hex[:8]}"
    try:
        conn = await asyncpg.connect("postgresql://127.0.0.1:5432/test", timeout=5)
    except (OSError, asyncpg.PostgresError, TimeoutError):
        return None
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return f"postgresql+asyncpg://127.0.0.1:5432/{name}", name


async def _drop(name: str) -> None:
    import asyncpg

    conn = await asyncpg.connect("postgresql://127.0.0.1:5432/test", timeout=5)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@asynccontextmanager
async def database(kind: str, folder: str, name: str) -> AsyncIterator[str | None]:
    """A fresh database to run on: an SQLite file `name` in `folder`, or (kind
    "postgresql") a throwaway PostgreSQL database dropped afterwards, None (said on the
    output) when no server answers."""
    if kind == "sqlite":
        yield f"sqlite+aiosqlite:///{folder}/{name}.db"
        return
    created = await _postgres_url()
    if created is None:
        print("PostgreSQL at 127.0.0.1:5432 does not answer: skipped")
        yield None
        return
    url, pg_name = created
    try:
        yield url
    finally:
        await _drop(pg_name)


def _print(rows: list[Figures], floor: Figures) -> None:
    print(
        f"{'bot':28} {'updates/s':>10} {'ratio':>6} {'cpu ms':>7} "
        f"{'paced/s':>8} {'p50 ms':>8} {'p99 ms':>8}"
    )
    for row in [floor, *rows]:
        ratio = row.throughput / floor.throughput if floor.throughput else float("nan")
        print(
            f"{row.name:28} {row.throughput:10.1f} {ratio:6.2f} {row.cpu_ms:7.2f} "
            f"{row.paced_rate:8.1f} "
            f"{row.p50_ms:8.1f} {row.p99_ms:8.1f}"
        )


CONTENT = Path(__file__).resolve().parent.parent / "content"


async def main_async(args: argparse.Namespace) -> None:
    course = load_course(CONTENT)
    floor = await bench_echo_bot(args.learners, args.rounds, args.rate, args.seconds)
    rows = [
        await bench_echo_bot(args.learners, args.rounds, args.rate, args.seconds, aiohttp=True)
    ]
    with tempfile.TemporaryDirectory() as folder:
        for kind in ("sqlite", "postgresql"):
            async with database(kind, folder, "bench") as url:
                if url is not None:
                    rows.append(
                        await bench_learning_bot(
                            url, course, args.learners, args.rounds, args.rate, args.seconds
                        )
                    )
    print(
        f"{args.learners} learners, {args.rounds} saturation rounds, "
        f"paced at {args.rate:g} updates/s for {args.seconds:g} s"
    )
    _print(rows, floor)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
