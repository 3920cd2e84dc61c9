"""A restart between a button and the typed text it asked for: the text is still taken as what
it is (a reply, a name), and what must stay in memory (the complaint guide) is not saved."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import User
from tests.e2e.conftest import ADMIN, USERS, onboard
from tests.e2e.harness import Harness
from tests.e2e.test_certificate import earn_certificate_offer


async def saved_steps(bot: Harness, user: int) -> dict[str, object] | None:
    async with bot.services.uow() as uow:
        uid = await bot.uid(user)
        value = await uow.session.scalar(select(User.waiting).where(User.id == uid))
    return value


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
    steps = await saved_steps(bot, ADMIN)
    assert steps is not None and steps["faq_waiting"] == "reply"
    assert steps["faq_question_id"] == question.id

    await bot.restart()
    await bot.say(ADMIN, "Demandez au bureau de la commune.")
    assert bot.text(ADMIN) == "Sent.", "taken as the reply, not searched as a question"
    assert "Demandez au bureau de la commune." in bot.text(learner)
    assert await saved_steps(bot, ADMIN) is None, "nothing waited for any more"


async def test_a_certificate_name_typed_after_a_restart_is_taken_as_the_name(
    bot: Harness,
) -> None:
    user = USERS["en"]
    await earn_certificate_offer(bot, user, "en")
    await bot.press(user, "qc:get")
    assert "Type your name" in bot.text(user)
    await bot.say(user, "/privacy")
    assert "A step in progress: which answer the bot waits for" in bot.text(user)
    await bot.restart()
    await bot.say(user, "Ana Souza")
    assert "Your certificate will say: Ana Souza" in bot.text(user)
    steps = await saved_steps(bot, user)
    assert "Ana" not in str(steps), "the name itself is not saved"


async def test_the_complaint_guide_is_never_saved(bot: Harness) -> None:
    user = USERS["pt"]
    await onboard(bot, user, "en")
    await bot.press(user, "m:faq")
    await bot.press(user, "ac:start")
    await bot.say(user, "Red dust covers our crops near Juruti")
    assert "Question 2 of 7" in bot.text(user)
    assert await saved_steps(bot, user) is None
    async with bot.services.uow() as uow:
        rows = (await uow.session.execute(select(User.waiting))).scalars().all()
    assert all("Juruti" not in str(row) for row in rows)
