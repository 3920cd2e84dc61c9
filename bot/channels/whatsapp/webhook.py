"""GET and POST /whatsapp: Meta's handshake, and its signed webhook calls.

Meta retries a call it got no quick 200 for, so a call is answered as soon as it is known
to be Meta's (signature) and readable (JSON), and its messages are processed after, in a
task the webhook keeps until it ends; shutting the web app down waits for those tasks. The
signature is checked before anything in the body is looked at: a forged call costs one
HMAC and touches nothing. A message delivered twice is not dropped here: its turn claims its
id in its own unit of work (bot.conversation.turn, bot.services.processed), so one that
changed something is dropped when it comes again, to this process after a restart or to
another instance. One person's messages are processed in the order their calls arrived,
and at most `at_once` are processed together (a message waiting for its person's lock
holds no slot, so one person's burst never stalls the others).

The signature check is pywa's (`utils.webhook_updates_validator`, HMAC-SHA256 of the raw
body with the app secret, compared with `hmac.compare_digest`); pywa's servers are for
Starlette, FastAPI and Flask, and its update objects need a full client, so the route is
ours and the body is read by bot.channels.whatsapp.events.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from pywa import utils as pywa_utils

from bot.channels.whatsapp.events import Incoming, Update, read_body
from bot.channels.whatsapp.slots import Slots
from bot.redact import error_summary, redacted_traceback

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/whatsapp"
SIGNATURE_HEADER = pywa_utils.HUB_SIG
# Meta's calls are a few kilobytes; a megabyte leaves room for a large batch.
MAX_BODY_BYTES = 1024 * 1024
_CHUNK = 64 * 1024

Handle = Callable[[Update], Awaitable[None]]


class TooLarge(Exception):
    """The body is over MAX_BODY_BYTES."""


class WhatsAppWebhook:
    """The routes of one WhatsApp business number and the work they started.

    `handle` gets each message and each status, in order (it claims each message in the
    message's turn); `phone_number_id`, when given, leaves out what was sent to another
    number of the same business account.
    """

    def __init__(
        self,
        *,
        app_secret: str,
        verify_token: str,
        handle: Handle,
        phone_number_id: str | None = None,
        at_once: int = 4,
    ) -> None:
        self._app_secret = app_secret
        self._verify_token = verify_token
        self._handle = handle
        self._phone_number_id = phone_number_id
        self._tasks: set[asyncio.Task[None]] = set()
        self._slots = Slots(at_once)
        # a person's wa_id -> (their lock, how many calls hold or wait for it)
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    def add_to(self, web_app: web.Application) -> None:
        """Register GET and POST /whatsapp on `web_app`; its shutdown waits for the work."""
        web_app.router.add_get(WEBHOOK_PATH, self.verify)
        web_app.router.add_post(WEBHOOK_PATH, self.receive)
        web_app.on_shutdown.append(lambda _: self.drain())

    @property
    def slots(self) -> Slots:
        """The slots work is processed in (at most `at_once` together, people first)."""
        return self._slots

    @property
    def busy(self) -> bool:
        """Whether calls are still being processed."""
        return bool(self._tasks)

    async def drain(self) -> None:
        """Wait until every call received so far is processed."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def verify(self, request: web.Request) -> web.Response:
        """Meta's handshake when the webhook is registered: echo the challenge."""
        query = request.query
        given = query.get(pywa_utils.HUB_VT, "")
        challenge = query.get(pywa_utils.HUB_CH)
        right = hmac.compare_digest(given.encode(), self._verify_token.encode())
        if query.get("hub.mode") == "subscribe" and right and challenge:
            return web.Response(text=challenge)
        log.warning("a WhatsApp handshake was refused")
        return web.Response(status=403, text="forbidden")

    async def receive(self, request: web.Request) -> web.Response:
        """One webhook call: refuse what is not Meta's or not JSON, else answer at once."""
        signature = request.headers.get(SIGNATURE_HEADER)
        if not signature:
            log.warning("a WhatsApp webhook call without a signature was refused")
            return web.Response(status=401, text="unauthorized")
        try:
            body = await _read_limited(request)
        except TooLarge:
            log.warning("a WhatsApp webhook call over %d bytes was refused", MAX_BODY_BYTES)
            return web.Response(status=413, text="too large")
        if not pywa_utils.webhook_updates_validator(self._app_secret, body, signature):
            log.warning("a WhatsApp webhook call with a wrong signature was refused")
            return web.Response(status=403, text="forbidden")
        try:
            data = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError):
            log.warning("a signed WhatsApp webhook call was not JSON")
            return web.Response(status=400, text="bad request")
        updates = read_body(data, self._phone_number_id)
        if updates:
            task = asyncio.create_task(self._process(updates))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return web.Response(text="ok")

    async def _process(self, updates: list[Update]) -> None:
        for update in updates:
            try:
                if isinstance(update, Incoming):
                    async with self._in_order(update.person.external_id), self._slots.turn():
                        await self._handle(update)
                else:
                    # a status takes a slot for each visit to the database (see `slots`), not
                    # while it waits for its send's record: a wait must not stall turns
                    await self._handle(update)
            except Exception as err:
                # named by kind and place only: an exception's message can quote a person
                log.error(
                    "a WhatsApp %s failed: %s\n%s",
                    "message" if isinstance(update, Incoming) else "status",
                    error_summary(err),
                    redacted_traceback(err),
                )

    def _in_order(self, key: str) -> _PersonLock:
        return _PersonLock(self._locks, key)


class _PersonLock:
    """One person's FIFO lock, forgotten with its last holder (see telegram/updates.py)."""

    def __init__(self, locks: dict[str, tuple[asyncio.Lock, int]], key: str) -> None:
        self._locks = locks
        self._key = key
        lock, users = locks.get(key, (asyncio.Lock(), 0))
        locks[key] = (lock, users + 1)
        self._lock = lock

    async def __aenter__(self) -> None:
        try:
            await self._lock.acquire()
        except BaseException:
            self._release_slot()
            raise

    async def __aexit__(self, *_: object) -> None:
        self._lock.release()
        self._release_slot()

    def _release_slot(self) -> None:
        lock, users = self._locks[self._key]
        if users <= 1:
            del self._locks[self._key]
        else:
            self._locks[self._key] = (lock, users - 1)


async def _read_limited(request: web.Request) -> bytes:
    """The body, refusing it as soon as it passes MAX_BODY_BYTES (whatever the web app's
    own limit, and whether or not the caller said how long it is)."""
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise TooLarge
    body = bytearray()
    async for chunk in request.content.iter_chunked(_CHUNK):
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise TooLarge
    return bytes(body)
