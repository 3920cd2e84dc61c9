"""Shared steps of the trainer tests: make a trainer, create a cohort, join by link."""

from __future__ import annotations

import re
from datetime import datetime

from bot.actions.invitations import AcceptTrainerRole, JoinCohort
from bot.actions.trainers import CohortLanguage, InviteTrainer, NewCohort, SkipCohortPlace
from tests.accounts import add_telegram_user
from tests.e2e.conftest import ADMIN, onboard
from tests.e2e.harness import Harness

LINK_RE = re.compile(r"https://t\.me/asi_learning_bot\?start=([A-Za-z0-9_-]{16})")


def code_in(text: str) -> str:
    found = LINK_RE.search(text)
    assert found, text
    return found.group(1)


async def invite_trainer(bot: Harness, admin_ready: bool = False) -> str:
    """The admin's /trainers → Invite a trainer; return the one-time code."""
    if not admin_ready:
        await onboard(bot, ADMIN, "en")
    await bot.say(ADMIN, "/trainers")
    await bot.press(ADMIN, InviteTrainer().pack())
    return code_in(bot.text(ADMIN))


async def become_trainer(bot: Harness, user_id: int, language: str = "en") -> None:
    """A new user opens a trainer invitation, goes through onboarding and accepts."""
    code = await invite_trainer(bot, admin_ready=bot.standin.messages(ADMIN) != [])
    await bot.say(user_id, f"/start {code}")
    await bot.press(user_id, f"lang:{language}")
    await bot.press(user_id, "ok")
    await bot.press(user_id, AcceptTrainerRole(code).pack())


async def create_cohort(
    bot: Harness, trainer: int, name: str, language: str, place: str | None
) -> tuple[int, str]:
    """Trainer menu → New cohort; return (cohort id, invitation code)."""
    await bot.press(trainer, "m:trainer", message_id=bot.last(trainer)["message_id"])
    await bot.press(trainer, NewCohort().pack())
    await bot.say(trainer, name)
    await bot.press(trainer, CohortLanguage(language).pack())
    if place is None:
        await bot.press(trainer, SkipCohortPlace().pack())
    else:
        await bot.say(trainer, place)
    code = code_in(bot.text(trainer))
    async with bot.services.uow() as uow:
        invitation = await uow.cohorts.invitation(code)
    assert invitation is not None and invitation.cohort_id is not None
    return invitation.cohort_id, code


async def join_by_link(bot: Harness, user_id: int, code: str, language: str) -> None:
    """A learner who never used the bot opens the link: onboarding, then the offer, Join."""
    await bot.say(user_id, f"/start {code}")
    await bot.press(user_id, f"lang:{language}")
    await bot.press(user_id, "ok")
    await bot.press(user_id, JoinCohort(code).pack())


async def seed_members(
    bot: Harness, cohort_id: int, user_ids: list[int], now: datetime, language: str = "en"
) -> None:
    """Many onboarded members at once, written directly (the join flow is tested apart)."""
    async with bot.services.uow() as uow:
        for user_id in user_ids:
            await add_telegram_user(uow, user_id, now, "learner")
            await uow.users.set_language(user_id, language)
            await uow.users.set_consent(user_id, now)
            await uow.cohorts.add_member(cohort_id, user_id, f"Learner {user_id}", now)
        await uow.commit()
    for user_id in user_ids:
        bot.standin.add_user(user_id, f"Learner {user_id}", language_code=language)


async def make_trainer_directly(bot: Harness, user_id: int, now: datetime) -> None:
    async with bot.services.uow() as uow:
        await add_telegram_user(uow, user_id, now, "trainer")
        await uow.users.set_role(user_id, "trainer")
        await uow.users.set_language(user_id, "en")
        await uow.users.set_consent(user_id, now)
        await uow.commit()
