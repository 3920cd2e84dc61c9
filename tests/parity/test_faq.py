"""Questions on each channel: one the FAQ answers, one it does not, and the question sent to
a person who answers from the other channel, then the learner's answer back."""

from __future__ import annotations

from datetime import timedelta

from bot.actions.faq import FaqAnswerBack, FaqAsk, FaqReply
from bot.db.models import FaqQuestion
from bot.services.faq import NoticeState
from bot.views.faq import PORTAL
from tests.parity.conftest import T0, World, onboard, other

HIT = "est-ce que je peux porter plainte sans donner mon nom"
MISS = "Quel temps fera-t-il demain & après-demain à Kamsar ?"
REPLY = "Écrivez à l'ASI. Gardez des photos & notes."
BACK = "Merci <3, et si la société refuse ?"


async def test_faq_hit_miss_and_a_person_on_the_other_channel(world: World, channel: str) -> None:
    learner = world.person(channel, "fr")
    staff = world.staff(other(channel))
    bystander = world.staff(channel)  # staff on the learner's channel, not the one who takes it
    for person in (staff, bystander, learner):
        await onboard(person)
    services = world.both.telegram.services

    await learner.say(HIT)
    anonymity = services.course.faq_in("fr").entry("anonymity")
    assert anonymity is not None and learner.reads(anonymity.question)
    assert PORTAL in learner.shown()

    await learner.say(MISS)
    t = learner.t
    assert learner.reads(t.gettext("I am not sure I have the answer to that."))
    assert FaqAsk("send").pack() in learner.ids()
    async with services.uow() as uow:
        assert await uow.faq.open_questions() == [], "nothing is sent until the learner asks"
    await learner.choose(FaqAsk("send").pack())

    staff.step()
    bystander.step()
    await world.both.notify_staff()
    async with services.uow() as uow:
        [question] = await uow.faq.open_questions()
    assert question.text == MISS and question.user_id == await learner.user_id()
    assert staff.reads(MISS) and bystander.reads(MISS), "every admin hears of it"
    assert "Learner" not in staff.shown(), "without the learner's name"
    await staff.choose(FaqReply(question.id).pack())
    await staff.say(REPLY)
    assert staff.shown() == "Your reply is on its way to the learner."
    await world.both.notify_staff()  # the notice job takes it to the learner
    assert learner.reads(REPLY), "the reply reaches the learner on their channel"
    assert FaqAnswerBack(question.id).pack() in learner.ids()

    bystander.step()
    await learner.choose(FaqAnswerBack(question.id).pack())
    await learner.say(BACK)
    staff.step()
    await world.both.notify_staff()
    assert staff.reads(BACK), "the answer back goes to the one who took the question"
    assert bystander.shown() == "", "and to nobody else"
    async with services.uow() as uow:
        stored = await uow.session.get(FaqQuestion, question.id)
        assert stored is not None and stored.taken_by == await staff.user_id()


async def test_staff_told_days_after_they_last_wrote(world: World, channel: str) -> None:
    """Telegram has no window: the notice as always. On WhatsApp, after 24 hours only the
    staff template goes, the question in it; the admin answers from /questions."""
    staff = world.staff(channel)
    await onboard(staff)
    world.at(T0 + timedelta(days=2))
    learner = world.person(other(channel), "fr")
    await onboard(learner)
    await learner.say(MISS)
    await learner.choose(FaqAsk("send").pack())
    staff.step()
    report = await world.both.telegram.notify_staff()
    await world.both.whatsapp.settle()

    assert report.outcomes.get(NoticeState.SENT, 0) >= 1, report
    assert staff.reads(MISS)
    async with world.both.telegram.services.uow() as uow:
        [question] = await uow.faq.open_questions()
    if channel == "whatsapp":
        assert staff.kinds() == ["template"], "outside the window: only the template"
        assert staff.shown().startswith("A person is waiting for an answer")
        await staff.say("/questions")
    assert FaqReply(question.id).pack() in staff.ids()
    await staff.choose(FaqReply(question.id).pack())
    await staff.say(REPLY)
    await world.both.notify_staff()
    assert learner.reads(REPLY)
