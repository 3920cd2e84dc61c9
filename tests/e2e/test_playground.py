"""The playground as a person uses it: the page's own HTTP endpoints, a restart, Continue."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp

from bot.channels.telegram.runner import run_playground
from bot.config import load_settings
from bot.telegram_html import visible_text
from tests.conftest import course_of, free_port

CONTENT = Path(__file__).resolve().parents[2] / "content"
CONTENT = Path(__file__).resolve().parents[2] / "content"
AWA = 1001  # the playground's French-speaking learner


@asynccontextmanager
async def playground(database: Path, port: int) -> AsyncIterator[str]:
    settings = load_settings(
        _env_file=None, database_url=f"sqlite+aiosqlite:///{database}", playground_port=port
    )
    stop = asyncio.Event()
    task = asyncio.create_task(run_playground(settings, course_of(settings.content_dir), stop))
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(100):
                try:
                    async with http.get(f"{base}/pg/users") as response:
                        if response.status == 200:
                            break
                except aiohttp.ClientConnectorError:
                    await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)  # let the bot start polling
        yield base
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=20)


class Page:
    """What the chat page's JavaScript does, over the same endpoints."""

    def __init__(self, http: aiohttp.ClientSession, base: str, user: int) -> None:
        self.http, self.base, self.user, self.version = http, base, user, -1

    async def chat(self) -> dict[str, Any]:
        async with self.http.get(
            f"{self.base}/pg/chat/{self.user}", params={"since": "-1", "timeout": "0"}
        ) as response:
            return dict(await response.json())

    async def wait_bot(self, check: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        for _ in range(100):
            view = await self.chat()
            bot_messages = [m["message"] for m in view["messages"] if not m["outgoing"]]
            if bot_messages and check(bot_messages[-1]):
                return bot_messages[-1]
            await asyncio.sleep(0.05)
        raise AssertionError(f"the bot did not answer as expected: {view}")

    async def send(self, text: str) -> None:
        async with self.http.post(
            f"{self.base}/pg/send", json={"user_id": self.user, "text": text}
        ) as response:
            assert response.status == 200

    async def press(self, message: dict[str, Any], data: str) -> None:
        assert data in str(message.get("reply_markup")), (data, message.get("reply_markup"))
        async with self.http.post(
            f"{self.base}/pg/press",
            json={"user_id": self.user, "message_id": message["message_id"], "data": data},
        ) as response:
            assert response.status == 200


async def test_pick_french_read_restart_and_continue(tmp_path: Path) -> None:
    course = course_of(CONTENT)
    cards = course.modules_in("fr")[0].card_ids
    third = course.place("fr", cards[2])
    assert third is not None
    database, port = tmp_path / "playground.db", free_port()

    async with playground(database, port) as base, aiohttp.ClientSession() as http:
        async with http.get(base + "/") as response:
            assert response.status == 200 and "<html" in (await response.text()).lower()
        page = Page(http, base, AWA)
        await page.send("/start")
        picker = await page.wait_bot(lambda m: "lang:fr" in str(m.get("reply_markup")))
        await page.press(picker, "lang:fr")
        welcome = await page.wait_bot(lambda m: "ok" in str(m.get("reply_markup")))
        await page.press(welcome, "ok")
        question = await page.wait_bot(lambda m: "r:no" in str(m.get("reply_markup")))
        await page.press(question, "r:no")  # no reminders: the menu comes back
        menu = await page.wait_bot(lambda m: "m:continue" in str(m.get("reply_markup")))
        await page.press(menu, "m:continue")
        card = await page.wait_bot(lambda m: f"c:{cards[1]}" in str(m.get("reply_markup")))
        await page.press(card, f"c:{cards[1]}")
        card = await page.wait_bot(lambda m: f"c:{cards[2]}" in str(m.get("reply_markup")))
        await page.press(card, f"c:{cards[2]}")
        await page.wait_bot(lambda m: f"c:{cards[3]}" in str(m.get("reply_markup")))

    # close everything, run it again on the same database, press "Continuer"
    async with playground(database, port) as base, aiohttp.ClientSession() as http:
        page = Page(http, base, AWA)
        await page.send("/start")
        menu = await page.wait_bot(lambda m: "m:continue" in str(m.get("reply_markup")))
        assert "Continuer" in str(menu["reply_markup"])
        await page.press(menu, "m:continue")
        shown = await page.wait_bot(lambda m: "c:" in str(m.get("reply_markup")))
        assert visible_text(third.card.text) in shown["text"]
