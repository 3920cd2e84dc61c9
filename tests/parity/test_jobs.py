"""What the bot sends on its own, on each channel: a reminder to a learner who wrote within
24 hours and to one who did not (Telegram has no window: both get it as it is; WhatsApp
sends the second as the reminder template, or nothing without a template in the language),
an announcement to a cohort with members on both channels, and an anonymous consultation
answer that keeps no link to its author."""

from __future__ import annotations

from datetime import date, timedelta

from bot.actions.announcements import (
    PreviewAnnouncement,
    SendAnnouncement,
    ToggleCohort,
    WriteAnnouncement,
)
from bot.db.repositories import Delivered, Outcome
from bot.jobs.announcements import deliver_announcements
from bot.jobs.consultations import run_consultations
from bot.jobs.reminders import send_due_reminders
from bot.services import cohorts, holding, reminders
from bot.services.consultations import Notice
from bot.services.holding import BatchPolicy
from bot.services.schedule import ReminderTime
from tests.e2e.test_consultations import BEFORE_OPEN, OPENED, REF_RE, publish, rows
from tests.parity.conftest import T0, World, onboard, other
from tests.parity.driver import Person, WhatsAppPerson
from tests.whatsapp.test_delivery import DUE

NEWS = "Atelier mardi à 10 h, à l'école."


async def _reminded(world: World, person: Person) -> None:
    await onboard(person)
    user_id = await person.user_id()
    async with world.both.telegram.services.uow() as uow:
        await uow.users.set_time_zone(user_id, "UTC")
        await uow.commit()
        user = await uow.users.get(user_id)
        assert user is not None
        every_evening = ReminderTime(frozenset(range(7)), 18)
        await reminders.turn_on(uow, user, person.language, world.clock(), every_evening)


async def test_a_reminder_inside_and_outside_the_window(world: World, channel: str) -> None:
    inside, outside = world.person(channel, "fr"), world.person(channel, "fr")
    untemplated = world.person(channel, "hi")  # no reminder template in Hindi nor English
    for person in (inside, outside, untemplated):
        await _reminded(world, person)
    await inside.last_wrote(DUE - timedelta(hours=1))
    world.at(DUE)
    for person in (inside, outside, untemplated):
        person.step()

    report = await send_due_reminders(world.both.telegram.services)
    await world.both.whatsapp.settle()

    first = world.both.telegram.services.course.modules_in("fr")[0].lessons[0].title
    for person in (inside, outside):
        assert person.reads(first), "where the learner stopped"
    if channel == "telegram":
        assert report.outcomes == {Outcome.SENT: 3}, report
        assert inside.kinds() == outside.kinds() == ["sendMessage"], "no window on Telegram"
        assert untemplated.kinds() == ["sendMessage"]
    else:
        assert report.outcomes == {Outcome.SENT: 2, Outcome.SKIPPED: 1}, report
        assert inside.kinds() == ["interactive"], "within 24 hours: the reminder as it is"
        assert outside.kinds() == ["template"], "after 24 hours: only the template"
        assert outside.shown().startswith("Bonjour, ici la formation ASI. ")
        assert untemplated.kinds() == [], "no template in the language: nothing goes"
    async with world.both.telegram.services.uow() as uow:
        counts = await uow.reminders.counts(DUE - timedelta(hours=12))
    assert (counts.sent, counts.skipped) == (3, 0) if channel == "telegram" else (2, 1)


async def test_an_announcement_to_a_mixed_cohort(world: World, channel: str) -> None:
    services = world.both.telegram.services
    away = world.person("whatsapp", "fr")  # wrote two days before the announcement
    await onboard(away)
    world.at(T0 + timedelta(days=2))
    trainer = world.person(channel, "en")
    here, there = world.person(channel, "fr"), world.person(other(channel), "fr")
    for person in (trainer, here, there):
        await onboard(person)
    async with services.uow() as uow:
        await uow.users.set_role(await trainer.user_id(), "trainer")
        await uow.commit()
    async with services.uow() as uow:
        made = await cohorts.create_cohort(
            uow, await trainer.user_id(), "Kamsar", "fr", None, world.clock()
        )
    cohort = made.cohort.id
    async with services.uow() as uow:
        for member in (here, there, away):
            await uow.cohorts.add_member(cohort, await member.user_id(), "m", world.clock())
        await uow.commit()

    await trainer.say("/menu")
    await trainer.choose("m:trainer")
    await trainer.choose(WriteAnnouncement().pack())
    await trainer.say(NEWS)
    [toggle] = [i for i in trainer.ids() if ToggleCohort.matches(i)]
    await trainer.choose(toggle)
    [preview] = [i for i in trainer.ids() if PreviewAnnouncement.matches(i)]
    await trainer.choose(preview)
    assert trainer.reads(NEWS), "the preview"
    [send] = [i for i in trainer.ids() if SendAnnouncement.matches(i)]
    await trainer.choose(send)
    for person in (here, there, away):
        person.step()
    report = await deliver_announcements(services)
    await world.both.whatsapp.settle()

    assert report.outcomes == {Delivered.SENT: 3}, report
    for person in (here, there, away):
        assert person.reads(NEWS), person.channel
    assert away.kinds() == ["template"], "outside the window: the announcement template"
    assert away.shown().startswith("Message de votre formateur ASI : ")


async def test_an_anonymous_consultation_answer(world: World, channel: str) -> None:
    world.at(BEFORE_OPEN)
    await publish(world.both.telegram)
    world.at(OPENED + timedelta(hours=3, minutes=17))
    learner = world.person(channel, "hi")
    await onboard(learner)
    await learner.say("/menu")
    for choice in ("m:consult", "ko:1", "ks:1:2", "ka:1:2:c", "ki:1:2:c:a"):
        await learner.choose(choice)
    words = "मुझे डर है कि कंपनी दबाव डालेगी।"
    await learner.say(words)
    t = learner.t
    thanks = t.gettext("Thank you, your answer is saved. Reference: <b>{ref}</b>")
    assert learner.reads(thanks.split("<b>")[0])
    receipt = REF_RE.search(learner.shown())
    assert receipt is not None

    (held,) = await rows(world.both.telegram, "consultation_held")
    assert words.encode() not in held["sealed"]
    async with world.both.telegram.services.uow() as uow:  # its batch, however small
        await holding.write_batches(uow, world.clock(), BatchPolicy(min_authors=1, chance=1))
    (answer,) = await rows(world.both.telegram, "consultation_answers")
    assert answer["text"] == words and int(receipt.group(2)) == answer["number"]
    assert answer["user_id"] is None and answer["author_name"] is None
    assert answer["submitted_on"] == date(2026, 11, 20), "the day only, never the time"
    assert answer["channel"] == channel


async def test_a_consultation_notice_and_what_became_of_it(world: World, channel: str) -> None:
    """Recorded as an announcement copy is: sent (Telegram says no more), then delivered
    and read as WhatsApp reports."""
    services = world.both.telegram.services
    world.at(BEFORE_OPEN)
    await publish(world.both.telegram)
    world.at(OPENED - timedelta(hours=1))
    learner = world.person(channel, "en")
    await onboard(learner)
    async with services.uow() as uow:
        await uow.consultations.subscribe(await learner.user_id())
        await uow.commit()
    world.at(OPENED)
    learner.step()

    report = await run_consultations(services)
    await world.both.whatsapp.settle()

    assert report.sent == {Notice.OPEN: 1}, report
    assert learner.reads("Practice: how audits hear communities")
    assert "ko:1" in learner.ids()

    async def states() -> dict[Delivered | None, int]:
        async with services.uow() as uow:
            return await uow.consultations.notice_counts(1, Notice.OPEN)

    if channel == "telegram":
        assert await states() == {Delivered.SENT: 1}
        return
    assert await states() == {Delivered.DELIVERED: 1}, "Meta's status after the send"
    assert isinstance(learner, WhatsAppPerson)
    wa = world.both.whatsapp
    [notice] = [m for m in wa.standin.messages(learner.wa_id) if "ko:1" in str(m)]
    wa.standin.read(learner.wa_id, notice["id"])
    await wa.settle()
    assert await states() == {Delivered.READ: 1}
