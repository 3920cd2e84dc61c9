"""How the WhatsApp channel sorts what Meta answers, against a Graph server that answers as
told: codes that mean later, never, or unreachable; 5xx answers and requests that never
left are tried again; a request that may have reached Meta is never sent a second time."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web

from bot.channels.whatsapp.channel import WhatsAppChannel
from bot.channels.whatsapp.client import GraphApi
from bot.channels.whatsapp.pacing import LocalPace
from bot.config import TemplatePurpose
from bot.conversation.ports import Sent, Unprompted
from tests.conftest import free_port
from tests.e2e.harness import shared_i18n

Answer = tuple[int, Any] | float  # (HTTP status, JSON or text), or seconds to hang


class Graph:
    """Answers each /messages call with the next of `answers` (then: accepted)."""

    def __init__(self, answers: list[Answer]) -> None:
        self.answers = answers
        self.calls: list[dict[str, Any]] = []

    async def messages(self, request: web.Request) -> web.Response:
        self.calls.append(await request.json())
        answer = self.answers.pop(0) if self.answers else (200, None)
        if isinstance(answer, float):
            await asyncio.sleep(answer)
            answer = (200, None)
        status, body = answer
        if body is None:
            body = {"messages": [{"id": f"wamid.{len(self.calls)}"}]}
        if isinstance(body, str):
            return web.Response(status=status, text=body)
        return web.json_response(body, status=status)


def _error(code: int) -> tuple[int, Any]:
    return (400, {"error": {"message": f"(#{code})", "code": code, "type": "OAuthException"}})


@asynccontextmanager
async def _channel(
    answers: list[Answer], *, listening: bool = True
) -> AsyncIterator[tuple[WhatsAppChannel, Graph]]:
    graph = Graph(answers)
    app = web.Application()
    app.router.add_post("/{version}/{phone}/messages", graph.messages)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    if listening:
        await web.TCPSite(runner, "127.0.0.1", port).start()
    api = GraphApi(
        token="t", phone_id="100000000000001", api_url=f"http://127.0.0.1:{port}", timeout=0.5
    )
    t = shared_i18n("en").translator("en")
    channel = WhatsAppChannel(
        api,
        number="15550001111",
        translator=t,
        pace=LocalPace(1000, per_recipient=0),
        templates=lambda purpose, language: None,
        languages=lambda language: t,
        clock=lambda: datetime.now(UTC),
    )
    try:
        yield channel, graph
    finally:
        await api.close()
        await runner.cleanup()


async def test_meta_codes_are_sorted() -> None:
    cases = {
        131026: (Sent.BLOCKED, None),
        131047: (Sent.SKIPPED, None),
        130429: (Sent.LATER, timedelta(seconds=2)),
        131048: (Sent.LATER, timedelta(minutes=5)),
        131056: (Sent.LATER, timedelta(seconds=10)),
        131009: (Sent.FAILED, None),
    }
    for code, (result, retry_in) in cases.items():
        async with _channel([_error(code)]) as (channel, graph):
            sent = await channel.send("224620000001", "Hello")
            assert (sent.result, sent.retry_in) == (result, retry_in), code
            assert len(graph.calls) == 1, "sorted at once, not tried again in place"


async def test_a_5xx_is_tried_again_with_backoff() -> None:
    async with _channel([(503, "Service Unavailable"), (500, "oops")]) as (channel, graph):
        sent = await channel.send("224620000001", "Hello")
    assert sent.result is Sent.SENT and sent.ref == "wamid.3" and sent.reported_later
    assert len(graph.calls) == 3


async def test_a_lasting_outage_leaves_the_message_for_later() -> None:
    async with _channel([_error(131000)] * 4) as (channel, graph):
        sent = await channel.send("224620000001", "Hello")
    assert sent.result is Sent.LATER and len(graph.calls) == 4


async def test_no_connection_leaves_the_message_for_later() -> None:
    async with _channel([], listening=False) as (channel, _):
        sent = await channel.send("224620000001", "Hello")
    assert sent.result is Sent.LATER


async def test_a_timeout_after_the_request_went_is_never_sent_again() -> None:
    """Meta may have accepted it: failed, with exactly one request."""
    async with _channel([2.0]) as (channel, graph):
        sent = await channel.send("224620000001", "Hello")
        await asyncio.sleep(1.6)  # the server finishes its answer
    assert sent.result is Sent.FAILED
    assert len(graph.calls) == 1


async def test_outside_the_window_without_a_template_nothing_goes() -> None:
    async with _channel([]) as (channel, graph):
        long_ago = datetime.now(UTC) - timedelta(days=2)
        unprompted = Unprompted(TemplatePurpose.REMINDER, "fr", long_ago)
        sent = await channel.send("224620000001", "Hello", unprompted=unprompted)
    assert sent.result is Sent.SKIPPED and graph.calls == []
