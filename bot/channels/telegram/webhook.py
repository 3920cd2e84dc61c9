"""The aiohttp server of webhook mode: POST /telegram, GET /healthz, GET /verify/{code}."""

from __future__ import annotations

import hmac
import json
import logging

from aiohttp import web
from sqlalchemy import text
from telegram import Update

from bot.channels.telegram.context import BotApplication
from bot.web.verify import add_verify_route

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
WEBHOOK_PATH = "/telegram"
MAX_UPDATE_BYTES = 1024 * 1024


def webhook_app(app: BotApplication, secret: str) -> web.Application:
    """Routes that feed Telegram's updates into the Application's queue."""

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            return web.Response(status=403, text="forbidden")
        if request.content_length is not None and request.content_length > MAX_UPDATE_BYTES:
            return web.Response(status=413, text="too large")
        try:
            data = await request.json()
            update = Update.de_json(data, app.bot)
        except (json.JSONDecodeError, ValueError, TypeError, KeyError) as err:
            log.warning("webhook body was not an update: %s", err)
            return web.Response(status=400, text="bad update")
        await app.update_queue.put(update)
        return web.Response(text="ok")

    async def healthz(_: web.Request) -> web.Response:
        services = app.bot_data.services
        if services is None:
            return web.json_response({"status": "starting"}, status=503)
        try:
            async with services.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception as err:  # any failure means "not healthy"; the reason is reported
            log.warning("health check failed: %s", err)
            return web.json_response({"status": "database unavailable"}, status=503)
        return web.json_response({"status": "ok"})

    web_app = web.Application(client_max_size=MAX_UPDATE_BYTES)
    web_app.router.add_post(WEBHOOK_PATH, receive)
    web_app.router.add_get("/healthz", healthz)
    add_verify_route(web_app, lambda: app.bot_data.services)
    return web_app
