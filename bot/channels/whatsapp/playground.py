"""WhatsApp in the playground: the Cloud API stand-in with its simulated users, served beside
the Telegram stand-in, and the real WhatsApp bot on the same core as the Telegram one.

The bot's webhook runs on a port of its own on 127.0.0.1, where the stand-in sends its signed
calls, exactly as Meta would reach `asi-bot run`; the page's WhatsApp chats are routes on the
playground's server (bot.channels.whatsapp.standin.playground).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from pydantic import SecretStr

from bot.channels.whatsapp.bot import WhatsAppBot
from bot.channels.whatsapp.standin import CloudApiStandIn
from bot.channels.whatsapp.standin.playground import WhatsAppChats
from bot.services.container import Services
from handlers import build_router

__all__ = ["PLAYGROUND_WHATSAPP_USERS", "WhatsAppPlayground"]

# One learner per language, each with a number of a country that speaks it.
PLAYGROUND_WHATSAPP_USERS: tuple[tuple[str, str, str], ...] = (
    ("224620000101", "Fatou", "fr"),
    ("919800000102", "Meera", "hi"),
    ("5591900000103", "João", "pt"),
    ("61400000104", "Kylie", "en"),
)
PLAYGROUND_TOKEN = "PLAYGROUND-local-whatsapp-token"
_APP_SECRET = "playground-app-secret"
_VERIFY_TOKEN = "playground-verify-token"


class WhatsAppPlayground:
    """Start it before the core (its settings point the core at it), join the core once it
    runs, close it after the core stopped."""

    def __init__(self) -> None:
        self.standin = CloudApiStandIn(
            PLAYGROUND_TOKEN, app_secret=_APP_SECRET, verify_token=_VERIFY_TOKEN
        )
        for wa_id, name, language in PLAYGROUND_WHATSAPP_USERS:
            self.standin.add_user(wa_id, name, language)
        self._runner: web.AppRunner | None = None
        self._bot: WhatsAppBot | None = None

    async def start(self) -> None:
        await self.standin.start("127.0.0.1", 0)

    def settings(self) -> dict[str, Any]:
        """The WHATSAPP_* settings that send the core's WhatsApp traffic to the stand-in."""
        values: dict[str, Any] = dict(self.standin.bot_settings())
        for secret in ("whatsapp_token", "whatsapp_app_secret", "whatsapp_verify_token"):
            values[secret] = SecretStr(values[secret])
        return values

    def add_pages(self, app: web.Application) -> None:
        """The WhatsApp chats' routes, on the playground's server (before it starts)."""
        WhatsAppChats(self.standin).add_routes(app)

    async def join(self, services: Services) -> Callable[[], Awaitable[None]]:
        """Serve the WhatsApp bot on the running core; returns what stops it."""
        self._bot = WhatsAppBot(services, build_router())
        app = web.Application()
        self._bot.webhook.add_to(app)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        port = self._runner.addresses[0][1]
        self.standin.webhook_url = f"http://127.0.0.1:{port}/whatsapp"
        return self._leave

    async def _leave(self) -> None:
        self.standin.webhook_url = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._bot is not None:
            await self._bot.close()
            self._bot = None

    async def close(self) -> None:
        await self._leave()
        await self.standin.stop()
