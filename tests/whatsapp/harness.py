"""The real WhatsApp side of the bot against the Cloud API stand-in: the core opened on a
test database, the webhook served on a local port, simulated users sending messages."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.channels.whatsapp.bot import WhatsAppBot
from bot.channels.whatsapp.standin import CloudApiStandIn
from bot.config import load_settings
from bot.runtime import close_services, open_services
from bot.services.container import Services
from handlers import build_router
from tests.conftest import shared_content
from tests.e2e.harness import shared_i18n

CONTENT = Path(__file__).resolve().parents[2] / "content"
JsonDict = dict[str, Any]


@dataclass
class WhatsAppHarness:
    standin: CloudApiStandIn
    bot: WhatsAppBot
    services: Services

    async def settle(self) -> None:
        """Until every webhook call was delivered and every message handled."""
        await self.standin.webhooks_delivered(timeout=10)
        for _ in range(500):
            if not self.bot.webhook.busy:
                return
            await asyncio.sleep(0.01)
        raise TimeoutError("the bot is still handling messages")

    async def say(self, wa_id: str, text: str) -> None:
        self.standin.send_text(wa_id, text)
        await self.settle()

    def last(self, wa_id: str) -> JsonDict:
        message = self.standin.last_message(wa_id)
        assert message is not None, f"{wa_id} got nothing"
        return message

    def text(self, wa_id: str) -> str:
        """The words of the newest message (a text, or an interactive message's body)."""
        message = self.last(wa_id)
        if message["type"] == "text":
            return str(message["text"]["body"])
        return str(message["interactive"]["body"]["text"])

    def everything(self, wa_id: str, since: int = 0) -> str:
        out = []
        for message in self.standin.messages(wa_id)[since:]:
            if message["type"] == "text":
                out.append(message["text"]["body"])
            elif message["type"] == "interactive":
                out.append(message["interactive"]["body"]["text"])
        return "\n".join(out)

    def choices(self, wa_id: str) -> list[tuple[str, str]]:
        """(title, id) of the newest message's buttons or list rows."""
        action = self.last(wa_id).get("interactive", {}).get("action", {})
        found = [(b["reply"]["title"], b["reply"]["id"]) for b in action.get("buttons", [])]
        for section in action.get("sections", []):
            found += [(row["title"], row["id"]) for row in section["rows"]]
        return found

    async def pick(self, wa_id: str, choice_id: str) -> None:
        """Press the button or pick the row with this id on the newest message."""
        message = self.last(wa_id)
        if message["interactive"]["type"] == "button":
            self.standin.press_button(wa_id, message["id"], choice_id)
        else:
            self.standin.choose_row(wa_id, message["id"], choice_id)
        await self.settle()


@asynccontextmanager
async def whatsapp_bot(database_url: str, **extra: Any) -> AsyncIterator[WhatsAppHarness]:
    async with CloudApiStandIn() as standin:
        settings = load_settings(
            _env_file=None,
            database_url=database_url,
            **standin.bot_settings(),
            reminder_interval=0,
            consultation_interval=0,
            announcement_interval=0,
            **extra,
        )
        course, index = shared_content(CONTENT)
        services = await open_services(
            settings, course=course, faq_index=index, i18n=shared_i18n(settings.default_language)
        )
        bot = WhatsAppBot(services, build_router())
        app = web.Application()
        bot.webhook.add_to(app)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        standin.webhook_url = f"http://127.0.0.1:{port}/whatsapp"
        try:
            yield WhatsAppHarness(standin, bot, services)
        finally:
            await runner.cleanup()
            await bot.close()
            await close_services(services)
