"""A restart between a button and the typed text it asked for: the text is still taken as what
it is (a reply, a name), and what must stay in memory (the complaint guide) is not saved."""

from __future__ import annotations

from sqlalchemy import select

from bot import waiting
from bot.db.models import User
from tests.e2e.conftest import ADMIN, USERS, onboard
from tests.e2e.harness import Harness
from tests.e2e.test_certificate import earn_certificate_offer


async def saved_steps(bot: Harness, user: int) -> dict[str, object] | None:
    async with bot.services.uow() as uow:
        uid = await bot.uid(user)
        value = await uow.session.scalar(select(User.waiting).where(User.id == uid))
    return value


async def saved_step(bot: Harness, user: int) -> waiting.Wait | None:
    """The step users.waiting holds, opened with the deployment's key."""
    steps = await saved_steps(bot, user)
    stored = steps.get("wait") if steps else None
    return waiting.unseal(stored, await bot.uid(user), bot.services.sealer)


async def test_an_admins_reply_typed_after_a_restart_reaches_the_learner(bot: Harness) -> None:
    learner = USERS["fr"]
    await onboard(bot, ADMIN, "en")
    await onboard(bot, learner, "fr")
    await bot.press(learner, "m:faq")
    await bot.press(learner, "ap:type")
    await bot.say(learner, "Qui répare la route de Kamsar ?")
    async with bot.services.uow() as uow:
        [question] = await uow.faq.open_questions()
    await bot.press(ADMIN, f"aq:{question.id}")
    assert "Type your reply to question" in bot.text(ADMIN)
    step = await saved_step(bot, ADMIN)
    assert isinstance(step, waiting.StaffReply) and step.question == question.id
    assert "reply" not in str(await saved_steps(bot, ADMIN)), "sealed in the database"

    await bot.restart()
    await bot.say(ADMIN, "Demandez au bureau de la commune.")
    assert bot.text(ADMIN) == "Your reply is on its way to the learner.", (
        "taken as the reply, not searched as a question"
    )
    await bot.notify_staff()
    assert "Demandez au bureau de la commune." in bot.text(learner)
    assert await saved_steps(bot, ADMIN) is None, "nothing waited for any more"


async def test_a_certificate_name_typed_after_a_restart_is_taken_as_the_name(
    bot: Harness,
) -> None:
    user = USERS["en"]
    await earn_certificate_offer(bot, user, "en")
    await bot.press(user, "qc:get")
    assert "Type your name" in bot.text(user)
    assert isinstance(await saved_step(bot, user), waiting.CertificateName)
    await bot.restart()
    await bot.say(user, "Ana Souza")
    assert "Your certificate will say: Ana Souza" in bot.text(user)
    steps = await saved_steps(bot, user)
    assert "Ana" not in str(steps), "the name itself is not saved"
    assert await saved_step(bot, user) is None, "the name is typed: nothing waited for"


async def test_the_complaint_guide_is_never_saved(bot: Harness) -> None:
    user = USERS["pt"]
    await onboard(bot, user, "en")
    await bot.press(user, "m:faq")
    await bot.press(user, "ac:start")
    await bot.say(user, "Red dust covers our crops near Juruti")
    assert "Question 2 of 7" in bot.text(user)
    step = await saved_step(bot, user)
    assert isinstance(step, waiting.GuideAnswer) and step.step == 1, "which step, not what"
    async with bot.services.uow() as uow:
        rows = (await uow.session.execute(select(User.waiting))).scalars().all()
    assert all("Juruti" not in str(row) for row in rows)
    # after a restart the answers are gone, so is the guide: the next text is not searched
    # as a question nor kept anywhere
    await bot.restart()
    await bot.say(user, "It started in March")
    assert "The guide is stopped. Nothing was stored." in bot.text(user)
    async with bot.services.uow() as uow:
        assert await uow.faq.open_questions() == []
        rows = (await uow.session.execute(select(User.waiting))).scalars().all()
    assert all("March" not in str(row) for row in rows)


async def test_a_command_ends_any_wait(bot: Harness) -> None:
    """The interrupt rule: after a command, a typed text is no longer the awaited name."""
    user = USERS["en"]
    await earn_certificate_offer(bot, user, "en")
    await bot.press(user, "qc:get")
    await bot.say(user, "/progress")
    assert await saved_step(bot, user) is None
    await bot.say(user, "Ana Souza")
    assert "Your certificate will say" not in bot.text(user)
