"""The Cloud API stand-in over real HTTP: raw aiohttp calls, and pywa_async's own client.

How pywa talks to the stand-in: pywa sets
`session.base_url = "https://graph.facebook.com/v{version}"` on the httpx client it is given
and sends every call there, so hand it an `httpx.AsyncClient` whose transport rewrites that
origin (scheme, host, port and the Host header) to the stand-in's root URL (`ToStandIn`
below; the bot's own client, bot/channels/whatsapp/client.py, takes the root URL):

    http = httpx.AsyncClient(transport=ToStandIn(standin.url))
    wa = WhatsApp(phone_id=..., token=..., session=http, app_secret=..., verify_token=...)

The media download URL the stand-in hands out already points at the stand-in, so only
graph.facebook.com is rewritten. Webhooks are read as the adapter will: the raw body and the
`X-Hub-Signature-256` header go to `wa.webhook_update_validator`, then the body to
`wa.webhook_update_handler`, which calls the registered `on_*` handlers; GET handshakes go to
`wa.webhook_challenge_handler`. `Receiver` below does exactly that on a small aiohttp app.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from aiohttp import web
from pywa import utils as pywa_utils
from pywa_async import WhatsApp, types
from pywa_async import errors as wa_errors
from pywa_async import handlers as pywa_handlers

from bot.channels.whatsapp.standin import (
    CloudApiStandIn,
    Code,
    Limit,
    ManualClock,
    Status,
    WebhookFault,
)

ANN = "15551230001"
BEN = "15551230002"
HOUR = 3600.0
DAY = 24 * HOUR
JsonDict = dict[str, Any]


class ToStandIn(httpx.AsyncBaseTransport):
    """Send pywa's requests for graph.facebook.com to the stand-in's root URL."""

    def __init__(self, root: str) -> None:
        self._root = httpx.URL(root)
        self._inner = httpx.AsyncHTTPTransport(retries=1)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host == "graph.facebook.com":
            root = self._root
            request.url = request.url.copy_with(scheme=root.scheme, host=root.host, port=root.port)
            request.headers["Host"] = root.netloc.decode()
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


@dataclass
class Receiver:
    """The bot's side of the webhook: pywa verifies, parses and dispatches what arrives."""

    wa: WhatsApp
    raw: list[tuple[bytes, str | None]] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)
    updates: list[Any] = field(default_factory=list)
    url: str = ""

    async def post(self, request: web.Request) -> web.Response:
        body = await request.read()
        header = request.headers.get("X-Hub-Signature-256")
        self.raw.append((body, header))
        refused = await self.wa.webhook_update_validator(body, header)
        if refused is not None:
            self.answers.append(refused[1])
            return web.Response(text=refused[0], status=refused[1])
        text, status = await self.wa.webhook_update_handler(body)
        self.answers.append(status)
        return web.Response(text=text, status=status)

    async def get(self, request: web.Request) -> web.Response:
        challenge, status = await self.wa.webhook_challenge_handler(
            vt=request.query.get("hub.verify_token"), ch=request.query.get("hub.challenge")
        )
        return web.Response(text=challenge or "", status=status)

    def of(self, kind: type) -> list[Any]:
        return [u for u in self.updates if isinstance(u, kind)]


@dataclass
class World:
    standin: CloudApiStandIn
    clock: ManualClock
    wa: WhatsApp
    receiver: Receiver
    http: httpx.AsyncClient

    @property
    def api(self) -> str:
        return f"{self.standin.url}/v23.0/{self.standin.account.phone_number_id}"

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.standin.token}"}

    async def post_message(self, body: JsonDict) -> httpx.Response:
        """A raw /messages call (no pywa), with the messaging_product filled in."""
        return await self.http.post(
            f"{self.api}/messages",
            json={"messaging_product": "whatsapp", **body},
            headers=self.auth,
        )

    async def settle(self) -> None:
        await self.standin.webhooks_delivered()


Factory = Callable[..., Awaitable[World]]


@pytest.fixture
async def make_world() -> AsyncIterator[Factory]:
    """Start a stand-in (Ann and Ben, manual clock), a pywa client and a webhook receiver."""
    cleanups: list[Callable[[], Awaitable[None]]] = []
    standins: list[CloudApiStandIn] = []

    async def make(**options: Any) -> World:
        clock = ManualClock()
        standin = CloudApiStandIn(clock=clock, **options)
        await standin.start()
        standins.append(standin)
        assert standin.url is not None
        session = httpx.AsyncClient(transport=ToStandIn(standin.url))
        cleanups.append(session.aclose)
        wa = WhatsApp(
            phone_id=standin.account.phone_number_id,
            token=standin.token,
            session=session,
            app_secret=standin.app_secret,
            verify_token=standin.verify_token,
            api_version="23.0",
        )
        receiver = Receiver(wa)

        async def collect(_: Any, update: Any) -> None:  # pywa types it as the sync client
            receiver.updates.append(update)

        wa.add_handlers(
            *(
                handler(collect)
                for handler in (
                    pywa_handlers.MessageHandler,
                    pywa_handlers.CallbackButtonHandler,
                    pywa_handlers.CallbackSelectionHandler,
                    pywa_handlers.MessageStatusHandler,
                )
            )
        )
        app = web.Application()
        app.router.add_post("/whatsapp", receiver.post)
        app.router.add_get("/whatsapp", receiver.get)
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        cleanups.append(runner.cleanup)
        receiver.url = f"http://127.0.0.1:{runner.addresses[0][1]}/whatsapp"
        standin.webhook_url = receiver.url
        standin.add_user(ANN, "Ann", "fr")
        standin.add_user(BEN, "Ben")
        http = httpx.AsyncClient()
        cleanups.append(http.aclose)
        return World(standin, clock, wa, receiver, http)

    yield make
    for standin in standins:  # first, so that no webhook is on its way to a stopped receiver
        await standin.stop()
    for cleanup in reversed(cleanups):
        await cleanup()


@pytest.fixture
async def world(make_world: Factory) -> World:
    return await make_world()


def body_text(*values: str) -> types.templates.BaseParams:
    """A template's body parameters, as the adapter would build them with pywa."""
    # pywa's stubs type params() as taking the component itself; it takes the values.
    return types.templates.BodyText.params(*values)  # type: ignore[arg-type]


async def talking(world: World, wa_id: str = ANN) -> None:
    """The user writes first (opening the window), and its webhooks are delivered."""
    world.standin.send_text(wa_id, "hello")
    await world.settle()


# --- the Graph API over raw HTTP ------------------------------------------------------------


async def test_wrong_or_missing_token_is_190_with_http_401(world: World) -> None:
    for headers in ({"Authorization": "Bearer WRONG"}, {}):
        response = await world.http.post(
            f"{world.api}/messages", json={"to": ANN}, headers=headers
        )
        assert response.status_code == 401
        error = response.json()["error"]
        assert error["code"] == 190
        assert error["type"] == "OAuthException"
        assert error["fbtrace_id"]
    assert [r.status for r in world.standin.requests] == [401, 401]


async def test_another_phone_number_id_is_an_unknown_object(world: World) -> None:
    response = await world.http.post(
        f"{world.standin.url}/v23.0/999/messages", json={}, headers=world.auth
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], error["error_subcode"]) == (100, 33)


async def test_text_message_answer_and_request_log(world: World) -> None:
    await talking(world)
    response = await world.post_message({"to": ANN, "type": "text", "text": {"body": "Hi"}})
    assert response.status_code == 200
    answer = response.json()
    assert answer["messaging_product"] == "whatsapp"
    assert answer["contacts"] == [{"input": ANN, "wa_id": ANN}]
    message_id = answer["messages"][0]["id"]
    assert message_id.startswith("wamid.")
    logged = world.standin.requests[-1]
    assert (logged.method, logged.endpoint, logged.status) == ("POST", "messages", 200)
    assert logged.body == {
        "messaging_product": "whatsapp",
        "to": ANN,
        "type": "text",
        "text": {"body": "Hi"},
    }
    assert logged.answer == answer
    assert world.standin.messages(ANN)[-1]["text"] == {"body": "Hi"}
    assert world.standin.messages(BEN) == []


async def test_malformed_bodies_are_code_100(world: World) -> None:
    await talking(world)
    response = await world.http.post(
        f"{world.api}/messages", content=b"not json", headers=world.auth
    )
    assert response.json()["error"]["code"] == 100
    response = await world.post_message({"to": ANN, "type": "carrier_pigeon"})
    assert response.json()["error"]["code"] == 100
    response = await world.post_message({"type": "text", "text": {"body": "no one"}})
    assert response.json()["error"]["code"] == 100


async def test_wait_for_request_finds_later_calls(world: World) -> None:
    await talking(world)
    since = len(world.standin.requests)
    await world.wa.send_message(ANN, "one")
    found = await world.standin.wait_for_request("messages", since=since)
    assert found.body["text"]["body"] == "one"  # type: ignore[index]
    with pytest.raises(TimeoutError):
        await world.standin.wait_for_request("media", timeout=0.05, since=since)


# --- sending each kind through pywa ---------------------------------------------------------


async def test_pywa_sends_text_buttons_and_list(world: World) -> None:
    await talking(world)
    wa = world.wa
    text = await wa.send_message(ANN, "*Lesson 1*", preview_url=False)
    buttons = await wa.send_message(
        ANN,
        "Ready?",
        header="Lesson 1",
        footer="ASI",
        buttons=[types.Button("Yes", "go"), types.Button("Later", "later")],
    )
    rows = [types.SectionRow(f"Topic {n}", f"topic:{n}", "About it") for n in range(10)]
    listed = await wa.send_message(
        ANN,
        "Pick a topic",
        buttons=types.SectionList("Topics", [types.Section("All topics", rows)]),
    )
    received = world.standin.messages(ANN)
    assert [m["id"] for m in received] == [text.id, buttons.id, listed.id]
    assert received[0]["text"]["body"] == "*Lesson 1*"
    interactive = received[1]["interactive"]
    assert interactive["type"] == "button"
    assert interactive["header"] == {"type": "text", "text": "Lesson 1"}
    assert interactive["footer"] == {"text": "ASI"}
    assert [b["reply"] for b in interactive["action"]["buttons"]] == [
        {"id": "go", "title": "Yes"},
        {"id": "later", "title": "Later"},
    ]
    assert received[2]["interactive"]["type"] == "list"
    assert len(received[2]["interactive"]["action"]["sections"][0]["rows"]) == 10


async def test_pywa_sends_media_by_id_and_link_and_templates(world: World) -> None:
    await talking(world)
    wa = world.wa
    pdf = await wa.upload_media(b"%PDF-1.4 pack", mime_type="application/pdf", filename="pack.pdf")
    await wa.send_document(ANN, pdf, filename="pack.pdf", caption="Your pack")
    await wa.send_image(ANN, "https://example.org/chart.png", caption="Progress")
    voice = await wa.upload_media(b"OggS...", mime_type="audio/ogg; codecs=opus", filename="v.ogg")
    await wa.send_voice(ANN, voice)
    await wa.send_audio(ANN, voice)
    await wa.send_video(ANN, "https://example.org/lesson.mp4")
    world.standin.register_template("lesson_reminder", "fr", "Bonjour {{1}}, la leçon {{2}}")
    await wa.send_template(
        ANN,
        name="lesson_reminder",
        language=types.templates.TemplateLanguage.FRENCH,
        params=[body_text("Ann", "3")],
    )
    received = world.standin.messages(ANN)
    kinds = [m["type"] for m in received]
    assert kinds == ["document", "image", "audio", "audio", "video", "template"]
    assert received[0]["document"] == {
        "id": pdf.id,
        "caption": "Your pack",
        "filename": "pack.pdf",
    }
    assert received[1]["image"]["link"] == "https://example.org/chart.png"
    assert received[2]["audio"] == {"id": voice.id, "voice": True}
    assert received[5]["rendered"] == "Bonjour Ann, la leçon 3"


async def test_read_receipts_and_typing(world: World) -> None:
    incoming = world.standin.send_text(ANN, "hello")
    await world.settle()
    assert (await world.wa.mark_message_as_read(incoming["id"])).success
    assert world.standin.inbound(incoming["id"]).read
    assert not world.standin.inbound(incoming["id"]).typing
    assert (await world.wa.indicate_typing(incoming["id"])).success
    assert world.standin.inbound(incoming["id"]).typing
    with pytest.raises(wa_errors.WhatsAppError) as raised:
        await world.wa.mark_message_as_read("wamid.unknown")
    assert raised.value.code == 100


# --- limits ---------------------------------------------------------------------------------


def interactive(kind: str, action: JsonDict, **extra: Any) -> JsonDict:
    body = extra.pop("body", {"text": "Choose"})
    return {
        "to": ANN,
        "type": "interactive",
        "interactive": {"type": kind, "action": action, "body": body, **extra},
    }


def buttons(*titles: str, ids: list[str] | None = None) -> JsonDict:
    ids = ids or [f"b{n}" for n in range(len(titles))]
    return {
        "buttons": [
            {"type": "reply", "reply": {"id": i, "title": t}}
            for i, t in zip(ids, titles, strict=True)
        ]
    }


def a_list(rows: list[JsonDict], *, sections: int = 1, button: str = "Topics") -> JsonDict:
    per = [rows[i::sections] for i in range(sections)]
    return {
        "button": button,
        "sections": [{"title": f"S{n}", "rows": r} for n, r in enumerate(per)],
    }


def row(n: int, **overrides: str) -> JsonDict:
    return {"id": f"r{n}", "title": f"Row {n}", **overrides}


LIMIT_CASES: list[tuple[str, JsonDict, int, Limit]] = [
    (
        "text > 4096",
        {"to": ANN, "type": "text", "text": {"body": "x" * 4097}},
        100,
        Limit.TEXT_BODY,
    ),
    ("4 buttons", interactive("button", buttons("a", "b", "c", "d")), 131009, Limit.BUTTON_COUNT),
    ("button title 21", interactive("button", buttons("x" * 21)), 131009, Limit.BUTTON_TITLE),
    (
        "button id 257",
        interactive("button", buttons("ok", ids=["i" * 257])),
        131009,
        Limit.BUTTON_ID,
    ),
    (
        "same ids",
        interactive("button", buttons("a", "b", ids=["same", "same"])),
        131009,
        Limit.DUPLICATE_ID,
    ),
    (
        "body 1025",
        interactive("button", buttons("ok"), body={"text": "x" * 1025}),
        100,
        Limit.INTERACTIVE_BODY,
    ),
    (
        "header 61",
        interactive("button", buttons("ok"), header={"type": "text", "text": "h" * 61}),
        100,
        Limit.HEADER,
    ),
    (
        "footer 61",
        interactive("button", buttons("ok"), footer={"text": "f" * 61}),
        100,
        Limit.FOOTER,
    ),
    (
        "11 rows",
        interactive("list", a_list([row(n) for n in range(11)], sections=2)),
        131009,
        Limit.LIST_ROWS,
    ),
    (
        "11 sections",
        interactive("list", a_list([row(n) for n in range(11)], sections=11)),
        131009,
        Limit.LIST_SECTIONS,
    ),
    (
        "row title 25",
        interactive("list", a_list([row(1, title="t" * 25)])),
        131009,
        Limit.ROW_TITLE,
    ),
    (
        "description 73",
        interactive("list", a_list([row(1, description="d" * 73)])),
        131009,
        Limit.ROW_DESCRIPTION,
    ),
    ("row id 201", interactive("list", a_list([row(1, id="i" * 201)])), 131009, Limit.ROW_ID),
    (
        "list label 21",
        interactive("list", a_list([row(1)], button="b" * 21)),
        131009,
        Limit.LIST_BUTTON,
    ),
]


@pytest.mark.parametrize(
    ("body", "code", "limit"), [c[1:] for c in LIMIT_CASES], ids=[c[0] for c in LIMIT_CASES]
)
async def test_each_limit_is_refused_with_metas_code(
    world: World, body: JsonDict, code: int, limit: Limit
) -> None:
    await talking(world)
    response = await world.post_message(body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"].startswith(f"(#{code}) ")
    assert error["error_data"]["details"]
    assert [v.limit for v in world.standin.violations] == [limit]
    assert world.standin.violations[0].wa_id == ANN
    assert world.standin.messages(ANN) == []


async def test_limits_at_the_edge_pass(world: World) -> None:
    await talking(world)
    edge = [
        {"to": ANN, "type": "text", "text": {"body": "x" * 4096}},
        interactive(
            "button",
            buttons("x" * 20, "b", "c", ids=["i" * 256, "j", "k"]),
            body={"text": "x" * 1024},
            header={"type": "text", "text": "h" * 60},
            footer={"text": "f" * 60},
        ),
        interactive(
            "list",
            a_list(
                [row(1, title="t" * 24, description="d" * 72, id="i" * 200)]
                + [row(n) for n in range(2, 11)],
                sections=10,
                button="b" * 20,
            ),
        ),
    ]
    for body in edge:
        response = await world.post_message(body)
        assert response.status_code == 200, response.json()
    assert world.standin.violations == []


async def test_pywa_raises_its_typed_errors_for_limits(world: World) -> None:
    await talking(world)
    too_many = [types.Button(str(n), str(n)) for n in range(4)]
    with pytest.raises(wa_errors.InvalidParameter) as raised:
        await world.wa.send_message(ANN, "Choose", buttons=too_many)
    assert raised.value.code == 131009
    with pytest.raises(wa_errors.WhatsAppError) as long_text:
        await world.wa.send_message(ANN, "x" * 4097)
    assert long_text.value.code == 100


# --- window, templates, pacing, undeliverable -----------------------------------------------


async def test_window_closed_refuses_free_form_but_not_templates(world: World) -> None:
    standin, wa = world.standin, world.wa
    standin.register_template("reminder", "en", "Your lesson {{1}} is waiting")
    with pytest.raises(wa_errors.ReEngagementMessage):
        await wa.send_message(BEN, "never wrote")
    await talking(world, BEN)
    await wa.send_message(BEN, "inside the window")
    world.clock.advance(DAY - 1)
    await wa.send_message(BEN, "still inside")
    world.clock.advance(1)
    with pytest.raises(wa_errors.ReEngagementMessage) as raised:
        await wa.send_message(BEN, "too late")
    assert raised.value.code == 131047
    world.clock.advance(6)  # a bulk send now: the pair rate counts from "still inside"
    sent = await wa.send_template(
        BEN,
        name="reminder",
        language=types.templates.TemplateLanguage.ENGLISH,
        params=[body_text("2")],
    )
    assert sent.status is not None
    assert standin.last_message(BEN)["rendered"] == "Your lesson 2 is waiting"  # type: ignore[index]
    assert [v.limit for v in standin.violations] == [Limit.WINDOW, Limit.WINDOW]


async def test_unregistered_templates_and_wrong_parameter_counts(world: World) -> None:
    world.standin.register_template("reminder", "en", "Lesson {{1}}")
    english = types.templates.TemplateLanguage.ENGLISH
    with pytest.raises(wa_errors.TemplateNotExists):
        await world.wa.send_template(ANN, name="promo", language=english, params=[])
    with pytest.raises(wa_errors.TemplateNotExists):
        french = types.templates.TemplateLanguage.FRENCH
        await world.wa.send_template(ANN, name="reminder", language=french, params=[])
    with pytest.raises(wa_errors.TemplateParamCountMismatch):
        await world.wa.send_template(ANN, name="reminder", language=english, params=[])
    assert [v.code for v in world.standin.violations] == [132001, 132001, 132000]


async def test_pair_rate_applies_to_bulk_sends_only(world: World) -> None:
    await talking(world)
    for n in range(3):  # answering the user's own message: no pair rate
        await world.wa.send_message(ANN, f"answer {n}")
    world.clock.advance(61)  # now a bulk send: the user has not written for a minute
    await world.wa.send_message(ANN, "announcement")
    world.clock.advance(5.9)
    with pytest.raises(wa_errors.TooManyMessages) as raised:
        await world.wa.send_message(ANN, "too soon")
    assert raised.value.code == 131056
    world.clock.advance(0.1)
    await world.wa.send_message(ANN, "six seconds later")
    assert [v.limit for v in world.standin.violations] == [Limit.PAIR_RATE]


async def test_pair_rate_can_be_turned_off(make_world: Factory) -> None:
    world = await make_world(pair_interval=None)
    await talking(world)
    world.clock.advance(120)
    for n in range(3):
        await world.wa.send_message(ANN, f"bulk {n}")
    assert len(world.standin.messages(ANN)) == 3


async def test_throughput_per_second(make_world: Factory) -> None:
    world = await make_world(throughput=3)
    await talking(world)
    await talking(world, BEN)
    for wa_id in (ANN, BEN, ANN):
        await world.wa.send_message(wa_id, "quick")
    with pytest.raises(wa_errors.RateLimitHit) as raised:
        await world.wa.send_message(BEN, "one too many")
    assert raised.value.code == 130429
    world.clock.advance(1)
    await world.wa.send_message(BEN, "next second")


async def test_undeliverable_and_unknown_numbers(world: World) -> None:
    await talking(world, BEN)
    world.standin.make_undeliverable(BEN)
    with pytest.raises(wa_errors.MessageUndeliverable) as raised:
        await world.wa.send_message(BEN, "hello")
    assert raised.value.code == 131026
    with pytest.raises(wa_errors.MessageUndeliverable):
        await world.wa.send_message("15559999999", "not on WhatsApp")
    world.standin.make_undeliverable(BEN, False)
    await world.wa.send_message(BEN, "reachable again")


async def test_late_failures_come_as_failed_statuses(make_world: Factory) -> None:
    world = await make_world(late_failures=True)
    sent = await world.wa.send_message(BEN, "window closed")
    await world.settle()
    statuses = world.receiver.of(types.MessageStatus)
    assert [(s.id, s.status) for s in statuses] == [(sent.id, types.MessageStatusType.FAILED)]
    assert statuses[0].error is not None
    assert statuses[0].error.code == 131047
    assert world.standin.messages(BEN) == []
    assert [v.limit for v in world.standin.violations] == [Limit.WINDOW]


# --- media ----------------------------------------------------------------------------------


async def test_media_upload_info_download_and_url_expiry(world: World) -> None:
    data = b"\x89PNG chart"
    media = await world.wa.upload_media(data, mime_type="image/png", filename="chart.png")
    upload = world.standin.requests[-1]
    assert upload.body["messaging_product"] == "whatsapp"  # type: ignore[index]
    assert upload.body["type"] == "image/png"  # type: ignore[index]
    info = await world.wa.get_media_url(media.id)
    assert info.sha256 == hashlib.sha256(data).hexdigest()
    assert (info.mime_type, info.file_size) == ("image/png", len(data))
    assert await world.wa.get_media_bytes(info.url) == data
    unauthenticated = await world.http.get(info.url)
    assert unauthenticated.status_code == 401
    world.clock.advance(5 * 60)
    with pytest.raises(httpx.HTTPStatusError) as expired:
        await world.wa.get_media_bytes(info.url)
    assert expired.value.response.status_code == 404
    fresh = await world.wa.get_media_url(media.id)
    assert await world.wa.get_media_bytes(fresh.url) == data


async def test_media_ids_lapse_after_thirty_days(world: World) -> None:
    await talking(world)
    media = await world.wa.upload_media(b"pdf", mime_type="application/pdf", filename="a.pdf")
    world.clock.advance(30 * DAY - 1)
    await talking(world)
    await world.wa.send_document(ANN, media.id, filename="a.pdf")
    world.clock.advance(1)
    with pytest.raises(wa_errors.WhatsAppError) as lapsed:
        await world.wa.get_media_url(media.id)
    assert lapsed.value.code == 100
    await talking(world)
    with pytest.raises(wa_errors.WhatsAppError) as resend:
        await world.wa.send_document(ANN, media.id, filename="a.pdf")
    assert resend.value.code == 100
    assert world.standin.violations[-1].limit is Limit.MEDIA_ID


async def test_media_lifetime_is_configurable_and_deletable(make_world: Factory) -> None:
    world = await make_world(media_lifetime=60.0)
    first = await world.wa.upload_media(b"a", mime_type="text/plain", filename="a.txt")
    second = await world.wa.upload_media(b"b", mime_type="text/plain", filename="b.txt")
    assert (await world.wa.delete_media(second.id)).success
    with pytest.raises(wa_errors.WhatsAppError):
        await world.wa.get_media_url(second.id)
    world.clock.advance(60)
    with pytest.raises(wa_errors.WhatsAppError):
        await world.wa.get_media_url(first.id)


async def test_user_media_can_be_fetched_for_seven_days(world: World) -> None:
    world.standin.send_media(ANN, "audio", b"OggS voice", "audio/ogg; codecs=opus", voice=True)
    await world.settle()
    (message,) = world.receiver.of(types.Message)
    assert message.audio is not None
    assert message.audio.voice
    assert await world.wa.get_media_bytes(await message.audio.get_media_url()) == b"OggS voice"
    world.clock.advance(7 * DAY)
    with pytest.raises(wa_errors.WhatsAppError):
        await world.wa.get_media_url(message.audio.id)


# --- webhooks -------------------------------------------------------------------------------


async def test_user_messages_arrive_signed_in_metas_shape(world: World) -> None:
    sent = world.standin.send_text(ANN, "Bonjour")
    await world.settle()
    ((raw, header),) = world.receiver.raw
    expected = hmac.new(world.standin.app_secret.encode(), raw, hashlib.sha256).hexdigest()
    assert header == f"sha256={expected}"
    assert pywa_utils.webhook_updates_validator(world.standin.app_secret, raw, header)
    body = json.loads(raw)
    assert body["object"] == "whatsapp_business_account"
    value = body["entry"][0]["changes"][0]["value"]
    assert body["entry"][0]["changes"][0]["field"] == "messages"
    assert value["metadata"]["phone_number_id"] == world.standin.account.phone_number_id
    assert value["contacts"][0]["profile"] == {"name": "Ann"}
    assert value["contacts"][0]["wa_id"] == ANN
    assert value["messages"][0]["id"] == sent["id"]
    assert "language" not in raw.decode()  # WhatsApp never tells the business the language
    (message,) = world.receiver.of(types.Message)
    assert (message.id, message.text, message.from_user.wa_id) == (sent["id"], "Bonjour", ANN)
    assert message.from_user.name == "Ann"
    assert world.receiver.answers == [200]


async def test_buttons_rows_and_media_parse_in_pywa(world: World) -> None:
    await talking(world)
    wa = world.wa
    asked = await wa.send_message(
        ANN, "Ready?", buttons=[types.Button("Yes", "go"), types.Button("No", "stop")]
    )
    listed = await wa.send_message(
        ANN,
        "Pick",
        buttons=types.SectionList(
            "Topics", [types.Section("All", [types.SectionRow("Water", "t:water", "Rivers")])]
        ),
    )
    world.standin.press_button(ANN, asked.id, "stop")
    world.standin.choose_row(ANN, listed.id, "t:water")
    world.standin.send_media(ANN, "document", b"%PDF", "application/pdf", "Map", "map.pdf")
    world.standin.send_media(ANN, "image", b"jpeg", "image/jpeg", "Site")
    await world.settle()
    (button,) = world.receiver.of(types.CallbackButton)
    assert (button.data, button.title, button.reply_to_message.id) == (
        "stop",
        "No",
        asked.id,
    )
    (selection,) = world.receiver.of(types.CallbackSelection)
    assert (selection.data, selection.title, selection.description) == (
        "t:water",
        "Water",
        "Rivers",
    )
    document, image = (m for m in world.receiver.of(types.Message) if m.text != "hello")
    assert document.document is not None
    assert (document.document.filename, document.caption) == ("map.pdf", "Map")
    assert image.image is not None
    assert image.caption == "Site"
    with pytest.raises(LookupError):
        world.standin.press_button(ANN, asked.id, "no-such-button")
    with pytest.raises(LookupError):
        world.standin.choose_row(ANN, asked.id, "t:water")


async def test_pressing_an_old_button_reopens_the_window(world: World) -> None:
    await talking(world)
    asked = await world.wa.send_message(ANN, "Ready?", buttons=[types.Button("Yes", "go")])
    world.clock.advance(2 * DAY)
    assert not world.standin.window_open(ANN)
    world.standin.press_button(ANN, asked.id, "go")
    assert world.standin.window_open(ANN)


async def test_status_callbacks_sent_delivered_read_and_failed(world: World) -> None:
    await talking(world)
    sent = await world.wa.send_message(ANN, "Lesson 1")
    await world.settle()
    world.standin.read(ANN, sent.id)
    world.standin.report_status(sent.id, Status.FAILED, error_code=Code.UNDELIVERABLE)
    await world.settle()
    statuses = world.receiver.of(types.MessageStatus)
    assert [(s.id, str(s.status)) for s in statuses] == [
        (sent.id, "sent"),
        (sent.id, "delivered"),
        (sent.id, "read"),
        (sent.id, "failed"),
    ]
    assert statuses[0].from_user.wa_id == ANN
    assert statuses[0].pricing is not None
    assert statuses[-1].error is not None
    assert isinstance(statuses[-1].error, wa_errors.MessageUndeliverable)


async def test_duplicate_delivery_is_byte_identical(world: World) -> None:
    world.standin.fault_next(WebhookFault.DUPLICATE)
    world.standin.send_text(ANN, "twice")
    world.standin.send_text(ANN, "once")
    await world.settle()
    bodies = [raw for raw, _ in world.receiver.raw]
    assert len(bodies) == 3
    assert bodies[0] == bodies[1] != bodies[2]
    # pywa's own duplicate filter is in memory; the bot must still de-duplicate by message id.
    assert [m.text for m in world.receiver.of(types.Message)] == ["twice", "once"]


@pytest.mark.parametrize("fault", [WebhookFault.BAD_SIGNATURE, WebhookFault.UNSIGNED])
async def test_wrong_or_missing_signatures_are_refused_and_retried(
    make_world: Factory, fault: WebhookFault
) -> None:
    world = await make_world(webhook_attempts=2)
    world.standin.fault_next(fault)
    world.standin.send_text(ANN, "forged")
    await world.settle()
    assert world.receiver.updates == []
    assert len(world.receiver.answers) == 2  # Meta retries what is not answered 200
    assert all(status >= 400 for status in world.receiver.answers)
    assert [d.ok for d in world.standin.deliveries] == [False, False]
    raw, header = world.receiver.raw[0]
    assert header is None or not pywa_utils.webhook_updates_validator(
        world.standin.app_secret, raw, header
    )


async def test_webhooks_wait_until_a_url_is_set(world: World) -> None:
    world.standin.webhook_url = None
    world.standin.send_text(ANN, "held")
    with pytest.raises(TimeoutError):
        await world.standin.webhooks_delivered(timeout=0.05)
    world.standin.webhook_url = world.receiver.url
    await world.settle()
    assert [m.text for m in world.receiver.of(types.Message)] == ["held"]


async def test_verification_handshake(world: World) -> None:
    assert await world.standin.verify_webhook(challenge="4242") == (200, "4242")
    status, _ = await world.standin.verify_webhook(verify_token="wrong", challenge="4242")
    assert status == 403


async def test_concurrent_webhooks_keep_each_users_order() -> None:
    """With webhook_concurrency, several calls are in flight at once, one user's in order."""
    in_flight, most, seen = 0, 0, []

    async def slow(request: web.Request) -> web.Response:
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        value = (await request.json())["entry"][0]["changes"][0]["value"]
        for message in value.get("messages", []):
            seen.append((message["from"], message["text"]["body"]))
        await asyncio.sleep(0.02)
        in_flight -= 1
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/whatsapp", slow)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        async with CloudApiStandIn(webhook_concurrency=4) as standin:
            standin.webhook_url = f"http://127.0.0.1:{runner.addresses[0][1]}/whatsapp"
            users = [f"6140000000{n}" for n in range(4)]
            for wa_id in users:
                standin.add_user(wa_id, "U")
            for n in range(5):
                for wa_id in users:
                    standin.send_text(wa_id, str(n))
            await standin.webhooks_delivered(timeout=10)
    finally:
        await runner.cleanup()
    assert most > 1, "calls to different users overlap"
    for wa_id in users:
        assert [text for who, text in seen if who == wa_id] == ["0", "1", "2", "3", "4"]
