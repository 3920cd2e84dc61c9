"""Chaos run: two bot processes on one PostgreSQL and one Redis behind one webhook URL.

    python -m benchmarks.chaos [--learners 200] [--members 1000] [--steps 8]

Not a test: it takes about three minutes and prints what it saw. The Bot API stand-in
(answering 429 above 30 messages a second, like Telegram) delivers its webhook updates to
one URL, a small round-robin balancer here, which spreads them over two real `asi-bot`
processes (INSTANCES=2, REDIS_URL set), so one learner's taps reach both. While `learners`
onboarded learners tap through the first module card by card (a tap whose answer does not
come is tapped again, as a person would), a 1,000-member announcement goes out; when about
a third of it is out, one process is killed with SIGKILL and started again.

Printed: each learner's place (the last card they opened, read from the database) against
the card they last tapped; the announcement's copies (every member once, the database's
totals against what the stand-in delivered); duplicates, at most the copies that were in
flight in the killed process (bot.jobs.announcements.SENDING_AT_ONCE); the busiest second of
sends at the stand-in (at most 30); and the 429 answers (0).
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import os
import random
import signal
import ssl
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
from aiohttp import web

from benchmarks.announcements import FIRST_MEMBER, TEXT, TOKEN, TRAINER, seed
from benchmarks.updates import _drop, _postgres_url
from bot.channels.telegram.standin import BotApiStandIn
from bot.channels.telegram.standin.server import RecordedRequest
from bot.config import PROJECT_ROOT
from bot.content import load_course
from bot.db.engine import create_engine, create_session_factory
from bot.db.repositories import Delivered
from bot.db.uow import UnitOfWork
from bot.jobs.announcements import SENDING_AT_ONCE

TELEGRAM_RATE = 30
FIRST_LEARNER = 2_000_000
SECRET = "chaos-webhook-secret"
REDIS_URL = os.environ.get("CHAOS_REDIS_URL", "redis://127.0.0.1:6379/0")
# The stand-in plays Telegram's servers, which do not share the bots' CPU: on a busy machine
# its event loop, waiting its turn, read requests that had arrived evenly in one bunch and
# answered 429 (a 0.3 s stall of its loop, then 31 within one second). This process runs
# at a higher priority than the bots (and than other work on the machine) where it may.
STANDIN_PRIORITY = -10
# flood-controlled methods: new messages (edits and callback answers are not counted)
SENDS = {"sendMessage", "sendPhoto", "sendDocument", "sendVoice", "sendAudio", "sendVideo"}
REPLY_WAIT = 20.0  # seconds a learner waits for an answer before tapping again
GIVE_UP = 5  # taps of one card without an answer before a learner gives up
WALK_FOR = 240.0  # seconds after which learners stop tapping, done or not


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1: the bot accepts only an https webhook."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "balancer.pem", folder / "balancer.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def _standin_first() -> str:
    """Raise this process's priority above the bots'; what was done, for the output."""
    try:
        os.setpriority(os.PRIO_PROCESS, 0, STANDIN_PRIORITY)
    except PermissionError:
        return "the stand-in at the bots' priority (raising it needs root)"
    return f"the stand-in's process at priority {STANDIN_PRIORITY}, the bots at 0"


def _ordinary_priority() -> None:
    """In a bot process, before it starts: the priority of ordinary work."""
    os.setpriority(os.PRIO_PROCESS, 0, 0)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def seed_learners(database_url: str, learners: int) -> None:
    """Learners who chose English and consented: ready to open cards."""
    now = datetime.now(UTC)
    engine = create_engine(database_url)
    try:
        async with UnitOfWork(create_session_factory(engine)) as uow:
            for user_id in range(FIRST_LEARNER, FIRST_LEARNER + learners):
                await uow.users.touch(user_id, now, role="learner")
                await uow.accounts.add(user_id, "telegram", str(user_id), str(user_id), now)
                await uow.users.set_language(user_id, "en")
                await uow.users.set_consent(user_id, now)
            await uow.commit()
    finally:
        await engine.dispose()


class Balancer:
    """One webhook URL in front of the bot processes: each update to the next process in
    turn; a process that does not answer is skipped (the stand-in retries on an error)."""

    def __init__(self, ports: list[int], tls: ssl.SSLContext) -> None:
        self.ports = ports
        self._tls = tls
        self.port = _free_port()
        self.spread: Counter[int] = Counter()
        self.refused = self.failed = 0
        self._next = 0
        self._session: aiohttp.ClientSession | None = None
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        self._session = aiohttp.ClientSession()
        app = web.Application()
        app.router.add_post("/telegram", self._forward)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port, ssl_context=self._tls).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._session is not None:
            await self._session.close()

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._session is not None
        body = await request.read()
        for _ in range(len(self.ports)):
            port = self.ports[self._next % len(self.ports)]
            self._next += 1
            try:
                async with self._session.post(
                    f"http://127.0.0.1:{port}/telegram",
                    data=body,
                    headers={
                        "Content-Type": "application/json",
                        "X-Telegram-Bot-Api-Secret-Token": request.headers.get(
                            "X-Telegram-Bot-Api-Secret-Token", ""
                        ),
                    },
                    timeout=aiohttp.ClientTimeout(total=30),
                ) as answer:
                    self.spread[port] += 1
                    return web.Response(status=answer.status, text=await answer.text())
            except aiohttp.ClientConnectionError:
                self.refused += 1
                continue  # a process that is down: the next one
            except TimeoutError:
                break  # it may have taken the update: Telegram would send it again
        self.failed += 1
        return web.Response(status=502, text="no bot process answered")


@dataclass
class Instance:
    port: int
    env: dict[str, str]
    log: Path
    process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                cwd=PROJECT_ROOT,
                env=self.env,
                stdout=log,
                stderr=log,
                preexec_fn=_ordinary_priority,
            )
        async with aiohttp.ClientSession() as session:
            for _ in range(1200):  # two minutes: a busy machine starts slowly
                try:
                    url = f"http://127.0.0.1:{self.port}/healthz"
                    async with session.get(url) as answer:
                        if answer.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)
        tail = self.log.read_text(errors="replace")[-2000:]
        raise RuntimeError(f"the bot on port {self.port} did not start:\n{tail}")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)

    async def wait(self) -> None:
        if self.process is not None:
            await self.process.wait()

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), 20)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()


@dataclass
class Learner:
    user_id: int
    cards: list[str]
    tapped: str | None = None
    retaps: int = 0
    stuck: bool = False
    seen: list[str] = field(default_factory=list)


async def _answered(standin: BotApiStandIn, user_id: int, since: int) -> bool:
    def for_me(request: RecordedRequest) -> bool:
        return request.params.get("chat_id") in (user_id, str(user_id)) and request.status == 200

    try:
        await standin.wait_for_request(for_me, REPLY_WAIT, since=since)
    except TimeoutError:
        return False
    return True


async def navigate(
    standin: BotApiStandIn, learner: Learner, rng: random.Random, until: float
) -> None:
    """Open the menu, then tap Next card after card; tap again when no answer comes."""
    uid = learner.user_id
    await asyncio.sleep(rng.uniform(0, 20))  # not all at once
    mark = len(standin.requests)
    await standin.send_text(uid, "/start")
    for _attempt in range(5):
        if await _answered(standin, uid, mark):
            break
        mark = len(standin.requests)
        await standin.send_text(uid, "/start")
    else:
        learner.stuck = True
        return
    for card in learner.cards:
        await asyncio.sleep(rng.uniform(1.0, 4.0))
        if time.monotonic() > until:
            learner.stuck = True
            return
        for attempt in range(GIVE_UP):
            mine = [m for m in standin.messages(uid) if m.get("from", {}).get("is_bot")]
            if not mine:
                learner.stuck = True
                return
            last = mine[-1]
            mark = len(standin.requests)
            await standin.press(uid, int(last["message_id"]), f"c:{card}")
            learner.tapped = card
            if await _answered(standin, uid, mark):
                break
            learner.retaps += 1
            if attempt == GIVE_UP - 1:
                learner.stuck = True
                return


async def places(database_url: str, learners: list[Learner]) -> dict[int, str | None]:
    engine = create_engine(database_url)
    try:
        async with UnitOfWork(create_session_factory(engine)) as uow:
            found = {}
            for learner in learners:
                seen = await uow.progress.last_seen(learner.user_id)
                found[learner.user_id] = seen.card_id if seen else None
            return found
    finally:
        await engine.dispose()


async def totals(database_url: str) -> dict[Delivered, int]:
    engine = create_engine(database_url)
    try:
        async with UnitOfWork(create_session_factory(engine)) as uow:
            return await uow.announcements.counts(1)
    finally:
        await engine.dispose()


def _busiest_second(times: list[float]) -> int:
    times = sorted(times)
    busiest, start = 0, 0
    for end, t in enumerate(times):
        while t - times[start] >= 1.0:
            start += 1
        busiest = max(busiest, end - start + 1)
    return busiest


async def chaos(database_url: str, args: argparse.Namespace, folder: Path) -> None:
    course = load_course(PROJECT_ROOT / "content")
    module = course.modules_in("en")[0]
    cards = list(module.card_ids[1 : args.steps + 1])
    standin = BotApiStandIn(TOKEN, global_rate=TELEGRAM_RATE)
    standin.add_user(TRAINER, "Trainer", language_code="en")
    for user_id in range(FIRST_MEMBER, FIRST_MEMBER + args.members):
        standin.add_user(user_id, f"Member {user_id}", language_code="en")
    for user_id in range(FIRST_LEARNER, FIRST_LEARNER + args.learners):
        standin.add_user(user_id, f"Learner {user_id}", language_code="en")
    await standin.start()
    await seed(database_url, args.members, TEXT)
    await seed_learners(database_url, args.learners)

    ports = [_free_port(), _free_port()]
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(folder / "balancer.pem", folder / "balancer.key")
    balancer = Balancer(ports, tls)
    await balancer.start()
    base = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(folder),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": str(standin.url),
        "DATABASE_URL": database_url,
        "WEBHOOK_URL": f"https://127.0.0.1:{balancer.port}",
        "WEBHOOK_SECRET": SECRET,
        "INSTANCES": "2",
        "REDIS_URL": REDIS_URL,
        "ANNOUNCEMENT_INTERVAL": "1",
        "REMINDER_INTERVAL": "0",
    }
    instances = [
        Instance(port, {**base, "PORT": str(port)}, folder / f"bot-{n}.log")
        for n, port in enumerate(ports)
    ]
    rng = random.Random(16)
    learners = [Learner(uid, cards) for uid in range(FIRST_LEARNER, FIRST_LEARNER + args.learners)]
    killed_at = restarted_at = 0.0
    copies_before_kill = 0

    def copies() -> list[RecordedRequest]:
        return [r for r in standin.requests if r.params.get("text") == TEXT]

    def reached() -> int:
        return len({r.params["chat_id"] for r in copies() if r.status == 200})

    started = time.monotonic()
    try:
        await asyncio.gather(*(instance.start() for instance in instances))
        until = time.monotonic() + WALK_FOR
        walking = asyncio.gather(*(navigate(standin, lr, rng, until) for lr in learners))
        await standin.wait_for_request(lambda _: reached() >= args.members // 3, 120)
        copies_before_kill = len(copies())
        instances[0].kill()
        await instances[0].wait()
        killed_at = time.monotonic() - started
        await asyncio.sleep(3)
        await instances[0].start()
        restarted_at = time.monotonic() - started
        await walking
        deadline = time.monotonic() + 240  # the killed process's leased copies: 2 min lease
        while time.monotonic() < deadline:
            counts = await totals(database_url)
            if counts.get(Delivered.PENDING, 0) + counts.get(Delivered.SENDING, 0) == 0:
                break
            await asyncio.sleep(1)
        await asyncio.sleep(2)
    finally:
        for instance in instances:
            await instance.stop()
        await balancer.stop()
        await standin.stop()
    elapsed = time.monotonic() - started

    found = await places(database_url, learners)
    counts = await totals(database_url)
    delivered = Counter(r.params["chat_id"] for r in copies() if r.status == 200)
    right = [lr for lr in learners if found[lr.user_id] == lr.tapped]
    wrong = [lr for lr in learners if lr not in right]
    sends = [r for r in standin.requests if r.method in SENDS]
    refused = [r for r in standin.requests if r.status == 429]
    duplicates = sum(n - 1 for n in delivered.values() if n > 1)
    print(
        f"chaos: 2 bot processes (INSTANCES=2, REDIS_URL) on PostgreSQL behind one webhook; "
        f"{args.learners} learners x {args.steps} taps; announcement to {args.members:,}; "
        f"process 1 SIGKILLed at {killed_at:.1f} s (after {copies_before_kill} copies), "
        f"restarted at {restarted_at:.1f} s; {elapsed:.0f} s in all"
    )
    print(
        f"webhook updates per process: {list(balancer.spread.values())}; refused by the "
        f"killed process and passed on: {balancer.refused}; answered by none: "
        f"{balancer.failed}; {sum(balancer.spread.values()) / elapsed:.1f} webhook calls a "
        f"second (the stand-in delivers one at a time, in order)"
    )
    print(
        f"learners: {len(right)}/{len(learners)} at the card they last tapped"
        f"{' (wrong: ' + str([(lr.user_id, lr.tapped, found[lr.user_id]) for lr in wrong[:5]]) + ')' if wrong else ''}"  # noqa: E501
        f"; taps repeated after no answer: {sum(lr.retaps for lr in learners)}; learners who "
        f"stopped (after {WALK_FOR:.0f} s, or {GIVE_UP} unanswered taps of one card): "
        f"{sum(1 for lr in learners if lr.stuck)}"
    )
    print(
        f"announcement: {len(delivered)}/{args.members} members reached, missing "
        f"{args.members - len(delivered)}; database totals "
        f"{ {str(k): v for k, v in sorted(counts.items())} } "
        f"({'exact' if counts.get(Delivered.SENT, 0) == len(delivered) else 'NOT exact'} "
        f"against the stand-in's {len(delivered)} delivered)"
    )
    for instance in instances:
        lines = instance.log.read_text(errors="replace").splitlines()
        errors = [line for line in lines if "ERROR" in line or "Traceback" in line]
        fallbacks = sum(1 for line in lines if "Redis unreachable" in line)
        print(
            f"bot log {instance.log.name}: {len(lines)} lines, {len(errors)} errors "
            f"{errors[:3]}, {fallbacks} falls back to in-process limits"
        )
    print(
        f"duplicates: {duplicates} (at most the copies in flight in the killed process: "
        f"SENDING_AT_ONCE = {SENDING_AT_ONCE})"
    )
    print(
        f"send rate: busiest second {_busiest_second([r.time for r in sends if r.status == 200])}"
        f" messages at the stand-in (limit {TELEGRAM_RATE}); {len(sends)} sends; "
        f"429 answers: {len(refused)} {dict(Counter(r.method for r in refused))}"
    )


async def main_async(args: argparse.Namespace) -> None:
    created = await _postgres_url()
    if created is None:
        print("PostgreSQL at 127.0.0.1:5432 does not answer: nothing run")
        return
    url, name = created
    print(_standin_first())
    try:
        await chaos(url, args, Path(args.folder))
    finally:
        await _drop(name)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--members", type=int, default=1_000)
    parser.add_argument("--steps", type=int, default=4)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.folder:
        asyncio.run(main_async(args))
        return
    # Run again in a child that trusts the balancer's certificate: the stand-in's client
    # reads SSL_CERT_FILE when aiohttp is imported.
    with tempfile.TemporaryDirectory() as folder:
        cert, _ = make_certificate(Path(folder))
        env = {**os.environ, "SSL_CERT_FILE": str(cert)}
        command = [sys.executable, "-m", "benchmarks.chaos", *sys.argv[1:], "--folder", folder]
        raise SystemExit(subprocess.run(command, env=env, check=False).returncode)


if __name__ == "__main__":
    main()
