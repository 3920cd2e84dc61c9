"""Serving WhatsApp: its webhook on the process's web server, alone or beside Telegram."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from sqlalchemy import text

from bot.channels.whatsapp.bot import WhatsAppBot
from bot.config import Settings
from bot.content import Course
from bot.jobs.scheduler import Jobs
from bot.runtime import close_services, open_services
from bot.services.container import Services
from bot.web.verify import add_verify_route
from handlers import build_router

log = logging.getLogger(__name__)

Closer = Callable[[], Awaitable[None]]


async def beside(services: Services, web_app: web.Application) -> Closer:
    """Add WhatsApp to a running core: its channel, and its webhook routes on `web_app`."""
    bot = WhatsAppBot(services, build_router())
    bot.webhook.add_to(web_app)
    log.info("WhatsApp webhook at /whatsapp")
    return bot.close


async def run_whatsapp(settings: Settings, course: Course, stop: asyncio.Event) -> None:
    """WhatsApp alone (no Telegram token): the core, the jobs, and one web server with the
    webhook, /healthz and the certificate check on $PORT."""
    services = await open_services(settings, course=course)
    jobs = Jobs(services)
    web_app = web.Application()
    close = await beside(services, web_app)
    add_verify_route(web_app, lambda: services)

    async def healthz(_: web.Request) -> web.Response:
        try:
            async with services.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception as err:  # any failure means "not healthy"
            return web.json_response(
                {"status": "unhealthy", "error": type(err).__name__}, status=503
            )
        return web.json_response({"status": "ok"})

    web_app.router.add_get("/healthz", healthz)
    runner = web.AppRunner(web_app)
    try:
        jobs.start()
        await runner.setup()
        await web.TCPSite(runner, "0.0.0.0", settings.port).start()
        log.info("Serving the WhatsApp webhook on port %s", settings.port)
        await stop.wait()
    finally:
        services.stopping.set()
        await runner.cleanup()
        # the jobs' runs under way and the background work end before the client closes
        await jobs.stop()
        await services.background.wait()
        await close()
        await close_services(services)
