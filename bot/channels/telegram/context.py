"""The typed context handlers and jobs receive (PTB's `context_types`)."""

from __future__ import annotations

import logging
from collections import OrderedDict

from telegram.ext import Application, CallbackContext, ExtBot, JobQueue
from telegram.request import BaseRequest

from bot.conversation.memory import Memory
from bot.jobs.scheduler import Jobs
from bot.services.container import Services

log = logging.getLogger(__name__)


class BotData:
    """Application-wide data: the services container, set in post_init, and the HTTP
    transports, so they can be closed even when initialising the bot failed."""

    def __init__(self) -> None:
        self.services: Services | None = None
        self.jobs: Jobs | None = None
        self.transports: tuple[BaseRequest, ...] = ()
        # Telegram user ids whose memory (PTB's user_data) is kept, least recently seen first
        self.recent_users: OrderedDict[int, None] = OrderedDict()


class ChatData:
    """Unused; a typed empty class instead of an untyped dict."""


class BotContext(CallbackContext[ExtBot[None], Memory, ChatData, BotData]):
    @property
    def services(self) -> Services:
        services = self.bot_data.services
        if services is None:
            raise RuntimeError("services are built in post_init; the application is not ready")
        return services


BotApplication = Application[
    ExtBot[None], BotContext, Memory, ChatData, BotData, JobQueue[BotContext]
]
