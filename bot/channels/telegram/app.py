"""The composition root: build the Application and its services; nothing runs at import."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from datetime import datetime
from typing import Any

from telegram import BotCommand, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.ext import ApplicationBuilder, BaseRateLimiter, ContextTypes, Defaults

from bot.channels.telegram import membership
from bot.channels.telegram.context import BotApplication, BotContext, BotData, ChatData
from bot.channels.telegram.dispatch import EventHandler
from bot.channels.telegram.errors import on_error
from bot.channels.telegram.http_request import AiohttpRequest
from bot.channels.telegram.ratelimit import (
    PACED_MESSAGES_PER_SECOND,
    SHARED_MESSAGES_PER_SECOND,
    RetryingRateLimiter,
)
from bot.channels.telegram.replies import TelegramChannel
from bot.channels.telegram.updates import PerUserUpdateProcessor
from bot.config import Settings
from bot.content import Course
from bot.conversation.memory import Memory
from bot.i18n import N_, I18n
from bot.jobs.scheduler import Jobs
from bot.runtime import close_services, open_services
from bot.services.container import utc_now
from bot.services.faq_search import FaqIndex

log = logging.getLogger(__name__)

# Updates of different users processed at once on PostgreSQL (the pool has room for more).
# Command descriptions are translated per language for setMyCommands.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("menu", N_("Main menu")),
    ("progress", N_("Your progress")),
    ("glossary", N_("Words and their meaning")),
    ("faq", N_("Questions about complaints")),
    ("language", N_("Change language")),
    ("help", N_("How the bot works")),
    ("quiz", N_("Quizzes and your certificate")),
    ("verify", N_("Check a certificate's code")),
    ("reminders", N_("Reminders")),
    ("stop", N_("Stop reminders and announcements")),
    ("cohorts", N_("Your cohorts")),
    ("privacy", N_("What the bot stores about you")),
    ("deleteme", N_("Delete your data")),
    ("start", N_("Start again")),
)


def build_application(
    settings: Settings,
    *,
    course: Course | None = None,
    clock: Callable[[], datetime] = utc_now,
    webhook: bool = False,
    rate_limiter: BaseRateLimiter[Any] | None = None,
    faq_index: FaqIndex | None = None,
    i18n: I18n | None = None,
) -> BotApplication:
    """Wire the Application; services are created in post_init, inside the event loop.

    `rate_limiter` replaces the default one (tests that must not wait at 30 messages/s);
    `faq_index`, built from `course`, and `i18n` save building them at each start (tests).
    """
    # Opt in to PTB's timedelta durations (retry_after...): the int form is deprecated and
    # warns on every 429. Our code reads no such attribute, AIORateLimiter handles both.
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    if settings.token is None:
        raise ValueError("a token is needed to build the application")
    api = settings.telegram_api_url
    builder = (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(f"{api}/bot")
        .base_file_url(f"{api}/file/bot")
        .context_types(
            ContextTypes(
                context=BotContext, bot_data=BotData, user_data=Memory, chat_data=ChatData
            )
        )
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .request(requests := AiohttpRequest())
        .get_updates_request(polling_requests := AiohttpRequest(connection_pool_size=1))
        .rate_limiter(rate_limiter or RetryingRateLimiter.paced(max_retries=3))
        .concurrent_updates(PerUserUpdateProcessor(settings.turns_at_once))
        .post_init(
            lambda app: start_services(
                app, settings, course=course, clock=clock, faq_index=faq_index, i18n=i18n
            )
        )
        .post_shutdown(stop_services)
    )
    if webhook:
        builder = builder.updater(None)
    app: BotApplication = builder.build()  # type: ignore[assignment]
    app.bot_data.transports = (requests, polling_requests)

    register_handlers(app)
    return app


def register_handlers(app: BotApplication) -> None:
    """Every feature's routes as one handler; the block/unblock notices and the error
    handler are Telegram's own. Group -1 drops an update delivered twice."""
    from handlers import build_router

    app.add_handler(EventHandler(build_router()), group=0)
    app.add_handler(membership.handler(), group=0)
    app.add_error_handler(on_error)


async def start_services(
    app: BotApplication,
    settings: Settings,
    *,
    course: Course | None = None,
    clock: Callable[[], datetime] = utc_now,
    faq_index: FaqIndex | None = None,
    i18n: I18n | None = None,
) -> None:
    """Open the core (bot.runtime) with Telegram as one of its channels, register the
    commands, start the background jobs."""
    services = await open_services(
        settings, course=course, clock=clock, faq_index=faq_index, i18n=i18n
    )
    services.channels.add(TelegramChannel(app.bot))
    limiter = app.bot.rate_limiter
    if isinstance(limiter, RetryingRateLimiter) and limiter.paced_by_core:
        limiter.pace_with(
            services.rates.pace(
                f"telegram-{app.bot.id}",
                SHARED_MESSAGES_PER_SECOND if services.rates.shared else PACED_MESSAGES_PER_SECOND,
            )
        )
    app.bot_data.services = services
    await register_commands(app, services.i18n)
    app.bot_data.jobs = Jobs(app.bot_data.services)
    app.bot_data.jobs.start()


async def register_commands(app: BotApplication, i18n: I18n) -> None:
    """setMyCommands once per language, plus the default list in the default language."""
    # Telegram takes two-letter ISO 639-1 codes only; a three-letter added language (Susu is
    # `sus`) gets the default list.
    for language in (None, *(code for code in i18n.languages if len(code) == 2)):
        t = i18n.translator(language)
        commands = [BotCommand(name, t.gettext(description)) for name, description in COMMANDS]
        await app.bot.set_my_commands(commands, language_code=language)


async def stop_jobs(app: BotApplication) -> None:
    """Let the scheduled jobs' runs under way end, then the background work: before any
    channel closes, or a notice or copy a job has claimed fails on a closed client and
    waits for its lease instead of going now."""
    if app.bot_data.jobs is not None:
        await app.bot_data.jobs.stop()
        app.bot_data.jobs = None
    if app.bot_data.services is not None:
        await app.bot_data.services.background.wait()


async def stop_services(app: BotApplication) -> None:
    await stop_jobs(app)
    services = app.bot_data.services
    if services is not None:
        await close_services(services)
        app.bot_data.services = None
