"""Learners: arrival, language, consent, privacy report and deletion."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.audio_store import AudioStore
from bot.config import SUPPORTED_LANGUAGES
from bot.db.repositories import (
    AccountRecord,
    CertificateRecord,
    CohortRecord,
    DraftRecord,
    QuestionRecord,
    ReminderRecord,
    UserRecord,
)
from bot.db.uow import UnitOfWork
from bot.errors import UnknownLanguage
from bot.services import cohorts, consultations, recordings
from bot.services.consultations import ConsultationPrivacy

LAST_SEEN_PRECISION = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class Identity:
    """Who wrote, as a channel names them: the platform, its id for the person, and where
    it sends to reach them (a Telegram private chat's id is the user's id)."""

    platform: str
    external_id: str
    address: str


async def arrive(uow: UnitOfWork, who: Identity, now: datetime, is_admin: bool) -> UserRecord:
    """Record that the person is here (creating them and their account on first contact).

    Writing last-seen on every tap would cost a write transaction per update; to the minute
    is precise enough, so a user seen within LAST_SEEN_PRECISION is only read.
    """
    # ADMIN_IDS is the source of truth for admins; other roles are granted in the bot.
    role_now = "admin" if is_admin else "learner"
    user_id = await uow.accounts.user_id(who.platform, who.external_id)
    if user_id is None:
        user = await uow.users.create(now, role_now)
        if await uow.accounts.add(user.id, who.platform, who.external_id, who.address, now):
            await uow.commit()
            return user
        # The same person's first message reached another process first: use theirs.
        await uow.rollback()
        user_id = await uow.accounts.user_id(who.platform, who.external_id)
        if user_id is None:
            raise RuntimeError("an account that exists could not be read back")
    known = await uow.users.get(user_id)
    if (
        known is not None
        and not known.blocked
        and now - known.last_seen_at < LAST_SEEN_PRECISION
        and (known.role == "admin") == is_admin
    ):
        return known
    was_blocked = known is not None and known.blocked
    user = await uow.users.touch(user_id, now, role=role_now)
    if was_blocked:
        # Reminders were parked when the channel said the user blocked the bot; they wrote
        # again, so the dispatcher reschedules them.
        await uow.reminders.wake(user_id, now)
    role = role_now if is_admin else ("learner" if user.role == "admin" else user.role)
    if role != user.role:
        await uow.users.set_role(user_id, role)
        user = replace(user, role=role)
    await uow.commit()
    return user


async def demote_former_admins(
    uow: UnitOfWork, is_admin: Callable[[str, str], bool], now: datetime
) -> int:
    """At start-up, take the admin role from everyone the settings no longer name an admin
    on any of their accounts, with what the role reached (cohorts.withdraw_reach); how many.

    `arrive` would do it at their next message, but until then they would still get the
    learners' questions and answers back, and their announcements would still go out.
    """
    demoted = 0
    for user_id in await uow.users.with_role("admin"):
        accounts = await uow.accounts.of_user(user_id)
        if any(is_admin(a.platform, a.external_id) for a in accounts):
            continue
        await uow.users.set_role(user_id, "learner")
        await cohorts.withdraw_reach(uow, user_id, now)
        demoted += 1
    await uow.commit()
    return demoted


async def save_steps(uow: UnitOfWork, user_id: int, steps: dict[str, Any] | None) -> None:
    """Keep which typed text the bot waits for across restarts (see durable_steps).

    Runs after the update's handler: what the handler left uncommitted was meant to be
    rolled back, so it is, before this write is committed on its own.
    """
    await uow.rollback()
    await uow.users.set_waiting(user_id, steps)
    await uow.commit()


async def choose_language(
    uow: UnitOfWork,
    user_id: int,
    language: str,
    now: datetime,
    offered: Collection[str] = SUPPORTED_LANGUAGES,
) -> None:
    """`offered`: the languages the picker offers (the shipped ones and the added ones that
    are ready)."""
    if language not in offered:
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
    accounts: list[AccountRecord]
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
    # what the person wrote or joined, shown (shortened) beside the counts
    questions: tuple[QuestionRecord, ...] = ()  # newest first
    cohorts: tuple[CohortRecord, ...] = ()  # joined
    cohorts_led: tuple[CohortRecord, ...] = ()  # run as a trainer
    recordings: int = 0  # recordings of the course they made (any status)


async def privacy_report(uow: UnitOfWork, user_id: int) -> PrivacyReport:
    user = await uow.users.get(user_id)
    assert user is not None, "arrive() runs before every handler"
    attempts, answers = await uow.quizzes.count_attempts(user_id)
    questions, ratings, written = await uow.faq.counts_for(user_id)
    joined = await uow.cohorts.of_member(user_id)
    led = await uow.cohorts.of_trainer(user_id)
    return PrivacyReport(
        user=user,
        accounts=await uow.accounts.of_user(user_id),
        cards_seen=await uow.progress.count(user_id),
        events=await uow.events.count(user_id),
        reminder=await uow.reminders.get(user_id),
        reminders_logged=await uow.reminders.count_log(user_id),
        quiz_attempts=attempts,
        quiz_answers=answers,
        certificate=await uow.certificates.for_user(user_id),
        consultations=await consultations.privacy(uow, user_id),
        cohorts_joined=len(joined),
        cohorts_run=len(led),
        announcements_received=await uow.announcements.count_received(user_id),
        questions_asked=questions,
        answer_ratings=ratings,
        messages_written=written,
        draft=await uow.faq.get_draft(user_id),
        questions=tuple(await uow.faq.asked_by(user_id)),
        cohorts=tuple(joined),
        cohorts_led=tuple(led),
        recordings=len(await uow.recordings.of_recorder(user_id)),
    )


async def delete_everything(
    uow: UnitOfWork,
    user_id: int,
    now: datetime | None = None,
    audio: AudioStore | None = None,
) -> None:
    """Erase the user, their progress, events, reminders, quizzes, named consultation
    answers (with their consultation opt-ins and notices), cohort memberships, the cohorts
    and announcements they made, and their questions, ratings and complaint draft, in one
    transaction.

    A certificate is revoked, not deleted: its code then verifies as withdrawn, without the
    name, so nobody can present it as valid while nothing says whose it was. Their
    recordings go (drafts, pending, rejected; their files from `audio` after the commit),
    except approved ones, which stay for learners with nothing saying who spoke them.
    """
    recorded = await recordings.forget_recorder(uow, user_id)
    await uow.certificates.revoke_for(user_id, now or datetime.now(UTC))
    await uow.quizzes.delete_for(user_id)
    await consultations.delete_for(uow, user_id)
    await uow.announcements.delete_for(user_id)
    await uow.cohorts.delete_for(user_id)
    await uow.faq.delete_for(user_id)
    await uow.reminders.delete_for(user_id)
    await uow.events.delete_for(user_id)
    await uow.progress.delete_for(user_id)
    await uow.accounts.delete_for(user_id)
    await uow.users.delete(user_id)
    await uow.commit()
    if audio is not None:
        await recordings.drop_unused(uow, audio, recorded)


async def mark_blocked(uow: UnitOfWork, user_id: int) -> None:
    """Telegram said the user blocked the bot: stop proactive messages until they write."""
    await uow.users.mark_blocked(user_id)
    await uow.commit()


async def unblocked(uow: UnitOfWork, user_id: int, now: datetime) -> None:
    """Telegram says the user unblocked the bot (without writing): reminders resume."""
    if await uow.users.unblock(user_id):
        await uow.reminders.wake(user_id, now)
    await uow.commit()


async def opt_out(uow: UnitOfWork, user_id: int, now: datetime) -> bool:
    """STOP: nothing the bot sends on its own reaches the person until they opt back in;
    False when they had opted out already. Their reminder settings are kept (the
    reminders due meanwhile are skipped), so START brings back what they had."""
    changed = await uow.users.set_opted_out(user_id, now)
    await uow.commit()
    return changed


async def opt_in(uow: UnitOfWork, user_id: int) -> bool:
    """START after STOP: reminders, announcements and notices reach them again; False when
    they had not opted out."""
    changed = await uow.users.set_opted_out(user_id, None)
    await uow.commit()
    return changed
