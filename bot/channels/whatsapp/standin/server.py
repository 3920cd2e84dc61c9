"""An in-process stand-in for the WhatsApp Business Cloud API, for one business phone number.

End-to-end tests run the real bot against it over HTTP (pywa's Graph API base URL redirected
here), so pywa's request layer and error mapping run as in production, while tests drive
simulated users whose messages reach the bot as signed webhooks, and look at every call.

What the stand-in enforces, each with Meta's code: message shape and lengths (100, 131009,
see limits.py), the 24-hour customer-service window (131047; templates pass), pair rate
(131056) and throughput (130429, see pacing.py), undeliverable numbers (131026), templates
that are not registered or get the wrong number of parameters (132001, 132000), media ids
that are unknown or lapsed (100), and the bearer token (190, HTTP 401).

Undeliverable numbers and a closed window are answered at once with HTTP 400 by default.
Meta's Cloud API usually accepts such a message and reports the failure later, in a
`failed` status webhook; `late_failures=True` does that instead, so the adapter can be tested
against both.
"""

from __future__ import annotations

import copy
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from bot.channels.change_signal import ChangeSignal
from bot.channels.whatsapp.standin.clock import Clock, system_clock
from bot.channels.whatsapp.standin.errors import (
    Code,
    GraphError,
    Limit,
    bad_token,
    invalid,
    unknown_object,
)
from bot.channels.whatsapp.standin.limits import MEDIA_TYPES, media_objects, validate
from bot.channels.whatsapp.standin.media import DAY, MediaStore, StoredMedia
from bot.channels.whatsapp.standin.pacing import PairRate, Throughput
from bot.channels.whatsapp.standin.payloads import Account, message_event, status_event
from bot.channels.whatsapp.standin.state import Inbound, Outbound, Status, Template, User, World
from bot.channels.whatsapp.standin.webhook import Delivery, WebhookFault, WebhookSender

__all__ = ["CloudApiStandIn", "RecordedRequest", "Violation"]

_LOGGER = logging.getLogger(__name__)
_MAX_UPLOAD = 100 * 1024 * 1024
_VERSION = r"{version:v\d+\.\d+}"

JsonDict = dict[str, Any]
Handler = Callable[[web.Request, object], Awaitable[JsonDict]]


@dataclass(frozen=True)
class RecordedRequest:
    """One Graph API call the bot made, with the stand-in's answer."""

    method: str  # HTTP method
    path: str  # e.g. /v23.0/100000000000001/messages
    query: dict[str, str]
    body: object  # the decoded JSON body, or the form fields (files as Upload)
    status: int
    answer: object  # the JSON answered (None for media bytes)
    time: float  # time.monotonic() when the request arrived
    duration: float

    @property
    def endpoint(self) -> str:
        """The last path segment: "messages", "media", a media id..."""
        return self.path.rstrip("/").rsplit("/", 1)[-1]

    @property
    def error_code(self) -> int | None:
        """Meta's error code of a refused call."""
        if isinstance(self.answer, dict) and isinstance(self.answer.get("error"), dict):
            return int(self.answer["error"]["code"])
        return None


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart upload, as recorded."""

    filename: str | None
    content_type: str
    data: bytes = field(repr=False)

    @property
    def size(self) -> int:
        """The file's size in bytes."""
        return len(self.data)


@dataclass(frozen=True)
class Violation:
    """A message the stand-in refused (or failed later) because it broke a WhatsApp rule."""

    limit: Limit
    code: int
    details: str
    wa_id: str | None
    body: JsonDict


class CloudApiStandIn:
    """The Cloud API for one business phone number, with simulated users."""

    def __init__(
        self,
        token: str = "TEST-WHATSAPP-TOKEN",
        *,
        phone_number_id: str = "100000000000001",
        waba_id: str = "200000000000001",
        display_phone_number: str = "15550001111",
        app_secret: str = "test-app-secret",
        verify_token: str = "test-verify-token",
        webhook_url: str | None = None,
        clock: Clock = system_clock,
        throughput: int = 80,
        pair_interval: float | None = 6.0,
        conversation_grace: float = 60.0,
        window: float = DAY,
        media_lifetime: float = 30 * DAY,
        user_media_lifetime: float = 7 * DAY,
        auto_statuses: Iterable[Status] = (Status.SENT, Status.DELIVERED),
        late_failures: bool = False,
        undeliverable: Iterable[str] = (),
        webhook_attempts: int = 3,
        webhook_concurrency: int = 1,
    ) -> None:
        self.token = token
        self.verify_token = verify_token
        self.account = Account(waba_id, phone_number_id, display_phone_number)
        self.clock = clock
        self.window = window
        self.auto_statuses = tuple(auto_statuses)
        self.late_failures = late_failures
        self.world = World()
        self.world.undeliverable.update(undeliverable)
        self.media = MediaStore(
            clock, business_lifetime=media_lifetime, user_lifetime=user_media_lifetime
        )
        self.throughput = Throughput(throughput, clock)
        self.pair_rate = PairRate(pair_interval, conversation_grace, clock)
        self._signal = ChangeSignal()
        self._webhook = WebhookSender(
            app_secret, self._signal, attempts=webhook_attempts, concurrency=webhook_concurrency
        )
        self._webhook.url = webhook_url
        self.requests: list[RecordedRequest] = []
        self.violations: list[Violation] = []
        self._runner: web.AppRunner | None = None
        self.url: str | None = None
        self._app = self._build_app()

    # --- running -------------------------------------------------------------------------

    @property
    def app(self) -> web.Application:
        """The aiohttp application (to run it yourself or mount it into another one)."""
        return self._app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serve on `host`:`port` (0: any free port) and return the root URL."""
        self._runner = web.AppRunner(self._app, shutdown_timeout=2.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, host, port).start()
        self.url = f"http://{host}:{self._runner.addresses[0][1]}"
        return self.url

    async def stop(self) -> None:
        """Stop serving and delivering webhooks."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> CloudApiStandIn:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    def _build_app(self) -> web.Application:
        app = web.Application(client_max_size=_MAX_UPLOAD)
        routes = app.router
        routes.add_post(f"/{_VERSION}/{{phone_id}}/messages", self._route(self._messages))
        routes.add_post(f"/{_VERSION}/{{phone_id}}/media", self._route(self._upload))
        routes.add_get(f"/{_VERSION}/{{media_id}}", self._route(self._media_info))
        routes.add_delete(f"/{_VERSION}/{{media_id}}", self._route(self._delete_media))
        routes.add_get("/whatsapp_business/attachments/", self._download)
        routes.add_route("*", "/{tail:.*}", self._route(self._unsupported))
        app.on_startup.append(self._on_startup)
        app.on_cleanup.append(self._on_cleanup)
        return app

    async def _on_startup(self, app: web.Application) -> None:
        self._webhook.start()

    async def _on_cleanup(self, app: web.Application) -> None:
        await self._webhook.close()

    # --- the Graph API -------------------------------------------------------------------

    def _route(self, handler: Handler) -> Callable[[web.Request], Awaitable[web.Response]]:
        async def serve(request: web.Request) -> web.Response:
            started = time.monotonic()
            body: object = None
            try:
                self._check_token(request)
                body = await _read_body(request)
                status, answer = 200, await handler(request, body)
            except GraphError as error:
                status, answer = error.status, error.payload()
            except Exception as exc:  # a bug in the stand-in: answer 500, record it, log loudly
                _LOGGER.exception("the Cloud API stand-in failed on %s", request.path)
                status, answer = 500, {"error": {"message": f"stand-in bug: {exc!r}", "code": 1}}
            self._record(request, body, status, answer, started)
            return web.json_response(answer, status=status)

        return serve

    def _check_token(self, request: web.Request) -> None:
        header = request.headers.get("Authorization", "")
        given = header.removeprefix("Bearer ").strip() or request.query.get("access_token")
        if given != self.token:
            raise bad_token()

    def _record(
        self, request: web.Request, body: object, status: int, answer: object, started: float
    ) -> None:
        self.requests.append(
            RecordedRequest(
                method=request.method,
                path=request.path,
                query=dict(request.query),
                body=copy.deepcopy(body),
                status=status,
                answer=copy.deepcopy(answer),
                time=started,
                duration=time.monotonic() - started,
            )
        )
        self._signal.fire()

    def _own_phone(self, request: web.Request) -> None:
        phone_id = request.match_info["phone_id"]
        if phone_id != self.account.phone_number_id:
            raise unknown_object(request.method, phone_id)

    async def _unsupported(self, request: web.Request, body: object) -> JsonDict:
        raise unknown_object(request.method, request.path.strip("/").rsplit("/", 1)[-1])

    async def _messages(self, request: web.Request, body: object) -> JsonDict:
        self._own_phone(request)
        if not isinstance(body, dict):
            raise invalid(Limit.MALFORMED, "The request body must be a JSON object.")
        if body.get("status") == "read":
            return self._mark_read(body)
        return self._send(body)

    def _mark_read(self, body: JsonDict) -> JsonDict:
        inbound = self.world.inbound.get(str(body.get("message_id")))
        if inbound is None:
            raise invalid(Limit.MALFORMED, "Param message_id is not a valid message id.")
        inbound.read = True
        self.world.changed()
        inbound.typing = inbound.typing or "typing_indicator" in body
        self._signal.fire()
        return {"success": True}

    def _send(self, body: JsonDict) -> JsonDict:
        to, recipient = body.get("to"), body.get("recipient")
        user = self.world.recipient(to, recipient)
        wa_id = user.wa_id if user is not None else None
        try:
            self.throughput.check()
            validate(body)
            rendered = self._template_text(body)
            self._check_media(body)
            failure = self._delivery_failure(body, user)
            if failure is not None and not self.late_failures:
                raise failure
            if failure is None and user is not None:
                self.pair_rate.check(user.wa_id, user.last_inbound)
        except GraphError as error:
            self._violated(error, wa_id, body)
            raise
        if user is None:  # only with late_failures: the number is not on WhatsApp
            digits = "".join(c for c in str(to or recipient) if c.isdigit())
            user = User(digits, "", "")
        message = Outbound(self.world.message_id(), user.wa_id, copy.deepcopy(body), self.clock())
        message.text = rendered
        self.world.keep(message)
        self.throughput.record()
        self.pair_rate.record(user.wa_id)
        if failure is not None:
            self._violated(failure, wa_id, body)
            self._set_status(message, user, Status.FAILED, error=failure)
        else:
            for status in self.auto_statuses:
                self._set_status(message, user, status)
        contact: JsonDict = {"input": str(to or recipient)}
        contact["wa_id" if to else "user_id"] = user.wa_id if to else user.bsuid
        sent: JsonDict = {"id": message.id}
        if message.type == "template":
            sent["message_status"] = "accepted"
        self._signal.fire()
        return {"messaging_product": "whatsapp", "contacts": [contact], "messages": [sent]}

    def _violated(self, error: GraphError, wa_id: str | None, body: JsonDict) -> None:
        if error.limit is not None:
            self.violations.append(
                Violation(error.limit, int(error.code), error.details, wa_id, copy.deepcopy(body))
            )

    def _delivery_failure(self, body: JsonDict, user: User | None) -> GraphError | None:
        if user is None or user.wa_id in self.world.undeliverable:
            return GraphError(Code.UNDELIVERABLE, "Message Undeliverable.", Limit.UNDELIVERABLE)
        if body.get("type") != "template" and not self.window_open(user.wa_id):
            return GraphError(
                Code.REENGAGEMENT,
                "Message failed to send because more than 24 hours have passed since the "
                "customer last replied to this number.",
                Limit.WINDOW,
            )
        return None

    def _template_text(self, body: JsonDict) -> str | None:
        if body.get("type") != "template":
            return None
        content = body["template"]
        name = content.get("name")
        language = content.get("language")
        code = language.get("code") if isinstance(language, dict) else None
        template = self.world.templates.get((str(name), str(code)))
        if template is None:
            raise GraphError(
                Code.TEMPLATE_NOT_FOUND,
                f"template name ({name}) does not exist in {code}",
                Limit.TEMPLATE_UNKNOWN,
            )
        values = _body_parameters(content.get("components"))
        if len(values) != template.parameters:
            raise GraphError(
                Code.TEMPLATE_PARAM_COUNT,
                f"body: number of localizable_params ({len(values)}) does not match the "
                f"expected number of params ({template.parameters})",
                Limit.TEMPLATE_PARAMS,
            )
        return template.render(values)

    def _check_media(self, body: JsonDict) -> None:
        for kind, media in media_objects(body):
            if "id" in media and self.media.get(str(media["id"])) is None:
                raise invalid(
                    Limit.MEDIA_ID,
                    f"Param {kind}['id'] is not a valid whatsapp business account media "
                    "attachment ID",
                )

    async def _upload(self, request: web.Request, form: object) -> JsonDict:
        self._own_phone(request)
        if not isinstance(form, dict) or form.get("messaging_product") != "whatsapp":
            raise invalid(Limit.MALFORMED, "The parameter messaging_product is required.")
        part = form.get("file")
        if not isinstance(part, Upload):
            raise invalid(Limit.MALFORMED, "The parameter file is required.")
        mime = str(form.get("type") or part.content_type)
        media = self.media.add(part.data, mime, part.filename, by_business=True)
        return {"id": media.id}

    async def _media_info(self, request: web.Request, body: object) -> JsonDict:
        media_id = request.match_info["media_id"]
        media = self.media.get(media_id)
        phone = request.query.get("phone_number_id")
        if media is None or (phone is not None and phone != self.account.phone_number_id):
            raise unknown_object("get", media_id)
        return {
            "messaging_product": "whatsapp",
            "url": self.download_url(media),
            "mime_type": media.mime_type,
            "sha256": media.sha256,
            "file_size": len(media.data),
            "id": media.id,
        }

    async def _delete_media(self, request: web.Request, body: object) -> JsonDict:
        media_id = request.match_info["media_id"]
        if not self.media.delete(media_id):
            raise unknown_object("delete", media_id)
        return {"success": True}

    def download_url(self, media: StoredMedia) -> str:
        """A new 5-minute download URL for `media` (the stand-in must be running)."""
        assert self.url is not None, "start the stand-in first"
        token = self.media.link(media)
        return f"{self.url}/whatsapp_business/attachments/?mid={media.id}&hash={token}"

    async def _download(self, request: web.Request) -> web.Response:
        started = time.monotonic()
        try:
            self._check_token(request)
        except GraphError as error:
            self._record(request, None, error.status, error.payload(), started)
            return web.json_response(error.payload(), status=error.status)
        media = self.media.download(request.query.get("hash", ""))
        if media is None:
            self._record(request, None, 404, None, started)
            return web.Response(status=404, text="URL signature expired")
        self._record(request, None, 200, None, started)
        return web.Response(body=media.data, content_type=media.mime_type.split(";")[0])

    # --- test hooks ----------------------------------------------------------------------

    @property
    def webhook_url(self) -> str | None:
        """Where webhooks go (the bot's POST route); None holds them back."""
        return self._webhook.url

    @webhook_url.setter
    def webhook_url(self, url: str | None) -> None:
        self._webhook.url = url
        self._signal.fire()

    def bot_settings(self) -> dict[str, str]:
        """The WHATSAPP_* settings (as `load_settings` keywords) of a bot that talks to this
        stand-in (it must be running)."""
        assert self.url is not None, "start the stand-in first"
        return {
            "whatsapp_token": self.token,
            "whatsapp_phone_number_id": self.account.phone_number_id,
            "whatsapp_app_secret": self.app_secret,
            "whatsapp_verify_token": self.verify_token,
            "whatsapp_api_url": self.url,
            "whatsapp_number": self.account.display_phone_number,
        }

    @property
    def app_secret(self) -> str:
        """The secret webhooks are signed with."""
        return self._webhook.app_secret

    def fault_next(self, fault: WebhookFault, times: int = 1) -> None:
        """Make the next `times` webhooks duplicated, wrongly signed or unsigned."""
        self._webhook.fault_next(fault, times)

    def register_template(self, name: str, language: str, body: str) -> Template:
        """Approve a template (body parameters as `{{1}}`, `{{2}}`...) in one language."""
        template = Template(name, language, body)
        self.world.templates[(name, language)] = template
        return template

    def make_undeliverable(self, wa_id: str, undeliverable: bool = True) -> None:
        """Messages to this number now fail with 131026 (or deliver again)."""
        if undeliverable:
            self.world.undeliverable.add(wa_id)
        else:
            self.world.undeliverable.discard(wa_id)
        self.world.changed()
        self._signal.fire()

    def window_open(self, wa_id: str) -> bool:
        """Whether the user wrote within the customer-service window."""
        last = self.world.user(wa_id).last_inbound
        return last is not None and self.clock() - last < self.window

    async def verify_webhook(
        self,
        url: str | None = None,
        *,
        verify_token: str | None = None,
        challenge: str = "1158201444",
    ) -> tuple[int, str]:
        """Run Meta's GET handshake against the bot; return its status and body text."""
        target = url or self.webhook_url
        assert target is not None, "no webhook URL"
        params = {
            "hub.mode": "subscribe",
            "hub.verify_token": verify_token if verify_token is not None else self.verify_token,
            "hub.challenge": challenge,
        }
        async with aiohttp.ClientSession() as session, session.get(target, params=params) as r:
            return r.status, await r.text()

    async def wait_for_request(
        self,
        predicate: Callable[[RecordedRequest], bool] | str,
        timeout: float = 5.0,  # noqa: ASYNC109 - the signature the tests share
        *,
        since: int = 0,
    ) -> RecordedRequest:
        """Return the first request from index `since` on that matches, waiting if needed.

        `predicate` may be an endpoint name ("messages", "media"). Raises TimeoutError.
        """
        if isinstance(predicate, str):
            name = predicate
            predicate = lambda request: request.endpoint == name  # noqa: E731
        matches = predicate
        position = since

        def find() -> RecordedRequest | None:
            nonlocal position
            while position < len(self.requests):
                request = self.requests[position]
                position += 1
                if matches(request):
                    return request
            return None

        found = await self._signal.wait_for(find, timeout)
        if found is None:
            raise TimeoutError(f"no matching Cloud API request within {timeout} s")
        return found

    async def wait_for(
        self,
        check: Callable[[], object | None],
        timeout: float = 5.0,  # noqa: ASYNC109 - the signature the tests share
    ) -> object:
        """Wait until `check()` returns something other than None (re-checked on each change)."""
        found = await self._signal.wait_for(check, timeout)
        if found is None:
            raise TimeoutError(f"condition not met within {timeout} s")
        return found

    async def webhooks_delivered(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Wait until every queued webhook has been delivered (or given up on)."""
        await self.wait_for(lambda: True if self._webhook.idle else None, timeout)

    # --- simulated users -----------------------------------------------------------------

    def add_user(
        self, wa_id: str, name: str, language: str | None = None, *, bsuid: str | None = None
    ) -> User:
        """Create a simulated user; their window is closed until they write."""
        user = self.world.add_user(wa_id, name, language, bsuid)
        self._signal.fire()
        return user

    def send_text(self, wa_id: str, text: str) -> JsonDict:
        """The user sends a text; return the messages[] entry the bot gets by webhook."""
        return self._inbound(wa_id, "text", {"text": {"body": text}})

    def press_button(self, wa_id: str, message_id: str, button_id: str) -> JsonDict:
        """The user presses a reply button of the bot's message `message_id`."""
        action = self._interactive_action(wa_id, message_id, "button")
        for button in action.get("buttons", []):
            if button["reply"]["id"] == button_id:
                reply = {"id": button_id, "title": button["reply"]["title"]}
                content = {"type": "button_reply", "button_reply": reply}
                return self._inbound(wa_id, "interactive", {"interactive": content}, message_id)
        raise LookupError(f"message {message_id} has no button {button_id!r}")

    def choose_row(self, wa_id: str, message_id: str, row_id: str) -> JsonDict:
        """The user picks a row of the bot's list message `message_id`."""
        action = self._interactive_action(wa_id, message_id, "list")
        for section in action.get("sections", []):
            for row in section["rows"]:
                if row["id"] == row_id:
                    reply = {k: row[k] for k in ("id", "title", "description") if k in row}
                    content = {"type": "list_reply", "list_reply": reply}
                    return self._inbound(
                        wa_id, "interactive", {"interactive": content}, message_id
                    )
        raise LookupError(f"message {message_id} has no row {row_id!r}")

    def send_forged_reply(
        self, wa_id: str, reply_id: str, reply_to: str | None = None
    ) -> JsonDict:
        """A list reply naming any id, as a tampered client or relay could send: the bot
        must refuse what it never offered."""
        content = {"type": "list_reply", "list_reply": {"id": reply_id, "title": "?"}}
        return self._inbound(wa_id, "interactive", {"interactive": content}, reply_to)

    def send_media(
        self,
        wa_id: str,
        kind: str,
        data: bytes,
        mime: str,
        caption: str | None = None,
        filename: str | None = None,
        *,
        voice: bool = False,
    ) -> JsonDict:
        """The user sends an image, document, audio (a voice note with `voice`) or video.

        The bytes are kept for 7 days under a media id, so the bot can fetch them.
        """
        if kind not in MEDIA_TYPES:
            raise ValueError(f"cannot send a {kind}")
        stored = self.media.add(data, mime, filename, by_business=False)
        media: JsonDict = {"mime_type": mime, "sha256": stored.sha256, "id": stored.id}
        if caption is not None and kind in ("image", "video", "document"):
            media["caption"] = caption
        if filename is not None and kind == "document":
            media["filename"] = filename
        if voice:
            media["voice"] = True
        return self._inbound(wa_id, kind, {kind: media})

    def read(self, wa_id: str, message_id: str) -> None:
        """The user reads the bot's message: a `read` status webhook."""
        message = self._outbound_of(wa_id, message_id)
        self._set_status(message, self.world.user(wa_id), Status.READ)

    def report_status(
        self, message_id: str, status: Status, *, error_code: Code | None = None
    ) -> None:
        """Send any status webhook for a bot message (failed: with `error_code`)."""
        message = self.world.outbound[message_id]
        error = GraphError(error_code, "Reported by the test.") if error_code else None
        self._set_status(message, self.world.user(message.wa_id), status, error=error)

    def _interactive_action(self, wa_id: str, message_id: str, kind: str) -> JsonDict:
        message = self._outbound_of(wa_id, message_id)
        content = message.body.get("interactive")
        if message.type != "interactive" or not isinstance(content, dict):
            raise LookupError(f"message {message_id} is not interactive")
        if content.get("type") != kind:
            raise LookupError(f"message {message_id} is a {content.get('type')}, not a {kind}")
        action: JsonDict = content["action"]
        return action

    def _outbound_of(self, wa_id: str, message_id: str) -> Outbound:
        message = self.world.outbound.get(message_id)
        if message is None or message.wa_id != wa_id or message.status is Status.FAILED:
            raise LookupError(f"user {wa_id} did not receive message {message_id}")
        return message

    def _inbound(
        self, wa_id: str, kind: str, content: JsonDict, reply_to: str | None = None
    ) -> JsonDict:
        user = self.world.user(wa_id)
        now = self.clock()
        message: JsonDict = {
            "from": user.wa_id,
            "from_user_id": user.bsuid,
            "id": self.world.message_id(),
            "timestamp": str(int(now)),
            "type": kind,
            **content,
        }
        if reply_to is not None:
            message["context"] = {"from": self.account.display_phone_number, "id": reply_to}
        user.last_inbound = now
        self.world.keep(Inbound(message["id"], wa_id, message))
        self._webhook.enqueue(message_event(self.account, user, message), key=user.wa_id)
        return copy.deepcopy(message)

    def _set_status(
        self, message: Outbound, user: User, status: Status, *, error: GraphError | None = None
    ) -> None:
        message.status = status
        self.world.changed()
        category = "utility" if message.type == "template" else "service"
        event = status_event(
            self.account, user, message.id, status, self.clock(), error=error, category=category
        )
        self._webhook.enqueue(event, key=user.wa_id)

    # --- observing -----------------------------------------------------------------------

    def messages(self, wa_id: str) -> list[JsonDict]:
        """What the user received, in order: each /messages body plus `id` and `status`."""
        return [m.as_dict() for m in self.world.received(wa_id)]

    def last_message(self, wa_id: str) -> JsonDict | None:
        """The newest message the user received, or None."""
        received = self.messages(wa_id)
        return received[-1] if received else None

    def inbound(self, message_id: str) -> Inbound:
        """A message a user sent (with whether the bot marked it read or showed typing)."""
        return self.world.inbound[message_id]

    @property
    def deliveries(self) -> list[Delivery]:
        """Every webhook delivery attempt, in order."""
        return self._webhook.deliveries


def _body_parameters(components: object) -> list[str]:
    """The text values of a template's body parameters, in order (pywa says "BODY")."""
    if not isinstance(components, list):
        return []
    for component in components:
        if isinstance(component, dict) and str(component.get("type")).lower() == "body":
            return [str(p.get("text", "")) for p in component.get("parameters", [])]
    return []


async def _read_body(request: web.Request) -> object:
    """The JSON body, or the form fields of a multipart upload (files as `Upload`)."""
    if not request.body_exists:
        return None
    if request.content_type == "multipart/form-data":
        fields: JsonDict = {}
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                fields[key] = Upload(value.filename, value.content_type, value.file.read())
            else:
                fields[key] = value
        return fields
    try:
        return await request.json()
    except ValueError:
        raise invalid(Limit.MALFORMED, "The request body is not valid JSON.") from None
