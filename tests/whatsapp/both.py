"""One bot process serving Telegram and WhatsApp, as `asi-bot run` does with both
configured: the Telegram Application against the Bot API stand-in (polling) and the
WhatsApp webhook beside it on the same core, against the Cloud API stand-in."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.channels.telegram.app import stop_jobs
from bot.channels.telegram.standin import BotApiStandIn
from bot.channels.whatsapp.bot import WhatsAppBot
from bot.channels.whatsapp.pacing import SendPace
from bot.channels.whatsapp.standin import CloudApiStandIn
from bot.services.container import Services
from handlers import build_router
from tests.conftest import SPEC_PATH
from tests.e2e.conftest import ADMIN
from tests.e2e.harness import TOKEN, Harness, make_settings
from tests.whatsapp.harness import WhatsAppHarness, quick_pace, whatsapp_settings


@dataclass
class Both:
    telegram: Harness
    whatsapp: WhatsAppHarness
    _runner: web.AppRunner | None = None
    _pace: SendPace | None = None

    async def notify_staff(self) -> None:
        """Run the staff notice job once (as the scheduler does) and let both chats settle."""
        await self.telegram.notify_staff()
        await self.telegram.until_idle()
        await self.whatsapp.settle()

    async def restart(self) -> None:
        """Stop the process, both channels with it, and start it again on the same database
        and stand-ins: all that a restart keeps is what the database holds."""
        await self._stop_whatsapp()
        await self.telegram.restart()
        await self._start_whatsapp()

    async def _start_whatsapp(self) -> None:
        self.whatsapp, self._runner = await _serve_whatsapp(
            self.whatsapp.standin, self.telegram.services, self._pace
        )

    async def _stop_whatsapp(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self.telegram.app is not None:
            await stop_jobs(self.telegram.app)  # as the runners do, before a channel closes
        await self.whatsapp.bot.close()


async def _serve_whatsapp(
    cloud: CloudApiStandIn, services: Services, pace: SendPace | None
) -> tuple[WhatsAppHarness, web.AppRunner]:
    """The WhatsApp webhook on the process's core, where the Cloud API stand-in posts."""
    wa_bot = WhatsAppBot(services, build_router(), pace or quick_pace(services.settings))
    app = web.Application()
    wa_bot.webhook.add_to(app)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    cloud.webhook_url = f"http://127.0.0.1:{runner.addresses[0][1]}/whatsapp"
    return WhatsAppHarness(cloud, wa_bot, services), runner


@asynccontextmanager
async def both_channels(
    database_url: str,
    clock: Any = None,
    *,
    cloud_options: dict[str, Any] | None = None,
    pace: SendPace | None = None,
    **extra: Any,
) -> AsyncIterator[Both]:
    """Telegram user ADMIN is an admin (ADMIN_IDS); `cloud_options` set the Cloud API
    stand-in's limits and `pace` the WhatsApp side's own; `extra` are further settings."""
    telegram = BotApiStandIn(TOKEN, spec_path=SPEC_PATH if SPEC_PATH.is_file() else None)
    telegram.add_user(ADMIN, "Admin", language_code="en")
    await telegram.start()
    try:
        async with CloudApiStandIn(**(cloud_options or {})) as cloud:
            settings = make_settings(
                telegram.url,
                database_url,
                admin_ids=str(ADMIN),
                **whatsapp_settings(cloud),
                **extra,
            )
            harness = Harness(telegram, settings, clock=clock)
            await harness.start()
            both = Both(harness, *await _serve_whatsapp(cloud, harness.services, pace), pace)
            try:
                yield both
            finally:
                await both._stop_whatsapp()
                await harness.stop()
            assert cloud.violations == [], cloud.violations[:5]
    finally:
        await telegram.stop()
    assert not telegram.violations, telegram.violations[:5]
