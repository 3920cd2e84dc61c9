"""Trainers end to end: the trainer role by invitation, cohorts, joining by link, progress
(/cohort, chart, CSV, most-missed questions), workshop packs, privacy, forged codes."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import insert

from bot.actions.base import Action
from bot.actions.invitations import AcceptTrainerRole, JoinCohort, LeaveCohort
from bot.actions.trainers import (
    CohortChart,
    CohortCsv,
    CohortMissed,
    CohortPacks,
    CohortProgress,
    CohortQr,
    ModulePack,
    OpenCohort,
    RemoveTrainer,
    RenewCohortLink,
)
from bot.channels.telegram.standin import BotApiStandIn
from bot.db.models import Announcement, QuizAnswer, QuizAttempt
from tests.e2e.conftest import ADMIN, USERS, onboard
from tests.e2e.harness import FakeClock, Harness, make_settings
from tests.e2e.trainers_helpers import (
    become_trainer,
    code_in,
    create_cohort,
    invite_trainer,
    join_by_link,
    seed_members,
)

T0 = datetime(2026, 3, 23, 10, tzinfo=UTC)
TRAINER = 301
OTHER_TRAINER = 302
NOT_YOURS = "That cohort is not one of yours."
INVALID = "This invitation link is not valid. Ask the person who gave it to you for a new one."
DEAD = "This invitation link is no longer valid. Ask for a new one."


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


@pytest.fixture
async def bot(
    standin: BotApiStandIn, database_url: str, clock: FakeClock
) -> AsyncIterator[Harness]:
    standin.add_user(TRAINER, "Tina", language_code="en")
    standin.add_user(OTHER_TRAINER, "Omar", language_code="fr")
    settings = make_settings(
        standin.url,
        database_url,
        admin_ids=str(ADMIN),
        reminder_interval=0,
        announcement_interval=0,
        question_interval=0,
    )
    harness = Harness(standin, settings, clock=clock)
    await harness.start()
    yield harness
    await harness.stop()


def sent_files(bot: Harness, user: int, method: str, since: int = 0) -> list[bytes]:
    """Bytes of the photos or documents the bot sent the user."""
    files = []
    for message in bot.messages(user)[since:]:
        if not message.get("from", {}).get("is_bot"):
            continue
        if method == "sendPhoto" and "photo" in message:
            file_id = message["photo"][-1]["file_id"]
        elif method == "sendDocument" and "document" in message:
            file_id = message["document"]["file_id"]
        else:
            continue
        data = bot.standin.state.files[file_id].data
        assert data is not None
        files.append(data)
    return files


async def test_trainer_invitation_cohort_creation_and_joining_by_link(bot: Harness) -> None:
    await become_trainer(bot, TRAINER)
    assert "You are now a trainer" in bot.text(TRAINER)
    async with bot.services.uow() as uow:
        user = await uow.users.get(await bot.uid(TRAINER))
    assert user is not None and user.role == "trainer"
    await bot.say(TRAINER, "/menu")
    assert ("🎓 Trainer menu", "m:trainer") in bot.buttons(TRAINER)

    cohort_id, code = await create_cohort(bot, TRAINER, "Women's group <b>", "fr", "Kamsar")
    card = bot.text(TRAINER)
    assert "Women's group <b> · Kamsar" in card, "escaped, shown as typed"
    assert "Language: Français" in card and "0 members" in card
    mark = len(bot.messages(TRAINER))
    await bot.press(TRAINER, CohortQr(cohort_id).pack())
    (png,) = sent_files(bot, TRAINER, "sendPhoto", mark)
    assert png.startswith(b"\x89PNG")

    learner = USERS["fr"]
    t = bot.services.i18n.translator("fr")
    await bot.say(learner, f"/start {code}")
    assert bot.buttons(learner)[0][1] == "lang:fr", "onboarding first"
    await bot.press(learner, "lang:fr")
    await bot.press(learner, "ok")
    offer = bot.text(learner)
    assert t.gettext("If you join, the trainer of this cohort will see:") in offer
    assert "Learner fr" in offer and "Women's group &lt;b&gt;" not in offer
    await bot.press(learner, JoinCohort(code).pack())
    assert ("🚪 " + t.gettext("Leave this cohort"), LeaveCohort(cohort_id).pack()) in (
        bot.buttons(learner)
    )
    async with bot.services.uow() as uow:
        assert await uow.cohorts.is_member(cohort_id, await bot.uid(learner))
    await bot.say(learner, "/menu")
    assert "m:trainer" not in [d for _, d in bot.buttons(learner)], "learners have no trainer menu"

    await bot.say(TRAINER, "/cohort")
    progress = bot.text(TRAINER)
    assert "1. Learner fr · 0/5 modules · no quiz" in progress

    # the trainer invitation worked once
    invitation = await invite_trainer(bot, admin_ready=True)
    await bot.say(OTHER_TRAINER, f"/start {invitation}")
    await bot.press(OTHER_TRAINER, "lang:fr")
    await bot.press(OTHER_TRAINER, "ok")
    await bot.press(OTHER_TRAINER, AcceptTrainerRole(invitation).pack())
    await bot.say(USERS["en"], f"/start {invitation}")
    assert DEAD in bot.text(USERS["en"])

    # the admin lists the trainers and takes one role back
    await bot.say(ADMIN, "/trainers")
    assert f"{TRAINER}: 1 cohort" in bot.text(ADMIN) and f"{OTHER_TRAINER}: 0 cohorts" in (
        bot.text(ADMIN)
    )
    await bot.press(ADMIN, RemoveTrainer(await bot.uid(OTHER_TRAINER)).pack())
    assert f"{OTHER_TRAINER} is no longer a trainer." in bot.text(ADMIN)
    await bot.say(OTHER_TRAINER, "/cohort")
    assert bot.services.i18n.translator("fr").gettext(
        "I don't know that command. Send /help to see what I can do."
    ) in bot.text(OTHER_TRAINER)


async def test_progress_chart_csv_and_most_missed_questions(bot: Harness) -> None:
    await become_trainer(bot, TRAINER)
    cohort_id, _ = await create_cohort(bot, TRAINER, "Boké", "en", None)
    members = [4001, 4002, 4003]
    await seed_members(bot, cohort_id, members, T0)
    course = bot.services.course
    module = course.modules_in("en")[0]
    questions = course.questions("en", module.id)
    hard, easy = questions[0], questions[1]
    async with bot.services.uow() as uow:
        for card_id in module.card_ids:  # 4001 read all of module 1
            await uow.progress.save_seen(4001, card_id, module.id, T0)
        for user_id, score in ((4001, 5), (4001, 3), (4002, 2)):
            attempt = QuizAttempt(
                user_id=user_id,
                module_id=module.id,
                status="finished",
                question_ids=[hard.id, easy.id],
                position=2,
                score=score,
                total=5,
                passed=score >= 4,
                started_at=T0,
                finished_at=T0 + timedelta(minutes=score),
            )
            uow.session.add(attempt)
            await uow.session.flush()
            uow.session.add_all(
                [
                    QuizAnswer(
                        attempt_id=attempt.id,
                        position=0,
                        question_id=hard.id,
                        chosen=1,
                        correct=False,
                        answered_at=T0,
                    ),
                    QuizAnswer(
                        attempt_id=attempt.id,
                        position=1,
                        question_id=easy.id,
                        chosen=easy.correct,
                        correct=True,
                        answered_at=T0,
                    ),
                ]
            )
        await uow.commit()

    await bot.say(TRAINER, "/cohort")
    text = bot.text(TRAINER)
    assert "Learner 4001 · 1/5 modules · quiz: M1 ✓ 5/5" in text, "the best attempt"
    assert "Learner 4002 · 0/5 modules · quiz: M1 2/5" in text
    assert "Learner 4003 · 0/5 modules · no quiz" in text

    await bot.press(TRAINER, CohortMissed(cohort_id).pack())
    missed = bot.text(TRAINER)
    assert missed.index(hard.text) > 0, "the bank's question text"
    assert "Module 1 · wrong 3 times out of 3" in missed
    assert "✓ " + hard.options[hard.correct] in missed
    assert easy.text not in missed, "never answered wrongly"

    mark = len(bot.messages(TRAINER))
    await bot.press(TRAINER, CohortChart(cohort_id).pack())
    (png,) = sent_files(bot, TRAINER, "sendPhoto", mark)
    assert png.startswith(b"\x89PNG") and len(png) > 5000

    mark = len(bot.messages(TRAINER))
    await bot.press(TRAINER, CohortCsv(cohort_id).pack())
    (data,) = sent_files(bot, TRAINER, "sendDocument", mark)
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark"
    rows = data.decode("utf-8-sig").splitlines()
    assert rows[0].startswith("Name,Joined,Last active,Modules done,Module 1: cards read")
    assert rows[1].startswith(f"Learner 4001,2026-03-23,2026-03-23,1,{len(module.card_ids)}/")
    assert ",5/5," in rows[1] and len(rows) == 4
    progress = [m for m in bot.messages(TRAINER)[mark:] if "text" in m]
    assert [m["text"] for m in progress] == ["✅ Your file is ready."], "one progress message"


async def test_workshop_pack_in_the_cohorts_language(bot: Harness) -> None:
    await become_trainer(bot, TRAINER)
    cohort_id, _ = await create_cohort(bot, TRAINER, "Koraput", "hi", None)
    await bot.press(TRAINER, CohortPacks(cohort_id).pack())
    assert ModulePack(cohort_id, "governance").pack() in [d for _, d in bot.buttons(TRAINER)]
    mark = len(bot.messages(TRAINER))
    # Shaping Devanagari line by line takes fpdf2 seconds (about 6 s for this module on an
    # idle core here, over a minute with the whole suite on 2 loaded cores): a slow file,
    # not a lost one.
    await bot.press(TRAINER, ModulePack(cohort_id, "governance").pack(), timeout=180)
    (pdf,) = sent_files(bot, TRAINER, "sendDocument", mark)
    reader = PdfReader(io.BytesIO(pdf))
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()  # type: ignore[index]
    }
    assert any("NotoSansDevanagari" in name for name in fonts), fonts
    assert len(reader.pages) >= 3, "lessons, quiz, answers"

    cohort_id, _ = await create_cohort(bot, TRAINER, "Weipa", "en", None)
    mark = len(bot.messages(TRAINER))
    await bot.press(TRAINER, ModulePack(cohort_id, "complaints").pack(), timeout=180)
    (pdf,) = sent_files(bot, TRAINER, "sendDocument", mark)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    module = bot.services.course.module("en", "complaints")
    assert module is not None
    assert "Module 5" in text and module.lessons[0].title.split()[0] in text
    question = bot.services.course.questions("en", "complaints")[0]
    assert question.text.split()[0] in text and "Answers" in text


async def test_a_trainer_cannot_read_another_trainers_cohort(bot: Harness) -> None:
    await become_trainer(bot, TRAINER)
    cohort_id, code = await create_cohort(bot, TRAINER, "Secret group", "en", None)
    await join_by_link(bot, USERS["en"], code, "en")
    await become_trainer(bot, OTHER_TRAINER, "fr")
    t = bot.services.i18n.translator("fr")
    mark = len(bot.messages(OTHER_TRAINER))
    buttons: list[Callable[[int], Action]] = [
        OpenCohort,
        CohortProgress,
        CohortChart,
        CohortCsv,
        CohortMissed,
        CohortQr,
        RenewCohortLink,
        CohortPacks,
    ]
    for button in buttons:
        data = button(cohort_id).pack()
        await bot.say(OTHER_TRAINER, "/menu")
        await bot.press(OTHER_TRAINER, data)
        assert t.gettext(NOT_YOURS) in bot.text(OTHER_TRAINER), data
    await bot.say(OTHER_TRAINER, "/menu")
    await bot.press(OTHER_TRAINER, ModulePack(cohort_id, "governance").pack())
    assert t.gettext(NOT_YOURS) in bot.text(OTHER_TRAINER)
    seen = " ".join(
        str(m.get("text") or m.get("caption")) for m in bot.messages(OTHER_TRAINER)[mark:]
    )
    assert "Learner en" not in seen and "Secret group" not in seen and code not in seen
    assert not sent_files(bot, OTHER_TRAINER, "sendDocument", mark)
    assert not sent_files(bot, OTHER_TRAINER, "sendPhoto", mark)
    async with bot.services.uow() as uow:
        live = await uow.cohorts.live_invitation(cohort_id, T0)
    assert live is not None and live.code == code, "the link was not renewed"

    # a learner has neither the Trainer menu nor /cohort
    learner = USERS["en"]
    await bot.say(learner, "/cohort")
    assert "I don't know that command" in bot.text(learner)
    await bot.press(learner, "m:trainer")
    assert "This button is out of date" in bot.text(learner)
    await bot.say(learner, "/menu")
    await bot.press(learner, CohortProgress(cohort_id).pack())
    assert "This button is out of date" in bot.text(learner)
    await bot.say(learner, "/trainers")
    assert "I don't know that command" in bot.text(learner)


FORGED_CODES = ["AAAAAAAAAAAAAAAA", "x", "../../etc/passwd", "a" * 64, "Zm9yZ2VkLWNvZGUh"]


async def test_forged_revoked_and_expired_codes(bot: Harness, clock: FakeClock) -> None:
    await become_trainer(bot, TRAINER)
    cohort_id, code = await create_cohort(bot, TRAINER, "Boké", "en", None)
    learner = USERS["pt"]
    t = bot.services.i18n.translator("pt")
    for forged in FORGED_CODES:
        await bot.say(learner, f"/start {forged}")
        assert t.gettext(INVALID) in bot.text(learner), forged
    await onboard(bot, learner, "pt")
    for forged in FORGED_CODES[:2]:
        await bot.say(learner, f"/start {forged}")
        assert t.gettext(INVALID) in bot.text(learner)
        await bot.say(learner, "/menu")
        await bot.press(learner, JoinCohort(forged).pack())
        assert t.gettext(INVALID) in bot.text(learner)
    await bot.say(learner, "/menu")
    # a cohort code as a trainer invitation
    await bot.press(learner, AcceptTrainerRole(code).pack())
    async with bot.services.uow() as uow:
        user = await uow.users.get(await bot.uid(learner))
        assert user is not None and user.role == "learner"
        assert not await uow.cohorts.is_member(cohort_id, await bot.uid(learner))

    await bot.press(TRAINER, RenewCohortLink(cohort_id).pack())
    new_code = code_in(bot.text(TRAINER))
    assert new_code != code
    await bot.say(learner, f"/start {code}")
    assert t.gettext(DEAD) in bot.text(learner), "the old link stopped"
    await bot.say(learner, f"/start {new_code}")
    assert JoinCohort(new_code).pack() in [d for _, d in bot.buttons(learner)]
    clock.now = T0 + timedelta(days=91)
    await bot.press(learner, JoinCohort(new_code).pack())  # on the offer, shown before it expired
    assert t.gettext(DEAD) in bot.text(learner), "expired"
    async with bot.services.uow() as uow:
        assert not await uow.cohorts.is_member(cohort_id, await bot.uid(learner))


async def test_leaving_is_one_tap_and_deleteme_erases_memberships(bot: Harness) -> None:
    await become_trainer(bot, TRAINER)
    cohort_id, code = await create_cohort(bot, TRAINER, "Boké", "en", None)
    learner = USERS["en"]
    await join_by_link(bot, learner, code, "en")
    await bot.say(learner, "/privacy")
    assert "Cohorts you joined: 1. Each one's trainer sees" in bot.text(learner)
    assert "your first name, for the trainers of your cohorts" in bot.text(learner)
    await bot.say(learner, "/cohorts")
    assert "Boké" in bot.text(learner)
    await bot.press(learner, LeaveCohort(cohort_id).pack())
    assert "You left the cohort" in bot.text(learner)
    await bot.say(TRAINER, "/cohort")
    assert "Learner en" not in bot.text(TRAINER) and "0 members" in bot.text(TRAINER)

    await bot.say(learner, f"/start {code}")
    await bot.press(learner, JoinCohort(code).pack())
    uid = await bot.uid(learner)
    async with bot.services.uow() as uow:
        assert await uow.cohorts.is_member(cohort_id, uid), "joined again"
    await bot.say(learner, "/deleteme")
    await bot.press(learner, "del:yes")
    async with bot.services.uow() as uow:
        assert not await uow.cohorts.is_member(cohort_id, uid)
    # the trainer deleting their data takes their cohorts and links with it
    await bot.say(TRAINER, "/deleteme")
    await bot.press(TRAINER, "del:yes")
    async with bot.services.uow() as uow:
        assert await uow.cohorts.get(cohort_id) is None
        assert await uow.cohorts.invitation(code) is None


async def test_removing_a_trainer_removes_what_the_role_reached(
    bot: Harness, clock: FakeClock
) -> None:
    """Their scheduled announcement is cancelled, their cohort link takes nobody in, and a
    learner's answer back goes to the staff who still hold the role."""
    await become_trainer(bot, TRAINER)
    trainer = await bot.uid(TRAINER)
    cohort_id, code = await create_cohort(bot, TRAINER, "Village", "en", None)
    learner = USERS["fr"]
    await onboard(bot, learner, "fr")
    async with bot.services.uow() as uow:
        await uow.session.execute(
            insert(Announcement).values(
                id=1,
                author_id=trainer,
                kind="text",
                body="Meet on Monday",
                cohort_ids=[cohort_id],
                everyone=False,
                status="scheduled",
                scheduled_at=T0 + timedelta(days=1),
                created_at=T0,
            )
        )
        question = await uow.faq.add_question(
            await bot.uid(learner), "fr", "Que faire ?", T0, None, None
        )
        assert await uow.faq.take(question.id, trainer)
        await uow.commit()

    await bot.say(ADMIN, "/trainers")
    await bot.press(ADMIN, RemoveTrainer(trainer).pack())
    async with bot.services.uow() as uow:
        user = await uow.users.get(trainer)
        announcement = await uow.announcements.get(1)
        taken = await uow.faq.get_question(question.id)
    assert user is not None and user.role == "learner"
    assert announcement is not None and announcement.status == "cancelled"
    assert taken is not None and taken.taken_by is None

    newcomer = USERS["hi"]
    await onboard(bot, newcomer, "en")
    await bot.say(newcomer, f"/start {code}")
    assert DEAD in bot.text(newcomer)
    await bot.say(newcomer, "/menu")
    await bot.press(newcomer, JoinCohort(code).pack())  # an offer shown before the removal
    assert DEAD in bot.text(newcomer)
    async with bot.services.uow() as uow:
        assert await uow.cohorts.members(cohort_id) == []

    trainer_before = bot.text(TRAINER)
    await bot.press(learner, f"ab:{question.id}", message_id=bot.last(learner)["message_id"])
    await bot.say(learner, "Merci, et ensuite ?")
    await bot.notify_staff()
    assert "Merci, et ensuite ?" in bot.text(ADMIN)
    assert bot.text(TRAINER) == trainer_before, "a former trainer hears nothing"


async def test_an_admin_no_longer_in_admin_ids_is_demoted_at_start_up(
    bot: Harness, clock: FakeClock
) -> None:
    """Before their next message: they are no longer staff, and their announcement stops."""
    await onboard(bot, ADMIN, "en")
    admin = await bot.uid(ADMIN)
    async with bot.services.uow() as uow:
        await uow.session.execute(
            insert(Announcement).values(
                id=1,
                author_id=admin,
                kind="text",
                body="To everyone",
                cohort_ids=[],
                everyone=True,
                status="scheduled",
                scheduled_at=T0 + timedelta(days=1),
                created_at=T0,
            )
        )
        await uow.commit()
    await bot.stop()
    bot.settings = bot.settings.model_copy(update={"admin_ids": frozenset()})
    await bot.start()
    async with bot.services.uow() as uow:
        user = await uow.users.get(admin)
        announcement = await uow.announcements.get(1)
        staff = await uow.faq.staff_ids()
    assert user is not None and user.role == "learner"
    assert announcement is not None and announcement.status == "cancelled"
    assert admin not in staff
