"""The typed context handlers and jobs receive (PTB's `context_types`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from telegram.ext import Application, CallbackContext, ExtBot, JobQueue
from telegram.request import BaseRequest

from bot.services.container import Services


class BotData:
    """Application-wide data: the services container, set in post_init, and the HTTP
    transports, so they can be closed even when initialising the bot failed."""

    def __init__(self) -> None:
        self.services: Services | None = None
        self.transports: tuple[BaseRequest, ...] = ()


@dataclass
class UserData:
    """Per-user cache: the language, so even an error reply is in the user's language,
    since when the bot waits for a typed city (Settings → Reminders → Time zone), the
    certificate name being typed and confirmed, the consultation answer being written, and
    the Trainer menu's steps.

    FAQ (issue 5), in memory only, never written to the database: the last question the FAQ
    could not answer (for "Ask a person"), what typed text the bot now waits for and since
    when, and the answers given so far in the "Preparing a complaint" guide.
    """

    language: str | None = None
    city_search_since: datetime | None = None
    # Certificate: since when the bot waits for the typed name, and the name to confirm.
    name_asked_since: datetime | None = None
    certificate_name: str | None = None
    # the consultation answer being written (Have your say), kept in memory only so that an
    # anonymous answer's author is never written down, and the admin's "what changed" note
    pending_answer: PendingAnswer | None = None
    outcome_for: tuple[int, datetime] | None = None
    # Trainers (issue 7): an invitation code opened before onboarding was done, and the
    # typed input the Trainer menu waits for (`cohort-name`, `cohort-place`, `announce`),
    # since when, and the new cohort's name and language so far.
    pending_invitation: str | None = None
    trainer_step: str | None = None
    trainer_step_since: datetime | None = None
    new_cohort: tuple[str, str] | None = None
    # FAQ
    faq_unanswered: str | None = None
    faq_waiting: str | None = None  # "ask", "reply", "answer-back" or "guide"
    faq_waiting_since: datetime | None = None
    faq_question_id: int | None = None  # the question a reply or answer back is about
    guide_answers: dict[str, str] = field(default_factory=dict)
    guide_step: int = 0


@dataclass(frozen=True)
class PendingAnswer:
    """What the next message answers: a section with a stance, or a named answer to edit."""

    consultation_id: int
    section: int
    stance: str
    anonymous: bool
    since: datetime
    edit_number: int | None = None


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
