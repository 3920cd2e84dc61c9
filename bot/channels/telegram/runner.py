"""Run the bot by polling, by webhook, or in the playground, until asked to stop.

The lifecycle is driven by hand (initialize, post_init, start ... stop, shutdown) rather than
by `run_polling`, so the bot can share one event loop with the aiohttp servers.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, Protocol

from aiohttp import web
from pydantic import SecretStr
from telegram import Update
from telegram.error import InvalidToken, NetworkError

from bot.channels.telegram.app import build_application, stop_jobs, stop_services
from bot.channels.telegram.context import BotApplication
from bot.channels.telegram.webhook import WEBHOOK_PATH, webhook_app
from bot.config import Settings
from bot.content import Course
from bot.errors import StartupError
from bot.services.container import Services
from bot.web.verify import add_verify_route

log = logging.getLogger(__name__)

PLAYGROUND_TOKEN = "123456789:PLAYGROUND-local-stand-in-token"
PLAYGROUND_USERS: tuple[tuple[int, str, str], ...] = (
    (1001, "Awa", "fr"),
    (1002, "Priya", "hi"),
    (1003, "Ana", "pt-br"),
    (1004, "Sam", "en"),
)
PLAYGROUND_ADMIN = 1009


@asynccontextmanager
async def running(app: BotApplication, *, polling: bool) -> AsyncIterator[BotApplication]:
    """Initialise, run post_init, start (and poll); undo all of it on exit."""
    try:
        await app.initialize()
    except BaseException:
        # PTB leaves its HTTP transports open when initialising fails (a rejected token).
        for transport in app.bot_data.transports:
            await transport.shutdown()
        raise
    async with app:
        if app.post_init is not None:
            await app.post_init(app)
        try:
            if polling and app.updater is not None:
                await app.updater.start_polling(
                    allowed_updates=Update.ALL_TYPES, timeout=10, bootstrap_retries=-1
                )
            await app.start()
            try:
                yield app
            finally:
                if app.bot_data.services is not None:
                    app.bot_data.services.stopping.set()
                if app.updater is not None and app.updater.running:
                    await app.updater.stop()
                await app.stop()
        finally:
            await stop_services(app)


# Another channel served beside Telegram: given the running core and a web app, it adds its
# routes and returns what closes it (bot.channels.whatsapp.runner.beside).
Beside = Callable[[Services, web.Application], Awaitable[Callable[[], Awaitable[None]]]]


class Companion(Protocol):
    """Another channel's stand-in in the playground (bot.channels.whatsapp.playground):
    settings that point the core at it, its chats' routes on the playground's server, and
    its bot joining the running core."""

    def settings(self) -> dict[str, Any]: ...

    def add_pages(self, app: web.Application) -> None: ...

    async def join(self, services: Services) -> Callable[[], Awaitable[None]]: ...


async def run_polling(
    settings: Settings, course: Course, stop: asyncio.Event, beside: Beside | None = None
) -> None:
    app = build_application(settings, course=course)
    async with running(app, polling=True):
        log.info("Polling Telegram at %s", settings.telegram_api_url)
        if beside is None:
            await stop.wait()
            return
        assert app.bot_data.services is not None
        web_app = web.Application()
        close = await beside(app.bot_data.services, web_app)
        runner = web.AppRunner(web_app)
        await runner.setup()
        await web.TCPSite(runner, "0.0.0.0", settings.port).start()
        try:
            await stop.wait()
        finally:
            await runner.cleanup()
            await stop_jobs(app)
            await close()


async def run_webhook(
    settings: Settings, course: Course, stop: asyncio.Event, beside: Beside | None = None
) -> None:
    assert settings.webhook_url is not None
    secret = (
        settings.webhook_secret.get_secret_value()
        if settings.webhook_secret
        else secrets.token_urlsafe(32)
    )
    app = build_application(settings, course=course, webhook=True)
    async with running(app, polling=False):
        web_app = webhook_app(app, secret)
        close = None
        if beside is not None and app.bot_data.services is not None:
            close = await beside(app.bot_data.services, web_app)
        runner = web.AppRunner(web_app)
        await runner.setup()
        await web.TCPSite(runner, "0.0.0.0", settings.port).start()
        url = settings.webhook_url.rstrip("/")
        if not url.endswith(WEBHOOK_PATH):
            url += WEBHOOK_PATH
        await app.bot.set_webhook(url, secret_token=secret, allowed_updates=Update.ALL_TYPES)
        log.info("Webhook set to %s; listening on port %s", url, settings.port)
        try:
            await stop.wait()
        finally:
            await runner.cleanup()
            if close is not None:
                await stop_jobs(app)
                await close()


async def run_playground(
    settings: Settings, course: Course, stop: asyncio.Event, companion: Companion | None = None
) -> None:
    """The real bot against the local stand-in of the Bot API, with a chat page; the
    companion's users chat on the same page with the same core."""
    from bot.channels.telegram.standin import BotApiStandIn

    standin = BotApiStandIn(PLAYGROUND_TOKEN)
    for user_id, name, language in PLAYGROUND_USERS:
        standin.add_user(user_id, name, language_code=language)
    standin.add_user(PLAYGROUND_ADMIN, "Admin", language_code="en")
    # Certificate links (GET /verify/{code}) are answered by the playground's server too.
    bots: list[BotApplication] = []
    add_verify_route(standin.app, lambda: bots[0].bot_data.services if bots else None)
    if companion is not None:
        companion.add_pages(standin.app)
    root = await standin.start("127.0.0.1", settings.playground_port)
    try:
        local = replace_settings(
            settings,
            telegram_bot_token=PLAYGROUND_TOKEN,
            telegram_api_url=root,
            admin_ids=settings.admin_ids | {PLAYGROUND_ADMIN},
            public_url=settings.public_url or root,
            **(companion.settings() if companion is not None else {}),
        )
        app = build_application(local, course=course)
        bots.append(app)
        async with running(app, polling=True):
            leave = None
            if companion is not None and app.bot_data.services is not None:
                leave = await companion.join(app.bot_data.services)
            print(f"Playground: {root}", flush=True)
            try:
                await stop.wait()
            finally:
                if leave is not None:
                    await stop_jobs(app)
                    await leave()
    finally:
        await standin.stop()


def replace_settings(settings: Settings, **changes: Any) -> Settings:
    """A copy of the frozen settings with some values changed."""
    if isinstance(changes.get("telegram_bot_token"), str):
        changes["telegram_bot_token"] = SecretStr(changes["telegram_bot_token"])
    return settings.model_copy(update=changes)


async def serve(
    settings: Settings,
    course: Course,
    mode: str,
    stop: asyncio.Event,
    beside: Beside | None = None,
    companion: Companion | None = None,
) -> None:
    """Run until `stop`; a token Telegram rejects or an API it cannot reach is a
    StartupError naming the setting. `beside` adds another channel to the same core, and
    `companion` another channel's stand-in to the playground."""
    try:
        if mode == "playground":
            await run_playground(settings, course, stop, companion)
        elif mode == "webhook":
            await run_webhook(settings, course, stop, beside)
        else:
            await run_polling(settings, course, stop, beside)
    except InvalidToken as err:
        api = settings.telegram_api_url
        raise StartupError(f"TELEGRAM_BOT_TOKEN: rejected by {api}") from err
    except NetworkError as err:
        api = settings.telegram_api_url
        raise StartupError(f"TELEGRAM_API_URL: cannot reach {api} ({err})") from err
