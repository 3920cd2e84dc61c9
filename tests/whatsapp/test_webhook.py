"""GET and POST /whatsapp: the handshake, the signature before anything else, the limits,
an answer before the work, and one person's messages in order. A message delivered twice is
dropped by its turn, not here (tests/whatsapp/test_redelivery.py)."""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.channels.whatsapp.events import Delivery, Incoming, Status, Update
from bot.channels.whatsapp.webhook import MAX_BODY_BYTES, WhatsAppWebhook
from bot.conversation.events import Typed
from tests.whatsapp import meta_bodies as meta


class Recorder:
    """The processing the adapter will pass: records what it was handed."""

    def __init__(self) -> None:
        self.seen: list[Update] = []
        self.release = asyncio.Event()
        self.release.set()
        self.fail_on: str | None = None
        self.running = self.most = 0  # how many are being handled now, and at the most

    async def __call__(self, update: Update) -> None:
        self.running += 1
        self.most = max(self.most, self.running)
        try:
            await self.release.wait()
            if isinstance(update, Incoming) and update.message_id == self.fail_on:
                raise RuntimeError(f"failed on what {update.person.name} wrote")
            self.seen.append(update)
        finally:
            self.running -= 1


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


async def _client(recorder: Recorder) -> tuple[TestClient[Any, Any], WhatsAppWebhook]:
    hook = WhatsAppWebhook(
        app_secret=meta.APP_SECRET,
        verify_token=meta.VERIFY_TOKEN,
        handle=recorder,
        phone_number_id=meta.PHONE_NUMBER_ID,
        at_once=1,
    )
    app = web.Application()
    hook.add_to(app)
    client: TestClient[Any, Any] = TestClient(TestServer(app))
    await client.start_server()
    return client, hook


@pytest.fixture
async def served(
    recorder: Recorder,
) -> AsyncIterator[tuple[TestClient[Any, Any], WhatsAppWebhook]]:
    client, hook = await _client(recorder)
    yield client, hook
    await client.close()


async def post(
    client: TestClient[Any, Any], body: bytes, signature: str | None = "right"
) -> tuple[int, str]:
    headers = {"Content-Type": "application/json"}
    if signature == "right":
        headers["X-Hub-Signature-256"] = meta.signature(body)
    elif signature is not None:
        headers["X-Hub-Signature-256"] = signature
    response = await client.post("/whatsapp", data=body, headers=headers)
    return response.status, await response.text()


# --- the handshake ----------------------------------------------------------------------


async def test_the_handshake_echoes_the_challenge_for_the_right_token(
    served: tuple[TestClient[Any, Any], WhatsAppWebhook],
) -> None:
    client, _ = served
    params = {
        "hub.mode": "subscribe",
        "hub.verify_token": meta.VERIFY_TOKEN,
        "hub.challenge": "1158201444",
    }
    response = await client.get("/whatsapp", params=params)
    assert response.status == 200 and await response.text() == "1158201444"
    for wrong in (
        {**params, "hub.verify_token": "guess"},
        {**params, "hub.mode": "unsubscribe"},
        {k: v for k, v in params.items() if k != "hub.verify_token"},
        {k: v for k, v in params.items() if k != "hub.challenge"},
    ):
        response = await client.get("/whatsapp", params=wrong)
        assert response.status == 403
        assert "1158201444" not in await response.text()


# --- what is refused --------------------------------------------------------------------


async def test_a_call_without_a_signature_is_refused_and_not_processed(
    served: tuple[TestClient[Any, Any], WhatsAppWebhook], recorder: Recorder
) -> None:
    client, hook = served
    assert (await post(client, meta.encode(meta.text("hi")), None))[0] == 401
    assert (await post(client, meta.encode(meta.text("hi")), ""))[0] == 401
    await hook.drain()
    assert recorder.seen == []


async def test_a_wrong_signature_is_refused_and_not_processed(
    served: tuple[TestClient[Any, Any], WhatsAppWebhook], recorder: Recorder
) -> None:
    client, hook = served
    body = meta.encode(meta.text("hi"))
    other_secret = meta.signature(body, "not-the-app-secret")
    tampered = meta.signature(body)
    for wrong in (other_secret, "sha256=", "sha256=" + "0" * 64, tampered[:-1] + "0"):
        assert (await post(client, body, wrong))[0] == 403
    # signed, then changed on the way
    assert (await post(client, body.replace(b"hi", b"ho"), tampered))[0] == 403
    # malformed JSON with a wrong signature: the signature is checked first
    assert (await post(client, b"{not json", "sha256=abc"))[0] == 403
    await hook.drain()
    assert recorder.seen == []


async def test_signatures_are_compared_in_constant_time(
    served: tuple[TestClient[Any, Any], WhatsAppWebhook],
    recorder: Recorder,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client, hook = served
    compared: list[tuple[object, object]] = []
    real = hmac.compare_digest

    def spy(a: Any, b: Any) -> bool:
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    body = meta.encode(meta.text("hi"))
    assert (await post(client, body, "sha256=" + "0" * 64))[0] == 403
    assert ("0" * 64) in [b for _, b in compared], "the wrong signature went through it"
    assert (await post(client, body))[0] == 200
    await hook.drain()
    assert len(recorder.seen) == 1


async def test_an_oversize_body_is_refused(
    served: tuple[TestClient[Any, Any], WhatsAppWebhook], recorder: Recorder
) -> None:
    client, hook = served
    body = meta.text("x" * MAX_BODY_BYTES)
    encoded = meta.encode(body)
    assert (await post(client, encoded))[0] == 413

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted while read
        for start in range(0, len(encoded), 256 * 1024):
            yield encoded[start : start + 256 * 1024]

    response = await client.post(
        "/whatsapp",
        data=chunks(),
        headers={"X-Hub-Signature-256": meta.signature(encoded)},
    )
    assert response.status == 413
    await hook.drain()
    assert recorder.seen == []


async def test_malformed_json_with_a_right_signature_is_a_bad_request(
    served: tuple[TestClient[Any, Any], WhatsAppWebhook], recorder: Recorder
) -> None:
    client, hook = served
    for bad in (b"{not json", b"\xff\xfe", b""):
        assert (await post(client, bad))[0] == 400
    await hook.drain()
    assert recorder.seen == []


# --- what is taken ----------------------------------------------------------------------


async def test_a_signed_call_is_answered_before_it_is_processed(
    served: tuple[TestClient[Any, Any], WhatsAppWebhook], recorder: Recorder
) -> None:
    client, hook = served
    recorder.release.clear()  # the processing waits: the answer must not
    status, text = await asyncio.wait_for(post(client, meta.encode(meta.text("Bonjour"))), 5)
    assert (status, text) == (200, "ok")
    assert recorder.seen == [] and hook.busy
    recorder.release.set()
    await hook.drain()
    [incoming] = recorder.seen
    assert isinstance(incoming, Incoming) and incoming.event == Typed("Bonjour", "Bonjour")
    assert incoming.person.external_id == meta.AWA and not hook.busy


async def test_statuses_reach_the_processing(
    served: tuple[TestClient[Any, Any], WhatsAppWebhook], recorder: Recorder
) -> None:
    client, hook = served
    body = meta.status("failed", errors=[meta.WINDOW_CLOSED])
    assert (await post(client, meta.encode(body)))[0] == 200
    await hook.drain()
    [status] = recorder.seen
    assert isinstance(status, Status)
    assert status.status is Delivery.FAILED and status.error_code == 131047


async def test_a_call_for_another_number_or_no_messages_is_answered_and_ignored(
    served: tuple[TestClient[Any, Any], WhatsAppWebhook], recorder: Recorder
) -> None:
    client, hook = served
    other = meta.text("hi")
    other["entry"][0]["changes"][0]["value"]["metadata"]["phone_number_id"] = "999"
    for body in (other, {"object": "whatsapp_business_account", "entry": []}, [1, 2]):
        assert (await post(client, meta.encode(body)))[0] == 200  # type: ignore[arg-type]
    await hook.drain()
    assert recorder.seen == []


async def test_one_persons_messages_in_order_and_at_most_at_once_together(
    served: tuple[TestClient[Any, Any], WhatsAppWebhook], recorder: Recorder
) -> None:
    """Each person's messages in the order they came; SQLite has one writer, so turns do
    not overlap (this webhook: at_once=1) even for different people."""
    client, hook = served
    recorder.release.clear()
    people = (meta.AWA, "224620000009")
    for n in range(5):
        for wa_id in people:
            body = meta.encode(
                meta.text(f"answer {n}", wa_id=wa_id, message_id=f"wamid.{wa_id}.{n}")
            )
            assert (await post(client, body))[0] == 200
    await asyncio.sleep(0.05)
    recorder.release.set()
    await hook.drain()
    for wa_id in people:
        mine = [u.message_id for u in recorder.seen if u.message_id.startswith(f"wamid.{wa_id}")]
        assert mine == [f"wamid.{wa_id}.{n}" for n in range(5)]
    assert recorder.most == 1, "one at a time"


async def test_a_failure_is_logged_without_what_was_written_and_the_rest_goes_on(
    served: tuple[TestClient[Any, Any], WhatsAppWebhook],
    recorder: Recorder,
    caplog: pytest.LogCaptureFixture,
) -> None:
    client, hook = served
    recorder.fail_on = "wamid.1"
    batch = meta.text("Secret answer about Kamsar", message_id="wamid.1", name="Awa Camara")
    value = batch["entry"][0]["changes"][0]["value"]
    value["messages"].append({**value["messages"][0], "id": "wamid.2"})
    with caplog.at_level(logging.INFO):
        assert (await post(client, meta.encode(batch)))[0] == 200
        await hook.drain()
    assert [u.message_id for u in recorder.seen] == ["wamid.2"]
    assert "RuntimeError" in caplog.text and "test_webhook.py" in caplog.text
    assert "Kamsar" not in caplog.text and "Awa" not in caplog.text
    assert meta.AWA not in caplog.text


async def test_shutting_the_web_app_down_waits_for_the_work(recorder: Recorder) -> None:
    client, _ = await _client(recorder)
    recorder.release.clear()
    assert (await post(client, meta.encode(meta.text("late")))) == (200, "ok")
    closing = asyncio.create_task(client.close())
    await asyncio.sleep(0.05)
    assert not closing.done(), "shutdown waits for the message in progress"
    recorder.release.set()
    await asyncio.wait_for(closing, 5)
    assert len(recorder.seen) == 1
