"""The aiohttp transport keeps PTB's contract: form fields, uploads, timeouts, errors."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram import InputFile
from telegram.error import NetworkError, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.channels.telegram.http_request import AiohttpRequest


async def _echo(request: web.Request) -> web.Response:
    fields: dict[str, object]
    if request.content_type == "multipart/form-data":
        form = await request.post()
        fields = {
            name: (value.filename, value.file.read().decode(), value.content_type)
            if isinstance(value, web.FileField)
            else value
            for name, value in form.items()
        }
    else:
        fields = {name: value for name, value in (await request.post()).items()}
    body = {"ok": True, "result": {"fields": fields, "agent": request.headers["User-Agent"]}}
    return web.json_response(body)


async def _slow(request: web.Request) -> web.Response:
    await asyncio.sleep(float(request.query.get("s", "1")))
    return web.json_response({"ok": True, "result": True})


@pytest.fixture
async def server() -> AsyncIterator[str]:
    app = web.Application()
    app.router.add_post("/echo", _echo)
    app.router.add_post("/slow", _slow)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


@pytest.fixture
async def request_() -> AsyncIterator[AiohttpRequest]:
    request = AiohttpRequest(read_timeout=0.3)
    await request.initialize()
    yield request
    await request.shutdown()


def _data(**values: object) -> RequestData:
    return RequestData(
        [RequestParameter.from_input(name, value) for name, value in values.items()]
    )


async def test_fields_are_sent_as_ptb_encodes_them(server: str, request_: AiohttpRequest) -> None:
    data = _data(chat_id=5, text="héllo <b>", reply_markup={"inline_keyboard": []})
    status, body = await request_.do_request(f"{server}/echo", "POST", data)
    result = json.loads(body)["result"]
    assert status == 200
    assert result["fields"] == {
        "chat_id": "5",
        "text": "héllo <b>",
        "reply_markup": '{"inline_keyboard": []}',
    }
    assert "python-telegram-bot" in result["agent"]


async def test_files_go_as_multipart(server: str, request_: AiohttpRequest) -> None:
    upload = InputFile(b"%PDF-1.4 certificate", filename="certificate.pdf")
    status, body = await request_.do_request(
        f"{server}/echo", "POST", _data(chat_id=5, document=upload)
    )
    fields = json.loads(body)["result"]["fields"]
    assert status == 200 and fields["chat_id"] == "5"
    attached = [value for value in fields.values() if isinstance(value, list)]
    assert attached == [["certificate.pdf", "%PDF-1.4 certificate", "application/pdf"]]


async def test_a_slow_answer_is_timed_out(server: str, request_: AiohttpRequest) -> None:
    with pytest.raises(TimedOut):
        await request_.do_request(f"{server}/slow?s=1", "POST", _data(chat_id=1))
    # a longer read timeout for this call (as PTB gives getUpdates) waits it out
    status, _ = await request_.do_request(
        f"{server}/slow?s=0.5", "POST", _data(chat_id=1), read_timeout=2
    )
    assert status == 200


async def test_nobody_listening_is_a_network_error(request_: AiohttpRequest) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(NetworkError) as raised:
        await request_.do_request(f"http://127.0.0.1:{port}/x", "POST", None)
    assert not isinstance(raised.value, TimedOut)


async def test_used_before_initialize_or_after_shutdown_is_an_error() -> None:
    request = AiohttpRequest()
    with pytest.raises(RuntimeError):
        await request.do_request("http://127.0.0.1:1/", "POST")
    await request.initialize()
    await request.shutdown()
    with pytest.raises(RuntimeError):
        await request.do_request("http://127.0.0.1:1/", "POST")
