"""Trainers and cohorts: roles, cohorts, invitation codes, joining and leaving, and the
progress members share with their trainer.

A trainer reaches a cohort only through `own_cohort`, which refuses any cohort that is not
theirs; members' data is read only for the members of that cohort.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.config import SUPPORTED_LANGUAGES
from bot.content import Course, Module, Question
from bot.db.repositories import (
    BestScore,
    CohortRecord,
    InvitationRecord,
    MissedQuestion,
)
from bot.db.repositories.users import UserRecord
from bot.db.uow import UnitOfWork
from bot.errors import (
    BadCohortText,
    ExpiredInvitation,
    InvalidInvitation,
    NotYourCohort,
    StaleButton,
)

COHORT_LINK_VALID = timedelta(days=90)
TRAINER_LINK_VALID = timedelta(days=7)
MAX_TEXT = 64
# secrets.token_urlsafe(12): 16 characters, 96 random bits; Telegram's start parameter
# allows A-Z a-z 0-9 _ - up to 64 characters.
CODE_RE = re.compile(r"^[A-Za-z0-9_-]{16}$")
MOST_MISSED = 5
STAFF_ROLES = ("trainer", "admin")  # the roles that run cohorts and answer questions


def new_code() -> str:
    return secrets.token_urlsafe(12)


async def is_typed_code(uow: UnitOfWork, text: str) -> bool:
    """Whether a typed message is an invitation code (a wa.me link types the bare code):
    one the bot issued, whatever became of it, or one that can only be a mistyped code,
    with a digit, `-` or `_` (every code but one in 28 has one). A long word of the same
    length ("responsabilidade") is left to the glossary and the FAQ."""
    if not CODE_RE.match(text):
        return False
    if await uow.cohorts.invitation(text) is not None:
        return True
    return any(char.isdigit() or char in "-_" for char in text)


def is_trainer(user: UserRecord, is_admin: bool) -> bool:
    return is_admin or user.role in STAFF_ROLES


def clean_text(text: str | None) -> str:
    """A cohort name, place or member name as stored: one line, no control characters."""
    if text is None:
        raise BadCohortText("empty")
    text = "".join(
        " " if unicodedata.category(c).startswith(("C", "Z")) else c
        for c in unicodedata.normalize("NFC", text)
    )
    text = " ".join(text.split())
    if not text or len(text) > MAX_TEXT:
        raise BadCohortText(text[:10])
    return text


# --- cohorts ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CohortCard:
    """A cohort with its live invitation code."""

    cohort: CohortRecord
    code: str
    expires_at: datetime | None


async def create_cohort(
    uow: UnitOfWork, trainer_id: int, name: str, language: str, place: str | None, now: datetime
) -> CohortCard:
    if language not in SUPPORTED_LANGUAGES:
        raise StaleButton(language)
    cohort_id = await uow.cohorts.add(
        trainer_id, clean_text(name), language, clean_text(place) if place else None, now
    )
    code = new_code()
    expires = now + COHORT_LINK_VALID
    await uow.cohorts.add_invitation(code, "cohort", trainer_id, now, expires, cohort_id)
    await uow.commit()
    cohort = await uow.cohorts.get(cohort_id)
    assert cohort is not None
    return CohortCard(cohort, code, expires)


async def own_cohort(uow: UnitOfWork, trainer_id: int, cohort_id: int) -> CohortRecord:
    """The trainer's cohort; anyone else's (or a forged id) raises NotYourCohort."""
    cohort = await uow.cohorts.get(cohort_id)
    if cohort is None or cohort.trainer_id != trainer_id:
        raise NotYourCohort(str(cohort_id))
    return cohort


async def cohorts_of(uow: UnitOfWork, trainer_id: int) -> list[CohortRecord]:
    return await uow.cohorts.of_trainer(trainer_id)


async def cohort_card(
    uow: UnitOfWork, trainer_id: int, cohort_id: int, now: datetime, *, renew: bool = False
) -> CohortCard:
    """The cohort and its live code; a new code when asked (the old ones stop working) or
    when the last one expired."""
    cohort = await own_cohort(uow, trainer_id, cohort_id)
    live = None if renew else await uow.cohorts.live_invitation(cohort_id, now)
    if live is not None:
        return CohortCard(cohort, live.code, live.expires_at)
    await uow.cohorts.revoke_cohort_invitations(cohort_id, now)
    code = new_code()
    expires = now + COHORT_LINK_VALID
    await uow.cohorts.add_invitation(code, "cohort", trainer_id, now, expires, cohort_id)
    await uow.commit()
    return CohortCard(cohort, code, expires)


# --- invitations -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Offer:
    """What an invitation code offers: a cohort to join, or the trainer role."""

    invitation: InvitationRecord
    cohort: CohortRecord | None


async def look_up(uow: UnitOfWork, code: str, now: datetime) -> Offer:
    """The invitation behind a code; unknown codes and used or dead ones raise, with a
    clear answer for each."""
    if not CODE_RE.match(code):
        raise InvalidInvitation(code[:20])
    invitation = await uow.cohorts.invitation(code)
    if invitation is None:
        raise InvalidInvitation(code)
    if (
        invitation.revoked_at is not None
        or (invitation.expires_at is not None and invitation.expires_at <= now)
        or (invitation.kind == "trainer" and invitation.used_by is not None)
    ):
        raise ExpiredInvitation(code)
    cohort = None
    if invitation.kind == "cohort":
        cohort = await uow.cohorts.get(invitation.cohort_id or 0)
        owner = await uow.users.get(cohort.trainer_id) if cohort is not None else None
        # a cohort whose trainer lost the role takes nobody in (see withdraw_reach)
        if cohort is None or owner is None or owner.role not in STAFF_ROLES:
            raise ExpiredInvitation(code)
    return Offer(invitation, cohort)


async def join(
    uow: UnitOfWork, user_id: int, code: str, display_name: str, now: datetime
) -> tuple[CohortRecord, bool]:
    """Join the cohort of a cohort code; (cohort, False) if already a member."""
    offer = await look_up(uow, code, now)
    if offer.cohort is None:
        raise InvalidInvitation(code)
    name = clean_text(display_name[:MAX_TEXT] or "?")
    added = await uow.cohorts.add_member(offer.cohort.id, user_id, name, now)
    if added:
        await uow.events.add(user_id, "cohort_joined", now, {"cohort": offer.cohort.id})
    await uow.commit()
    return offer.cohort, added


async def leave(uow: UnitOfWork, user_id: int, cohort_id: int, now: datetime) -> bool:
    left = await uow.cohorts.remove_member(cohort_id, user_id)
    if left:
        await uow.events.add(user_id, "cohort_left", now, {"cohort": cohort_id})
    await uow.commit()
    return left


async def my_cohorts(uow: UnitOfWork, user_id: int) -> list[CohortRecord]:
    return await uow.cohorts.of_member(user_id)


async def invite_trainer(uow: UnitOfWork, admin_id: int, now: datetime) -> str:
    """A one-time code that makes whoever opens it first a trainer."""
    code = new_code()
    await uow.cohorts.add_invitation(code, "trainer", admin_id, now, now + TRAINER_LINK_VALID)
    await uow.commit()
    return code


async def become_trainer(uow: UnitOfWork, user: UserRecord, code: str, now: datetime) -> None:
    offer = await look_up(uow, code, now)
    if offer.invitation.kind != "trainer":
        raise InvalidInvitation(code)
    if not await uow.cohorts.use_invitation(code, user.id, now):
        raise ExpiredInvitation(code)
    if user.role != "admin":
        await uow.users.set_role(user.id, "trainer")
    await uow.events.add(user.id, "became_trainer", now)
    await uow.commit()


@dataclass(frozen=True, slots=True)
class TrainerEntry:
    """A trainer as admins see them: by their Telegram number (the internal id means nothing
    to a person), with how many cohorts they run."""

    user_id: int
    label: str
    cohorts: int


async def trainers(uow: UnitOfWork) -> list[TrainerEntry]:
    listed = await uow.cohorts.trainers()
    labels = await uow.accounts.addresses([user_id for user_id, _ in listed], "telegram")
    return [TrainerEntry(user_id, labels.get(user_id, "?"), n) for user_id, n in listed]


async def label_of(uow: UnitOfWork, user_id: int) -> str:
    """How admins name a person: their Telegram number ("?" when they have none)."""
    return (await uow.accounts.addresses([user_id], "telegram")).get(user_id, "?")


async def remove_trainer(uow: UnitOfWork, user_id: int, now: datetime) -> bool:
    """Take the trainer role back, and with it what the role reaches (withdraw_reach)."""
    user = await uow.users.get(user_id)
    if user is None or user.role != "trainer":
        return False
    await uow.users.set_role(user_id, "learner")
    await withdraw_reach(uow, user_id, now)
    await uow.commit()
    return True


async def withdraw_reach(uow: UnitOfWork, user_id: int, now: datetime) -> None:
    """What a trainer or admin set going stops when they lose the role (not committed).

    Their drafts and scheduled announcements are cancelled; their questions to a person
    are handed back, so a learner's answer back goes to staff who still hold the role.
    Their cohorts stay theirs, out of their reach, and the cohorts' invitation links are
    revoked rather than handed to an admin: a learner who joined agreed to share their name
    and progress with that trainer only (CohortMember), and a link still passed around
    would keep adding people to a group nobody runs. Re-invited, the trainer gets their
    cohorts back and makes new links.
    """
    await uow.announcements.cancel_all_of(user_id)
    await uow.cohorts.revoke_invitations_of(user_id, now)
    await uow.faq.release_taken(user_id)


# --- progress --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ModuleStanding:
    module_id: str
    seen: int
    total: int
    best: BestScore | None

    @property
    def done(self) -> bool:
        return self.total > 0 and self.seen >= self.total


@dataclass(frozen=True, slots=True)
class MemberProgress:
    name: str
    joined_at: datetime
    last_seen_at: datetime
    modules: tuple[ModuleStanding, ...]

    @property
    def modules_done(self) -> int:
        return sum(1 for m in self.modules if m.done)


@dataclass(frozen=True, slots=True)
class CohortProgress:
    cohort: CohortRecord
    modules: tuple[Module, ...]  # in the cohort's language
    members: tuple[MemberProgress, ...]


async def cohort_progress(
    uow: UnitOfWork, course: Course, trainer_id: int, cohort_id: int
) -> CohortProgress:
    """What the cohort's members agreed to share: modules read, best quiz scores, last day."""
    cohort = await own_cohort(uow, trainer_id, cohort_id)
    members = await uow.cohorts.members(cohort_id)
    ids = [m.user_id for m in members]
    seen = await uow.cohorts.seen_cards(ids) if ids else {}
    scores = await uow.cohorts.best_scores(ids) if ids else {}
    modules = course.modules_in(cohort.language)
    rows = []
    for member in members:
        cards = seen.get(member.user_id, set())
        best = scores.get(member.user_id, {})
        standings = tuple(
            ModuleStanding(m.id, len(cards & set(m.card_ids)), len(m.card_ids), best.get(m.id))
            for m in modules
        )
        rows.append(
            MemberProgress(member.display_name, member.joined_at, member.last_seen_at, standings)
        )
    return CohortProgress(cohort, modules, tuple(rows))


@dataclass(frozen=True, slots=True)
class Missed:
    missed: MissedQuestion
    question: Question | None  # None if the bank no longer has it


async def most_missed(
    uow: UnitOfWork, course: Course, trainer_id: int, cohort_id: int, limit: int = MOST_MISSED
) -> tuple[CohortRecord, list[Missed]]:
    cohort = await own_cohort(uow, trainer_id, cohort_id)
    ids = [m.user_id for m in await uow.cohorts.members(cohort_id)]
    missed = await uow.cohorts.missed_questions(ids, limit) if ids else []
    return cohort, [Missed(m, course.question(cohort.language, m.question_id)) for m in missed]


def module_of(course: Course, language: str, module_id: str) -> Module:
    module = course.module(language, module_id)
    if module is None:
        raise StaleButton(module_id)
    return module
