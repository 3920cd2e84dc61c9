"""Webhook delivery: POST each event to the bot, signed with the app secret, in order.

Meta signs the raw body (`X-Hub-Signature-256: sha256=<hex HMAC-SHA256>`), retries a delivery
that is not answered 200 (for days; the stand-in tries `attempts` times) and may deliver the
same event twice. Tests can ask for the next deliveries to be duplicated, signed wrongly or
unsigned, to check that the bot verifies and de-duplicates.

By default one event is delivered at a time, all in order. With `concurrency` above 1 (the
benchmark's load), that many are in flight at once, each user's events still in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import hashlib
import hmac
import json
import logging
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

import aiohttp

from bot.channels.change_signal import ChangeSignal

__all__ = ["Delivery", "WebhookFault", "WebhookSender", "signature"]

_LOGGER = logging.getLogger(__name__)
SIGNATURE_HEADER = "X-Hub-Signature-256"


class WebhookFault(enum.Enum):
    """Ways a test can make the next delivery misbehave."""

    DUPLICATE = "duplicate"  # delivered twice, byte for byte
    BAD_SIGNATURE = "bad signature"  # signed with another secret
    UNSIGNED = "unsigned"  # no signature header at all


@dataclass(frozen=True)
class Delivery:
    """One delivery attempt of a webhook: what was sent and how the bot answered."""

    body: dict[str, Any]
    signature: str | None  # the header value sent
    status: int | None  # the bot's HTTP status (None: no answer)
    error: str | None
    attempt: int
    time: float  # time.monotonic()

    @property
    def ok(self) -> bool:
        """Whether the bot answered with a 2xx status."""
        return self.status is not None and 200 <= self.status < 300


def signature(secret: str, raw: bytes) -> str:
    """The X-Hub-Signature-256 header value for `raw` signed with `secret`."""
    return "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class _Pending:
    body: dict[str, Any]
    raw: bytes
    fault: WebhookFault | None
    key: str  # events with the same key are delivered in order, one at a time


class WebhookSender:
    """Queues events and runs the delivery task (start/close with the stand-in)."""

    def __init__(
        self,
        app_secret: str,
        signal: ChangeSignal,
        *,
        attempts: int = 3,
        retry_delay: float = 0.1,
        concurrency: int = 1,
    ) -> None:
        self.app_secret = app_secret
        self._url: str | None = None
        self.deliveries: list[Delivery] = []
        self._signal = signal
        # The delivery loop's own signal, fired only when an event may have become
        # deliverable (not at every request and status anywhere in the stand-in).
        self._ready = ChangeSignal()
        self._attempts = attempts
        self._retry_delay = retry_delay
        self._pending: deque[_Pending] = deque()
        self._faults: deque[WebhookFault] = deque()
        self._concurrency = concurrency
        self._in_flight: set[str] = set()
        self._running: set[asyncio.Task[None]] = set()
        self._task: asyncio.Task[None] | None = None

    @property
    def url(self) -> str | None:
        """Where webhooks go (None holds them back)."""
        return self._url

    @url.setter
    def url(self, url: str | None) -> None:
        self._url = url
        self._ready.fire()

    @property
    def idle(self) -> bool:
        """Whether every queued event has been delivered (or given up on)."""
        return not self._pending and not self._in_flight

    def fault_next(self, fault: WebhookFault, times: int = 1) -> None:
        """Make the next `times` events misbehave this way."""
        self._faults.extend([fault] * times)

    def enqueue(self, body: dict[str, Any], key: str = "") -> None:
        """Queue an event for delivery (after every earlier one with the same `key`)."""
        raw = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
        fault = self._faults.popleft() if self._faults else None
        self._pending.append(_Pending(body, raw, fault, key if self._concurrency > 1 else ""))
        self._ready.fire()
        self._signal.fire()

    def start(self) -> None:
        """Run the delivery task (in the running loop)."""
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def close(self) -> None:
        """Stop the delivery task."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        """Start a delivery for each event that may go, up to `concurrency` at once. One
        loop wakes per change, not every worker: with 16 waiting workers each woke and
        scanned the queue at every event (the stand-in's largest cost in
        benchmarks.whatsapp)."""
        running = self._running

        def start_some(session: aiohttp.ClientSession) -> None:
            while len(running) < self._concurrency and (pending := self._next()) is not None:
                self._pending.remove(pending)
                self._in_flight.add(pending.key)
                running.add(asyncio.create_task(self._work(session, pending)))

        async with aiohttp.ClientSession() as session:
            try:
                while True:
                    await self._ready.wait_for(lambda: start_some(session), timeout=60.0)
            finally:
                for task in running:
                    task.cancel()
                await asyncio.gather(*running, return_exceptions=True)

    async def _work(self, session: aiohttp.ClientSession, pending: _Pending) -> None:
        try:
            times = 2 if pending.fault is WebhookFault.DUPLICATE else 1
            for _ in range(times):
                await self._deliver(session, pending)
        finally:
            # the task leaves `running` before the loop wakes (a done callback would come
            # after the wake, and the loop would wait with a free place)
            current = asyncio.current_task()
            if current is not None:
                self._running.discard(current)
            self._in_flight.discard(pending.key)
            self._ready.fire()
            self._signal.fire()

    def _next(self) -> _Pending | None:
        """The first event whose key has nothing in flight (None: none, or no URL yet)."""
        if not self.url:
            return None
        return next((p for p in self._pending if p.key not in self._in_flight), None)

    def _header(self, pending: _Pending) -> str | None:
        if pending.fault is WebhookFault.UNSIGNED:
            return None
        secret = self.app_secret
        if pending.fault is WebhookFault.BAD_SIGNATURE:
            secret = "not-" + secret
        return signature(secret, pending.raw)

    async def _deliver(self, session: aiohttp.ClientSession, pending: _Pending) -> None:
        header = self._header(pending)
        headers = {"Content-Type": "application/json"}
        if header is not None:
            headers[SIGNATURE_HEADER] = header
        for attempt in range(1, self._attempts + 1):
            status: int | None = None
            error: str | None = None
            try:
                assert self.url is not None
                async with session.post(
                    self.url,
                    data=pending.raw,
                    headers=headers,
                    timeout=aiohttp.ClientTimeout(total=10),
                ) as response:
                    status = response.status
            except (aiohttp.ClientError, TimeoutError) as exc:
                error = f"connection failed: {exc!r}"
            delivery = Delivery(pending.body, header, status, error, attempt, time.monotonic())
            self.deliveries.append(delivery)
            self._signal.fire()
            if delivery.ok:
                return
            _LOGGER.warning("webhook delivery attempt %d failed: %s", attempt, error or status)
            if attempt < self._attempts:
                await asyncio.sleep(self._retry_delay * attempt)
