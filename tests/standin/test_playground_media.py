"""The playground's file upload (📎): the chosen file reaches the bot as a voice note, photo
or document, and the bot can fetch it with getFile."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from telegram import Bot, Update

from bot.channels.telegram.standin import BotApiStandIn

TOKEN = "123456:TEST-TOKEN-for-the-playground-media"


@pytest.fixture
async def served() -> AsyncIterator[tuple[BotApiStandIn, str, Bot]]:
    standin = BotApiStandIn(TOKEN)
    standin.add_user(1, "Ann")
    url = await standin.start()
    bot = Bot(TOKEN, base_url=f"{url}/bot", base_file_url=f"{url}/file/bot")
    async with bot:
        yield standin, url, bot
    await standin.stop()


async def _upload(url: str, name: str, mime: str, data: bytes, caption: str = "") -> int:
    form = aiohttp.FormData()
    form.add_field("user_id", "1")
    form.add_field("caption", caption)
    form.add_field("file", data, filename=name, content_type=mime)
    async with aiohttp.ClientSession() as http, http.post(f"{url}/pg/media", data=form) as r:
        assert r.status == 200, await r.text()
        return int((await r.json())["update_id"])


@pytest.mark.parametrize(
    ("name", "mime", "kind"),
    [
        ("note.ogg", "application/octet-stream", "voice"),
        ("view.png", "image/png", "photo"),
        ("letter.pdf", "application/pdf", "document"),
    ],
)
async def test_an_uploaded_file_arrives_as_the_right_kind(
    served: tuple[BotApiStandIn, str, Bot], name: str, mime: str, kind: str
) -> None:
    _, url, bot = served
    data = b"\x89PNG\r\n\x1a\n" + b"\0" * 30 if kind == "photo" else b"bytes of " + name.encode()
    await _upload(url, name, mime, data, caption="my say")
    (update,) = await bot.get_updates(timeout=0)
    assert isinstance(update, Update) and update.message is not None
    message = update.message
    assert message.caption == "my say"
    media = {
        "voice": message.voice,
        "photo": (message.photo or [None])[-1],
        "document": message.document,
    }
    found = media[kind]
    assert found is not None, message
    file = await bot.get_file(found.file_id)
    assert bytes(await file.download_as_bytearray()) == data


async def test_an_upload_without_a_file_is_refused(served: tuple[BotApiStandIn, str, Bot]) -> None:
    _, url, _ = served
    form = aiohttp.FormData()
    form.add_field("user_id", "1")
    async with aiohttp.ClientSession() as http, http.post(f"{url}/pg/media", data=form) as r:
        assert r.status == 400 and "send a file" in (await r.json())["error"]
