"""The typed context handlers and jobs receive (PTB's `context_types`)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot, JobQueue
from telegram.request import BaseRequest

from bot.services.container import Services

log = logging.getLogger(__name__)


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

    FAQ (issue 5): the last question the FAQ could not answer (for "Ask a person"), what
    typed text the bot now waits for and since when, and the answers given so far in the
    "Preparing a complaint" guide.

    Only the steps listed in durable_steps are saved (users.waiting) and survive a restart;
    everything else here lives in memory only.
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
    # Whether the steps saved in the database were read back in this process, and what was
    # last saved (see durable_steps).
    restored: bool = False
    saved_steps: dict[str, Any] | None = None


# What survives a restart (users.waiting): which typed text the bot waits for and since
# when, so that after a restart a reply, a name or a cohort name is taken as what it is and
# not searched as a question. Never what a user wrote to be kept apart: the guide's answers
# (stored only as a draft the learner saves), a consultation answer being written (an
# anonymous one must not be tied to its author), a question not yet sent to a person, a
# certificate name not yet confirmed. A trainer's new cohort name is kept: it is stored
# anyway a step later.
_DURABLE_TIMES = ("city_search_since", "name_asked_since", "trainer_step_since")
_DURABLE_TEXTS = ("pending_invitation", "trainer_step")
_FAQ_WAITS = ("ask", "reply", "answer-back")  # not "guide": its answers live in memory only


def durable_steps(data: UserData) -> dict[str, Any] | None:
    """The steps to save, as JSON values; None when the bot waits for nothing."""
    out: dict[str, Any] = {}
    for name in _DURABLE_TIMES:
        value = getattr(data, name)
        if value is not None:
            out[name] = value.isoformat()
    for name in _DURABLE_TEXTS:
        if getattr(data, name) is not None:
            out[name] = getattr(data, name)
    if data.new_cohort is not None:
        out["new_cohort"] = list(data.new_cohort)
    if data.outcome_for is not None:
        out["outcome_for"] = [data.outcome_for[0], data.outcome_for[1].isoformat()]
    if data.faq_waiting in _FAQ_WAITS and data.faq_waiting_since is not None:
        out["faq_waiting"] = data.faq_waiting
        out["faq_waiting_since"] = data.faq_waiting_since.isoformat()
        if data.faq_question_id is not None:
            out["faq_question_id"] = data.faq_question_id
    return out or None


def restore_steps(data: UserData, saved: dict[str, Any] | None) -> None:
    """Put saved steps back; steps that do not parse are all dropped, not guessed."""
    data.restored = True
    data.saved_steps = saved
    if not saved:
        return
    values: dict[str, Any] = {}
    try:
        for name in _DURABLE_TIMES:
            if isinstance(saved.get(name), str):
                values[name] = datetime.fromisoformat(saved[name])
        for name in _DURABLE_TEXTS:
            if isinstance(saved.get(name), str):
                values[name] = saved[name]
        cohort = saved.get("new_cohort")
        if isinstance(cohort, list) and len(cohort) == 2:
            values["new_cohort"] = (str(cohort[0]), str(cohort[1]))
        outcome = saved.get("outcome_for")
        if isinstance(outcome, list) and len(outcome) == 2:
            values["outcome_for"] = (int(outcome[0]), datetime.fromisoformat(outcome[1]))
        since = saved.get("faq_waiting_since")
        if saved.get("faq_waiting") in _FAQ_WAITS and isinstance(since, str):
            values["faq_waiting"] = saved["faq_waiting"]
            values["faq_waiting_since"] = datetime.fromisoformat(since)
            question = saved.get("faq_question_id")
            values["faq_question_id"] = question if isinstance(question, int) else None
    except (TypeError, ValueError) as err:
        log.warning("dropped saved steps that do not parse: %s", err)
        return
    for name, value in values.items():
        setattr(data, name, value)


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
