"""The playground as a person uses it: the page's own HTTP endpoints, a restart, Continue;
WhatsApp users beside Telegram ones on one core, and a Telegram trainer's announcement
reaching a WhatsApp member of the cohort."""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp

from bot.actions.announcements import (
    PreviewAnnouncement,
    SendAnnouncement,
    ToggleCohort,
    WriteAnnouncement,
)
from bot.actions.base import Action
from bot.actions.invitations import JoinCohort
from bot.actions.trainers import CohortLanguage, NewCohort, SkipCohortPlace
from bot.channels.telegram.runner import PLAYGROUND_ADMIN
from bot.channels.whatsapp.playground import PLAYGROUND_WHATSAPP_USERS
from bot.config import load_settings
from bot.serve import playground as serve_playground
from bot.telegram_html import visible_text
from tests.conftest import course_of, free_port

CONTENT = Path(__file__).resolve().parents[2] / "content"
AWA = 1001  # the playground's French-speaking learner
CODE = re.compile(r"\?start=([A-Za-z0-9_-]{16})")  # a cohort's invitation code in its t.me link


@asynccontextmanager
async def playground(database: Path, port: int) -> AsyncIterator[str]:
    settings = load_settings(
        _env_file=None, database_url=f"sqlite+aiosqlite:///{database}", playground_port=port
    )
    stop = asyncio.Event()
    task = asyncio.create_task(serve_playground(settings, course_of(settings.content_dir), stop))
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

    prefix = "/pg"  # a Telegram user's chat

    def __init__(self, http: aiohttp.ClientSession, base: str, user: int | str) -> None:
        self.http, self.base, self.user, self.version = http, base, user, -1

    async def chat(self) -> dict[str, Any]:
        async with self.http.get(
            f"{self.base}{self.prefix}/chat/{self.user}", params={"since": "-1", "timeout": "0"}
        ) as response:
            assert response.status == 200, await response.text()
            return dict(await response.json())

    def replies(self, view: dict[str, Any]) -> list[dict[str, Any]]:
        """The bot's messages in a chat view, as `wait_bot` checks them."""
        return [m["message"] for m in view["messages"] if not m["outgoing"]]

    async def wait_bot(self, check: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        for _ in range(200):
            view = await self.chat()
            bot_messages = self.replies(view)
            if bot_messages and check(bot_messages[-1]):
                return bot_messages[-1]
            await asyncio.sleep(0.05)
        raise AssertionError(f"the bot did not answer as expected: {view}")

    async def send(self, text: str) -> None:
        async with self.http.post(
            f"{self.base}{self.prefix}/send", json={"user_id": self.user, "text": text}
        ) as response:
            assert response.status == 200, await response.text()

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


class WhatsAppPage(Page):
    """What the chat page's JavaScript does for a WhatsApp user, over /pg/wa/; the bot's
    messages are the page's items (id, Cloud API body, status)."""

    prefix = "/pg/wa"

    def replies(self, view: dict[str, Any]) -> list[dict[str, Any]]:
        return [m for m in view["messages"] if not m["outgoing"]]

    async def press(self, message: dict[str, Any], data: str) -> None:
        assert data in choice_ids(message), (data, message)
        async with self.http.post(
            f"{self.base}/pg/wa/press",
            json={"user_id": self.user, "message_id": message["id"], "id": data},
        ) as response:
            assert response.status == 200, await response.text()


def choice_ids(item: dict[str, Any]) -> list[str]:
    """The reply button or list row ids of a bot message as the page shows it."""
    action = item["message"].get("interactive", {}).get("action", {})
    ids = [button["reply"]["id"] for button in action.get("buttons", [])]
    for section in action.get("sections", []):
        ids += [row["id"] for row in section["rows"]]
    return ids


def has(choice: str) -> Callable[[dict[str, Any]], bool]:
    return lambda item: choice in choice_ids(item)


def buttons(message: dict[str, Any]) -> list[str]:
    """The callback data of a Telegram message's buttons."""
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return [str(b.get("callback_data")) for row in rows for b in row]


def offers(data: str) -> Callable[[dict[str, Any]], bool]:
    return lambda message: data in buttons(message)


def offers_kind(action: type[Action]) -> Callable[[dict[str, Any]], bool]:
    return lambda message: any(action.matches(data) for data in buttons(message))


def packed(message: dict[str, Any], action: type[Action]) -> str:
    """The callback data of the first button of this action's kind on a Telegram message."""
    found = [data for data in buttons(message) if action.matches(data)]
    assert found, (action, message)
    return str(found[0])


async def test_whatsapp_users_beside_telegram_and_an_announcement_across(tmp_path: Path) -> None:
    text = "Atelier vendredi à 10 h, à l'école."
    async with (
        playground(tmp_path / "playground.db", free_port()) as base,
        aiohttp.ClientSession() as http,
    ):
        async with http.get(f"{base}/pg/wa/users") as response:
            users = (await response.json())["users"]
        languages = {user["language_code"] for user in users}
        assert languages >= {"en", "fr", "hi", "pt"}, "a WhatsApp learner per language"
        async with http.post(
            f"{base}/pg/wa/users", json={"first_name": "Mariama", "language_code": "fr"}
        ) as response:
            added = await response.json()
        assert added["channel"] == "whatsapp" and added["id"].startswith("224"), added
        async with http.post(f"{base}/pg/wa/users", json={"first_name": " "}) as response:
            assert response.status == 400, "a user needs a name"

        # the admin, on Telegram, makes a cohort and gets its invitation code
        admin = Page(http, base, PLAYGROUND_ADMIN)
        await admin.send("/start")
        picker = await admin.wait_bot(offers("lang:en"))
        await admin.press(picker, "lang:en")
        await admin.press(await admin.wait_bot(offers("ok")), "ok")
        menu = await admin.wait_bot(offers("r:no"))
        await admin.press(menu, "r:no")
        await admin.wait_bot(lambda m: "r:no" not in buttons(m))
        await admin.send("/menu")
        menu = await admin.wait_bot(lambda m: {"m:consult", "m:trainer"} <= set(buttons(m)))
        await admin.press(menu, "m:trainer")
        trainer = await admin.wait_bot(offers(NewCohort().pack()))
        await admin.press(trainer, NewCohort().pack())
        await admin.wait_bot(lambda m: NewCohort().pack() not in buttons(m))
        await admin.send("Boké")
        language = await admin.wait_bot(offers(CohortLanguage("fr").pack()))
        await admin.press(language, CohortLanguage("fr").pack())
        place = await admin.wait_bot(offers(SkipCohortPlace().pack()))
        await admin.press(place, SkipCohortPlace().pack())
        made = await admin.wait_bot(lambda m: CODE.search(m.get("text", "")) is not None)
        found = CODE.search(made["text"])
        assert found is not None
        code = found.group(1)

        # Fatou, on WhatsApp, joins with the code: a list to pick her language, buttons after
        fatou = WhatsAppPage(http, base, PLAYGROUND_WHATSAPP_USERS[0][0])
        await fatou.send(f"/start {code}")
        languages_list = await fatou.wait_bot(has("lang:fr"))
        assert languages_list["message"]["interactive"]["type"] == "list"
        await fatou.press(languages_list, "lang:fr")
        await fatou.press(await fatou.wait_bot(has("ok")), "ok")
        offer = await fatou.wait_bot(has(JoinCohort(code).pack()))
        await fatou.press(offer, JoinCohort(code).pack())
        await fatou.wait_bot(lambda item: "Boké" in str(item["message"]))

        # the admin announces to the cohort from Telegram; it reaches Fatou on WhatsApp
        await admin.send("/menu")
        menu = await admin.wait_bot(offers("m:consult"))  # the main menu, not the cohort card
        await admin.press(menu, "m:trainer")
        trainer = await admin.wait_bot(offers(WriteAnnouncement().pack()))
        await admin.press(trainer, WriteAnnouncement().pack())
        await admin.wait_bot(lambda m: WriteAnnouncement().pack() not in buttons(m))
        await admin.send(text)
        audience = await admin.wait_bot(offers_kind(ToggleCohort))
        await admin.press(audience, packed(audience, ToggleCohort))
        audience = await admin.wait_bot(offers_kind(PreviewAnnouncement))
        await admin.press(audience, packed(audience, PreviewAnnouncement))
        confirm = await admin.wait_bot(offers_kind(SendAnnouncement))
        await admin.press(confirm, packed(confirm, SendAnnouncement))
        got = await fatou.wait_bot(lambda item: item["message"].get("type") == "text")
        assert got["message"]["text"]["body"] == text, got
        assert got["status"] in ("sent", "delivered", "read")

        # a voice note and a document from Fatou show in her chat, their files served
        for name, mime in (("note.ogg", "audio/ogg"), ("notes.pdf", "application/pdf")):
            form = aiohttp.FormData()
            form.add_field("user_id", str(fatou.user))
            form.add_field("file", b"%PDF-1.4 or Opus", filename=name, content_type=mime)
            async with http.post(f"{base}/pg/wa/media", data=form) as response:
                assert response.status == 200, await response.text()
        mine = [m for m in (await fatou.chat())["messages"] if m["outgoing"]][-2:]
        assert mine[0]["message"]["audio"].get("voice") is True
        assert mine[1]["message"]["document"]["filename"] == "notes.pdf"
        for item in mine:
            async with http.get(base + item["file_url"]) as response:
                assert response.status == 200 and await response.read() == b"%PDF-1.4 or Opus"
        view = await fatou.chat()
        assert view["last_error"] is None, "no message broke a WhatsApp limit"
        kinds = Counter(
            item["message"]["interactive"]["type"]
            for item in view["messages"]
            if not item["outgoing"] and item["message"]["type"] == "interactive"
        )
        assert kinds["button"] and kinds["list"], kinds
        for item in view["messages"]:
            if item["message"].get("interactive", {}).get("type") == "button":
                assert len(choice_ids(item)) <= 3
