"""Benchmark: the WhatsApp webhook and announcements against the Cloud API stand-in.

    python -m benchmarks.whatsapp [--learners 100] [--rounds 5] [--rate 80] [--seconds 10]
                                  [--members 3000] [--on sqlite|postgresql|both]

Webhook to reply: simulated learners press Next on a lesson card; each press reaches the bot
as a signed webhook from the stand-in, and its time runs until the stand-in receives the
bot's interactive message (the card with its choices) for that learner. A saturation phase
(every learner presses at once, round after round) gives throughput; a paced phase at
--rate updates/s gives p50/p99. The floor is a minimal aiohttp echo webhook on the same
stand-in (it checks the signature, answers 200 and sends one interactive message back).
The stand-in's throughput limit is raised for this part (Meta raises a number to 1,000/s
on its own), and it delivers up to 16 webhooks at once (each person's in order), so what is
measured is the bot, not the 80/s default or one delivery at a time.

Announcement: a cohort of --members WhatsApp members (each wrote within the 24-hour window)
and a text announcement due now are written to a fresh database; a separate bot process (the
core, the WhatsApp channel and the delivery job's code) delivers it through the stand-in,
which answers 130429 above the number's throughput (80/s, so the floor is members / 80 s).
Printed: the time against the floor, delivered, duplicates, missing, the 130429 answers,
and the most copies the stand-in accepted in any one second.

The bot does not send at the full rate: the channel's pace (bot.channels.whatsapp.pacing)
keeps 95% of it and counts each wake's lateness into the next gap, so that arrivals, less
even than sends, stay under Meta's count. So a second floor is measured too, the "sender"
line: a process of its own with no database and no job, sending the same copies through
a fresh stand-in with the same pace, one waiting for it at a time, as many in flight as the
job. The bot's time against the sender's is what the bot adds to the pace; the time against
members / rate is what the pace and the bot cost together.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import hmac
import json
import resource
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from benchmarks.announcements import FIRST_MEMBER, TEXT, bot_process, run, seed
from benchmarks.updates import Figures, _percentile, _print, database
from bot.actions.lessons import ShowCard
from bot.actions.menu import Menu
from bot.channels.whatsapp.bot import WhatsAppBot
from bot.channels.whatsapp.channel import PLATFORM
from bot.channels.whatsapp.pacing import LocalPace
from bot.channels.whatsapp.standin import CloudApiStandIn, RecordedRequest
from bot.config import Settings, load_settings
from bot.content import Course, load_course
from bot.jobs.announcements import SENDING_AT_ONCE, deliver_announcements
from bot.runtime import close_services, open_services
from handlers import build_router

CONTENT = Path(__file__).resolve().parent.parent / "content"
FIRST_NUMBER = 61_400_000_000  # Australia: the bot's first guess is English
UNLIMITED = 100_000  # messages/s: the stand-in's throughput check out of the way
WEBHOOKS_AT_ONCE = 16  # the stand-in's deliveries in flight (one person's still in order)
THROUGHPUT_CODE = 130429

JsonDict = dict[str, Any]
# Which choice a learner presses on the bot's newest message (None: nothing to press).
Pick = Callable[[str, JsonDict], str | None]


def _settings(standin: CloudApiStandIn, database_url: str, **extra: Any) -> Settings:
    return load_settings(
        _env_file=None,
        database_url=database_url,
        **standin.bot_settings(),
        reminder_interval=0,
        consultation_interval=0,
        announcement_interval=0,
        **extra,
    )


def _choices(message: JsonDict) -> list[str]:
    action = message.get("interactive", {}).get("action", {})
    ids = [button["reply"]["id"] for button in action.get("buttons", [])]
    for section in action.get("sections", []):
        ids += [row["id"] for row in section["rows"]]
    return ids


def _is_screen(request: RecordedRequest) -> str | None:
    """The learner an accepted interactive message went to (it carries the choices), if
    the request is one."""
    body = request.body
    if (
        request.endpoint == "messages"
        and request.status == 200
        and isinstance(body, dict)
        and body.get("type") == "interactive"
    ):
        return str(body.get("to"))
    return None


def _reply_to(wa_id: str) -> Callable[[RecordedRequest], bool]:
    """The bot's screen for this learner."""
    return lambda request: _is_screen(request) == wa_id


class Driver:
    """Presses a choice of each learner's newest message and times it until the bot's next
    interactive message to them (stand-in arrival times, time.monotonic()).

    One watcher reads the stand-in's new requests and wakes the learner each screen is
    for: a wait per learner on the stand-in's change signal would wake every waiting
    learner at every request and webhook, a cost that grows with how slow the bot under
    test is (measured: 240 wake-ups per update for the learning bot, a third of the
    process's CPU time under the profiler).
    """

    def __init__(self, standin: CloudApiStandIn, users: list[str], pick: Pick) -> None:
        self.standin = standin
        self.users = users
        self.pick = pick
        self._pressing: dict[str, asyncio.Lock] = {}
        # wa_id -> (the first request index its answer may have, the answer's future)
        self._waiting: dict[str, tuple[int, asyncio.Future[RecordedRequest]]] = {}
        self._read = 0
        self._watcher: asyncio.Task[None] | None = None

    def _press(self, wa_id: str) -> None:
        screens = [m for m in self.standin.messages(wa_id) if m["type"] == "interactive"]
        assert screens, f"the bot has not shown {wa_id} a screen"
        message = screens[-1]
        choice = self.pick(wa_id, message)
        assert choice is not None, message
        if message["interactive"]["type"] == "button":
            self.standin.press_button(wa_id, message["id"], choice)
        else:
            self.standin.choose_row(wa_id, message["id"], choice)

    def _wake(self) -> bool | None:
        requests = self.standin.requests
        while self._read < len(requests):
            request = requests[self._read]
            wa_id = _is_screen(request)
            waiting = self._waiting.get(wa_id) if wa_id is not None else None
            if waiting is not None and waiting[0] <= self._read:
                del self._waiting[wa_id]  # type: ignore[arg-type]
                if not waiting[1].done():
                    waiting[1].set_result(request)
            self._read += 1
        return None

    async def _watch(self) -> None:
        while True:
            await self.standin.wait_for(self._wake, timeout=3600)

    async def press(self, wa_id: str) -> float:
        """One press, after the learner's previous one was answered (a person reads the
        screen before pressing again)."""
        if self._watcher is None:
            self._watcher = asyncio.create_task(self._watch())
        async with self._pressing.setdefault(wa_id, asyncio.Lock()):
            answer: asyncio.Future[RecordedRequest] = asyncio.get_running_loop().create_future()
            self._waiting[wa_id] = (len(self.standin.requests), answer)
            start = time.monotonic()
            self._press(wa_id)
            try:
                reply = await asyncio.wait_for(answer, timeout=60)
            finally:
                self._waiting.pop(wa_id, None)
            return (reply.time - start) * 1000

    async def close(self) -> None:
        if self._watcher is not None:
            self._watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watcher


async def _measure(driver: Driver, rounds: int, rate: float, seconds: float) -> Figures:
    try:
        return await _measured(driver, rounds, rate, seconds)
    finally:
        await driver.close()


async def _measured(driver: Driver, rounds: int, rate: float, seconds: float) -> Figures:
    users = driver.users
    started, cpu = time.perf_counter(), time.process_time()
    for _ in range(rounds):
        await asyncio.gather(*(driver.press(u) for u in users))
    throughput = rounds * len(users) / (time.perf_counter() - started)
    cpu_ms = (time.process_time() - cpu) * 1000 / (rounds * len(users))
    tasks = []
    total = int(rate * seconds)
    t0 = time.perf_counter()
    for i in range(total):
        delay = t0 + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(driver.press(users[i % len(users)])))
    latencies = list(await asyncio.gather(*tasks))
    paced = total / (time.perf_counter() - t0)
    p50, p99 = _percentile(latencies, 0.5), _percentile(latencies, 0.99)
    return Figures("", throughput, p50, p99, paced, cpu_ms)


@asynccontextmanager
async def _standin(learners: int) -> AsyncIterator[tuple[CloudApiStandIn, list[str]]]:
    standin = CloudApiStandIn(throughput=UNLIMITED, webhook_concurrency=WEBHOOKS_AT_ONCE)
    users = [str(FIRST_NUMBER + n) for n in range(learners)]
    for wa_id in users:
        standin.add_user(wa_id, f"Learner {wa_id[-4:]}", "en")
    await standin.start()
    try:
        yield standin, users
    finally:
        await standin.stop()


@asynccontextmanager
async def _serving(app: web.Application) -> AsyncIterator[str]:
    """Serve `app` on a free local port; yield its /whatsapp URL."""
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}/whatsapp"
    finally:
        await runner.cleanup()


async def _settle(standin: CloudApiStandIn, bot: WhatsAppBot) -> None:
    await standin.webhooks_delivered(timeout=120)
    while bot.webhook.busy:  # noqa: ASYNC110 - the webhook offers no event to wait on
        await asyncio.sleep(0.02)


def _next_card(cards: list[str]) -> Pick:
    """The furthest card offered: Next, or Back from the module's last card."""
    order = {card: n for n, card in enumerate(cards)}

    def pick(_wa_id: str, message: JsonDict) -> str | None:
        offered = [c for c in _choices(message) if ShowCard.matches(c)]
        cards_offered = [
            (order.get(card.card_id, -1), c) for c in offered if (card := ShowCard.unpack(c))
        ]
        return max(cards_offered)[1] if cards_offered else None

    return pick


async def bench_learning_bot(
    database_url: str, course: Course, learners: int, rounds: int, rate: float, seconds: float
) -> Figures:
    async with _standin(learners) as (standin, users):
        services = await open_services(_settings(standin, database_url), course=course)
        bot = WhatsAppBot(services, build_router())
        app = web.Application()
        bot.webhook.add_to(app)
        try:
            async with _serving(app) as url:
                standin.webhook_url = url
                for wa_id in users:  # onboarding is not measured
                    standin.send_text(wa_id, "hello")
                await _settle(standin, bot)
                for step in ("lang:en", "ok", "r:no", Menu("continue").pack()):
                    for wa_id in users:
                        message = standin.last_message(wa_id)
                        assert message is not None and step in _choices(message), (step, message)
                        if message["interactive"]["type"] == "button":
                            standin.press_button(wa_id, message["id"], step)
                        else:
                            standin.choose_row(wa_id, message["id"], step)
                    await _settle(standin, bot)
                cards = list(course.modules_in("en")[0].card_ids)
                driver = Driver(standin, users, _next_card(cards))
                figures = await _measure(driver, rounds, rate, seconds)
                refused = len(standin.violations)
        finally:
            await bot.close()
            await close_services(services)
    if refused:
        print(f"  the stand-in refused {refused} of the bot's messages")
    kind = "SQLite" if database_url.startswith("sqlite") else "PostgreSQL"
    figures.name = f"learning bot, {kind}"
    return figures


def _echo_app(standin: CloudApiStandIn, http: aiohttp.ClientSession) -> web.Application:
    """The floor: check the signature, answer 200, send one interactive message back."""
    secret = standin.app_secret.encode()
    url = f"{standin.url}/v23.0/{standin.account.phone_number_id}/messages"
    headers = {"Authorization": f"Bearer {standin.token}"}
    tasks: set[asyncio.Task[None]] = set()
    counter = iter(range(1, 10**9))

    async def reply(wa_id: str) -> None:
        n = next(counter)
        body = {
            "messaging_product": "whatsapp",
            "to": wa_id,
            "type": "interactive",
            "interactive": {
                "type": "button",
                "body": {"text": f"echo {n}"},
                "action": {
                    "buttons": [{"type": "reply", "reply": {"id": f"n:{n}", "title": "OK"}}]
                },
            },
        }
        async with http.post(url, json=body, headers=headers) as response:
            await response.read()

    async def receive(request: web.Request) -> web.Response:
        raw = await request.read()
        expected = "sha256=" + hmac.new(secret, raw, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, request.headers.get("X-Hub-Signature-256", "")):
            return web.Response(status=403)
        for entry in json.loads(raw)["entry"]:
            for change in entry["changes"]:
                for message in change["value"].get("messages", []):
                    task = asyncio.create_task(reply(message["from"]))
                    tasks.add(task)
                    task.add_done_callback(tasks.discard)
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/whatsapp", receive)
    return app


async def bench_echo(learners: int, rounds: int, rate: float, seconds: float) -> Figures:
    async with (
        _standin(learners) as (standin, users),
        aiohttp.ClientSession() as http,
        _serving(_echo_app(standin, http)) as url,
    ):
        standin.webhook_url = url
        for wa_id in users:
            standin.send_text(wa_id, "hello")
        await standin.webhooks_delivered(timeout=60)
        for wa_id in users:
            await standin.wait_for_request(_reply_to(wa_id), timeout=10)
        driver = Driver(standin, users, lambda _, message: _choices(message)[0])
        figures = await _measure(driver, rounds, rate, seconds)
    figures.name = "echo webhook (floor)"
    return figures


# --- the announcement ---------------------------------------------------------------------


def _member_number(user_id: int) -> str:
    return str(FIRST_NUMBER + user_id)


# The sending process's first argument, "floor:<members>", when it is to be the floor.
FLOOR = "floor:"


async def deliver(database_url: str, api_url: str) -> dict[str, Any]:
    """In the bot process: the core with WhatsApp only, the delivery until it is out (or,
    given FLOOR, the minimal sender)."""
    standin = CloudApiStandIn()  # only its credentials: the running one is at api_url
    standin.url = api_url
    if database_url.startswith(FLOOR):
        members = int(database_url.removeprefix(FLOOR))
        return await _send_floor(standin, members, load_settings(_env_file=None).whatsapp_rate)
    settings = _settings(standin, database_url)
    # The delivery job paces at ANNOUNCEMENT_RATE; WhatsApp's is WHATSAPP_RATE.
    settings = settings.model_copy(update={"announcement_rate": settings.whatsapp_rate})
    services = await open_services(settings)
    bot = WhatsAppBot(services, build_router())
    try:
        started = time.perf_counter()
        report = await deliver_announcements(services)
        elapsed = time.perf_counter() - started
    finally:
        await bot.close()
        await close_services(services)
    return {
        "seconds": elapsed,
        "rate": settings.whatsapp_rate,
        "outcomes": {str(k): v for k, v in report.outcomes.items()},
        "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


async def _send_floor(standin: CloudApiStandIn, members: int, rate: float) -> dict[str, Any]:
    """The floor of the announcement: no database, no job, one aiohttp session sending the
    text to each member as fast as the channel's own pace (LocalPace: the number's rate
    less its headroom, each wake's lateness counted) lets, one sender waiting for the pace
    at a time and as many requests in flight as the job has."""
    url = f"{standin.url}/v23.0/{standin.account.phone_number_id}/messages"
    headers = {"Authorization": f"Bearer {standin.token}"}
    pace = LocalPace(rate)
    sending = asyncio.Semaphore(SENDING_AT_ONCE)
    waiting = asyncio.Lock()
    sent = Counter[int]()

    async def one(http: aiohttp.ClientSession, user_id: int) -> None:
        number = _member_number(user_id)
        body = {
            "messaging_product": "whatsapp",
            "to": number,
            "type": "text",
            "text": {"preview_url": False, "body": TEXT},
        }
        async with sending:
            async with waiting:
                await pace.bulk(number)
            async with http.post(url, json=body, headers=headers) as response:
                await response.read()
                sent[response.status] += 1

    async with aiohttp.ClientSession() as http:
        started = time.perf_counter()
        await asyncio.gather(*(one(http, u) for u in range(FIRST_MEMBER, FIRST_MEMBER + members)))
        elapsed = time.perf_counter() - started
    return {
        "seconds": elapsed,
        "rate": rate,
        "outcomes": {str(k): v for k, v in sent.items()},
        "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


@asynccontextmanager
async def _members(members: int) -> AsyncIterator[CloudApiStandIn]:
    """A stand-in whose `members` users all wrote an hour ago (their windows open)."""
    standin = CloudApiStandIn()
    now = standin.clock()
    for user_id in range(FIRST_MEMBER, FIRST_MEMBER + members):
        user = standin.add_user(_member_number(user_id), f"L{user_id}", "en")
        user.last_inbound = now - 3600
    await standin.start()
    try:
        yield standin
    finally:
        await standin.stop()


def _copies(standin: CloudApiStandIn, members: int, figures: dict[str, Any]) -> dict[str, Any]:
    """What the stand-in got: copies delivered, duplicates, missing, its 130429 answers,
    and the most copies it accepted in any one second (Meta's limit is the rate)."""
    copies = [
        r
        for r in standin.requests
        if r.endpoint == "messages"
        and isinstance(r.body, dict)
        and (r.body.get("text") or {}).get("body") == TEXT
    ]
    accepted = [r for r in copies if r.status == 200]
    delivered = Counter(str(r.body["to"]) for r in accepted)  # type: ignore[index]
    times = sorted(r.time for r in accepted)
    first, most = 0, 0
    for last, at in enumerate(times):
        while times[first] <= at - 1.0:
            first += 1
        most = max(most, last - first + 1)
    figures.update(
        floor=members / figures["rate"],
        sent=sum(delivered.values()),
        duplicates=sum(n - 1 for n in delivered.values() if n > 1),
        missing=members - len(delivered),
        throughput_refusals=sum(1 for r in copies if r.error_code == THROUGHPUT_CODE),
        requests=len(copies),
        busiest_second=most,
    )
    return figures


async def bench_announcement(database_url: str, members: int) -> dict[str, Any]:
    async with _members(members) as standin:
        # the bot must know they wrote too, or it counts their window closed and skips them
        wrote = (datetime.now(UTC) - timedelta(hours=1)).replace(second=0, microsecond=0)
        await seed(database_url, members, TEXT, PLATFORM, _member_number, wrote)
        figures = await bot_process("benchmarks.whatsapp", database_url, str(standin.url))
        return _copies(standin, members, figures)


async def bench_announcement_floor(members: int) -> dict[str, Any]:
    async with _members(members) as standin:
        figures = await bot_process("benchmarks.whatsapp", f"{FLOOR}{members}", str(standin.url))
        return _copies(standin, members, figures)


# --- printing -----------------------------------------------------------------------------


def _print_announcement(
    name: str, members: int, f: dict[str, Any], sender: dict[str, Any] | None
) -> None:
    against = f" {f['seconds'] / sender['seconds']:.2f}x the minimal sender;" if sender else ""
    print(
        f"{name:10} announcement to {members:,} WhatsApp members at {f['rate']:g}/s: "
        f"{f['seconds']:.1f} s (floor {f['floor']:.1f} s, {f['seconds'] / f['floor']:.2f}x;"
        f"{against} at most {f['busiest_second']} accepted in a second); "
        f"delivered {f['sent']}, duplicates {f['duplicates']}, missing {f['missing']}; "
        f"130429 answers {f['throughput_refusals']} of {f['requests']} requests; "
        f"sending process peak memory {f['maxrss_mb']:.0f} MB; outcomes {f['outcomes']}"
    )


async def main_async(args: argparse.Namespace) -> None:
    course = load_course(CONTENT)
    kinds = {"both": ("sqlite", "postgresql")}.get(args.on, (args.on,))
    floor = await bench_echo(args.learners, args.rounds, args.rate, args.seconds)
    rows: list[Figures] = []
    announcements: list[tuple[str, dict[str, Any]]] = []
    sender = await bench_announcement_floor(args.members) if args.members else None
    with tempfile.TemporaryDirectory() as folder:
        for kind in kinds:
            name = "SQLite" if kind == "sqlite" else "PostgreSQL"
            async with database(kind, folder, "webhook") as url:
                if url is None:
                    continue
                rows.append(
                    await bench_learning_bot(
                        url, course, args.learners, args.rounds, args.rate, args.seconds
                    )
                )
            if args.members:
                async with database(kind, folder, "announcement") as url:
                    if url is not None:
                        announcements.append((name, await bench_announcement(url, args.members)))
    print(
        f"{args.learners} WhatsApp learners, {args.rounds} saturation rounds, "
        f"paced at {args.rate:g} updates/s for {args.seconds:g} s"
    )
    _print(rows, floor)
    if sender is not None:
        _print_announcement("sender", args.members, sender, None)
    for name, figures in announcements:
        _print_announcement(name, args.members, figures, sender)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--learners", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--rate", type=float, default=80.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--members", type=int, default=3_000, help="0: no announcement")
    parser.add_argument("--on", choices=("sqlite", "postgresql", "both"), default="both")
    run(parser, main_async, deliver)


if __name__ == "__main__":
    main()
