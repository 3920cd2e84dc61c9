"""The typed context handlers and jobs receive (PTB's `context_types`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from telegram.ext import Application, CallbackContext, ExtBot, JobQueue

from bot.services.container import Services


class BotData:
    """Application-wide data: only the services container, set in post_init."""

    def __init__(self) -> None:
        self.services: Services | None = None


@dataclass
class UserData:
    """Per-user cache: the language, so even an error reply is in the user's language, and
    since when the bot waits for a typed city (Settings → Reminders → Time zone).

    FAQ (issue 5), in memory only, never written to the database: the last question the FAQ
    could not answer (for "Ask a person"), what typed text the bot now waits for and since
    when, and the answers given so far in the "Preparing a complaint" guide.
    """

    language: str | None = None
    city_search_since: datetime | None = None
    faq_unanswered: str | None = None
    faq_waiting: str | None = None  # "ask", "reply", "answer-back" or "guide"
    faq_waiting_since: datetime | None = None
    faq_question_id: int | None = None  # the question a reply or answer back is about
    guide_answers: dict[str, str] = field(default_factory=dict)
    guide_step: int = 0


class ChatData:
    """Unused; a typed empty class instead of an untyped dict."""


class BotContext(CallbackContext[ExtBot[None], UserData, ChatData, BotData]):
    @property
    def services(self) -> Services:
        services = self.bot_data.services
        if services is None:
            raise RuntimeError("services are built in post_init; the application is not ready")
        return services


BotApplication = Application[
    ExtBot[None], BotContext, UserData, ChatData, BotData, JobQueue[BotContext]
]
