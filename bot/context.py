"""The typed context handlers and jobs receive (PTB's `context_types`)."""

from __future__ import annotations

from dataclasses import dataclass
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
    since when the bot waits for a typed city (Settings → Reminders → Time zone), and the
    Trainer menu's steps."""

    language: str | None = None
    city_search_since: datetime | None = None
    # Trainers (issue 7): an invitation code opened before onboarding was done, and the
    # typed input the Trainer menu waits for (`cohort-name`, `cohort-place`, `announce`),
    # since when, and the new cohort's name and language so far.
    pending_invitation: str | None = None
    trainer_step: str | None = None
    trainer_step_since: datetime | None = None
    new_cohort: tuple[str, str] | None = None


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
