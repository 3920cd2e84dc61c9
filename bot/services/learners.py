"""Learners: arrival, language, consent, privacy report and deletion."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.config import SUPPORTED_LANGUAGES
from bot.db.repositories import CertificateRecord, DraftRecord, ReminderRecord, UserRecord
from bot.db.uow import UnitOfWork
from bot.errors import UnknownLanguage
from bot.services import consultations
from bot.services.consultations import ConsultationPrivacy

LAST_SEEN_PRECISION = timedelta(minutes=1)


async def arrive(uow: UnitOfWork, user_id: int, now: datetime, is_admin: bool) -> UserRecord:
    """Record that the user is here (creating them on first contact).

    Writing last-seen on every tap would cost a write transaction per update; to the minute
    is precise enough, so a user seen within LAST_SEEN_PRECISION is only read.
    """
    # ADMIN_IDS is the source of truth for admins; other roles are granted in the bot.
    user = await uow.users.get(user_id)
    if (
        user is not None
        and not user.blocked
        and now - user.last_seen_at < LAST_SEEN_PRECISION
        and (user.role == "admin") == is_admin
    ):
        return user
    was_blocked = user is not None and user.blocked
    user = await uow.users.touch(user_id, now, role="admin" if is_admin else "learner")
    if was_blocked:
        # Reminders were parked when Telegram said the user blocked the bot; they wrote
        # again, so the dispatcher reschedules them.
        await uow.reminders.wake(user_id, now)
    role = "admin" if is_admin else ("learner" if user.role == "admin" else user.role)
    if role != user.role:
        await uow.users.set_role(user_id, role)
        user = replace(user, role=role)
    await uow.commit()
    return user


async def save_steps(uow: UnitOfWork, user_id: int, steps: dict[str, Any] | None) -> None:
    """Keep which typed text the bot waits for (bot.context.durable_steps) across restarts.

    Runs after the update's handler: what the handler left uncommitted was meant to be
    rolled back, so it is, before this write is committed on its own.
    """
    await uow.rollback()
    await uow.users.set_waiting(user_id, steps)
    await uow.commit()


async def choose_language(uow: UnitOfWork, user_id: int, language: str, now: datetime) -> None:
    if language not in SUPPORTED_LANGUAGES:
        raise UnknownLanguage(language)
    await uow.users.set_language(user_id, language)
    await uow.events.add(user_id, "language", now, {"language": language})
    await uow.commit()


async def give_consent(uow: UnitOfWork, user_id: int, now: datetime) -> None:
    """The user read what is stored and chose to start; the first time is kept."""
    await uow.users.set_consent(user_id, now)
    await uow.events.add(user_id, "consent", now)
    await uow.commit()


@dataclass(frozen=True, slots=True)
class PrivacyReport:
    """Everything stored about one user, as shown by /privacy."""

    user: UserRecord
    cards_seen: int
    events: int
    reminder: ReminderRecord | None
    reminders_logged: int
    consultations: ConsultationPrivacy
    quiz_attempts: int = 0
    quiz_answers: int = 0
    certificate: CertificateRecord | None = None
    cohorts_joined: int = 0
    cohorts_run: int = 0
    announcements_received: int = 0
    questions_asked: int = 0  # questions sent to a person (with their conversation)
    answer_ratings: int = 0
    messages_written: int = 0  # replies and answers back written to a person
    draft: DraftRecord | None = None


async def privacy_report(uow: UnitOfWork, user_id: int) -> PrivacyReport:
    user = await uow.users.get(user_id)
    assert user is not None, "arrive() runs before every handler"
    attempts, answers = await uow.quizzes.count_attempts(user_id)
    questions, ratings, written = await uow.faq.counts_for(user_id)
    return PrivacyReport(
        user=user,
        cards_seen=await uow.progress.count(user_id),
        events=await uow.events.count(user_id),
        reminder=await uow.reminders.get(user_id),
        reminders_logged=await uow.reminders.count_log(user_id),
        quiz_attempts=attempts,
        quiz_answers=answers,
        certificate=await uow.certificates.for_user(user_id),
        consultations=await consultations.privacy(uow, user_id),
        cohorts_joined=await uow.cohorts.count_members(user_id),
        cohorts_run=len(await uow.cohorts.of_trainer(user_id)),
        announcements_received=await uow.announcements.count_received(user_id),
        questions_asked=questions,
        answer_ratings=ratings,
        messages_written=written,
        draft=await uow.faq.get_draft(user_id),
    )


async def delete_everything(uow: UnitOfWork, user_id: int, now: datetime | None = None) -> None:
    """Erase the user, their progress, events, reminders, quizzes, named consultation
    answers (with their consultation opt-ins and notices), cohort memberships, the cohorts
    and announcements they made, and their questions, ratings and complaint draft, in one
    transaction.

    A certificate is revoked, not deleted: its code then verifies as withdrawn, without the
    name, so nobody can present it as valid while nothing says whose it was.
    """
    await uow.certificates.revoke_for(user_id, now or datetime.now(UTC))
    await uow.quizzes.delete_for(user_id)
    await consultations.delete_for(uow, user_id)
    await uow.announcements.delete_for(user_id)
    await uow.cohorts.delete_for(user_id)
    await uow.faq.delete_for(user_id)
    await uow.reminders.delete_for(user_id)
    await uow.events.delete_for(user_id)
    await uow.progress.delete_for(user_id)
    await uow.users.delete(user_id)
    await uow.commit()


async def mark_blocked(uow: UnitOfWork, user_id: int) -> None:
    """Telegram said the user blocked the bot: stop proactive messages until they write."""
    await uow.users.mark_blocked(user_id)
    await uow.commit()


async def unblocked(uow: UnitOfWork, user_id: int, now: datetime) -> None:
    """Telegram says the user unblocked the bot (without writing): reminders resume."""
    if await uow.users.unblock(user_id):
        await uow.reminders.wake(user_id, now)
    await uow.commit()
