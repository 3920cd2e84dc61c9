"""The real `asi-bot playground` process killed with SIGKILL while a learner on each channel
reads: started again on the same database, Continue opens the card last shown. One process
serves both channels, so one kill (two starts, the slow part) covers the two learners."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp

from bot.channels.whatsapp.playground import PLAYGROUND_WHATSAPP_USERS
from bot.telegram_html import visible_text
from tests.conftest import course_of, free_port
from tests.e2e.test_playground import AWA, CONTENT, Page, WhatsAppPage, has, offers
from tests.e2e.test_process import bot_process
from tests.parity.conftest import CHANNELS

_MARKERS = str.maketrans("", "", "*_")
Check = Callable[[dict[str, Any]], bool]


def _page(
    channel: str, http: aiohttp.ClientSession, base: str
) -> tuple[Page, Callable[[str], Check]]:
    """The playground page of a French-speaking learner on `channel`, and how to tell that
    one of the bot's messages there offers a choice."""
    if channel == "telegram":
        return Page(http, base, AWA), offers
    return WhatsAppPage(http, base, PLAYGROUND_WHATSAPP_USERS[0][0]), has


def _words(message: dict[str, Any]) -> str:
    body = message.get("message", message)  # a WhatsApp item wraps the Cloud API body
    text = body.get("text")
    if isinstance(text, dict):
        return str(text["body"])
    if "interactive" in body:
        return str(body["interactive"]["body"]["text"])
    return str(text or "")


async def test_sigkill_loses_nothing_the_learner_was_shown(tmp_path: Path) -> None:
    cards = course_of(CONTENT).modules_in("fr")[0].card_ids
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    async with bot_process(tmp_path, port) as process, aiohttp.ClientSession() as http:
        for channel in CHANNELS:
            page, offering = _page(channel, http, base)
            await page.send("/start")
            message = await page.wait_bot(offering("lang:fr"))
            for choice, then in [
                ("lang:fr", "ok"),
                ("ok", "r:no"),
                ("r:no", "m:continue"),
                ("m:continue", f"c:{cards[1]}"),
                (f"c:{cards[1]}", f"c:{cards[2]}"),
            ]:
                await page.press(message, choice)
                message = await page.wait_bot(offering(then))
        process.send_signal(signal.SIGKILL)  # the moment the second card is on screen
        await process.wait()

    second = course_of(CONTENT).place("fr", cards[1])
    assert second is not None
    opening = " ".join(visible_text(second.card.text).split()[:6])
    async with bot_process(tmp_path, port) as process, aiohttp.ClientSession() as http:
        for channel in CHANNELS:
            page, offering = _page(channel, http, base)
            await page.send("/start")
            menu = await page.wait_bot(offering("m:continue"))
            await page.press(menu, "m:continue")
            shown = await page.wait_bot(offering(f"c:{cards[2]}"))
            assert opening in " ".join(_words(shown).translate(_MARKERS).split()), channel
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), timeout=20) == 0, "SIGTERM stops cleanly"
