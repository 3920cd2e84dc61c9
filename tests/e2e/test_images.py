"""A card with a picture: the picture is sent as a photo, then the card's text and buttons."""

from __future__ import annotations

import struct
import zlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.channels.telegram.standin import BotApiStandIn
from bot.content import load_course
from tests.e2e.conftest import USERS, onboard
from tests.e2e.harness import Harness, make_settings
from tests.unit.test_content import MODULE


def _png() -> bytes:
    """A valid 2x2 PNG, made here so no binary file is committed for the test."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00\x00\xff\x00" * 2)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", pixels)
        + chunk(b"IEND", b"")
    )


@pytest.fixture
async def picture_bot(standin: BotApiStandIn, tmp_path: Path) -> AsyncIterator[Harness]:
    content = tmp_path / "content"
    (content / "images").mkdir(parents=True)
    (content / "images" / "chain.png").write_bytes(_png())
    module = MODULE.replace(
        "        text: Second card of lesson one\n",
        "        text: Second card of lesson one\n        image: images/chain.png\n",
    )
    (content / "modules" / "en").mkdir(parents=True)
    (content / "modules" / "en" / "1-sample.yaml").write_text(module, encoding="utf-8")
    harness = Harness(
        standin,
        make_settings(standin.url, f"sqlite+aiosqlite:///{tmp_path / 'p.db'}"),
        course=load_course(content),
    )
    await harness.start()
    yield harness
    await harness.stop()


async def test_a_card_with_a_picture(picture_bot: Harness) -> None:
    bot, user = picture_bot, USERS["en"]
    await onboard(bot, user, "en")
    await bot.press(user, "m:continue")
    mark = len(bot.standin.requests)
    await bot.press(user, "c:s-one-2")
    methods = [r.method for r in bot.requests_since(mark) if r.status == 200]
    assert methods.index("sendPhoto") < methods.index("sendMessage")
    photo = bot.messages(user)[-2]
    assert photo.get("photo"), "the picture arrives as a photo message"
    assert "Second card of lesson one" in bot.text(user)
    assert ("Next ▶", "c:s-two-1") in bot.buttons(user)
    await bot.press(user, "c:s-two-1")  # from the text after the photo, editing works again
    assert "Second card of lesson two" not in bot.text(user) and "Hello" in bot.text(user)
