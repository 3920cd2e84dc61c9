"""A translator adds a language without code: export, fill, import, and a learner reads it
on Telegram, with what is not translated yet shown in the bridge language and said so."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import pytest

from bot.actions.faq import FaqAnswer, FaqGroupPage
from bot.actions.lessons import OpenModule
from bot.actions.menu import Menu
from bot.actions.quizzes import QuizStart
from bot.channels.telegram.standin import BotApiStandIn
from bot.content import Course
from bot.i18n import I18n
from bot.services import consultations
from bot.telegram_html import visible_text
from tests.e2e.conftest import USERS
from tests.e2e.harness import FakeClock, Harness, make_settings
from tests.translating import CODE, MARK, Workspace, translated_course
from tests.whatsapp.harness import WhatsAppHarness, whatsapp_bot

BRIDGED = "🌐 Not translated yet: shown in Français."
FAQ_ENTRY = "what-is-it"  # the FAQ is not translated in the test language


Translated = tuple[Workspace, Course, I18n]


@pytest.fixture(scope="module")
def translated(tmp_path_factory: pytest.TempPathFactory) -> Translated:
    """One translated copy of the course for the module's tests (the bot only reads it)."""
    return translated_course(tmp_path_factory.mktemp("translated"))


# While the practice consultation is open (it closes on 18 January 2027).
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
async def translated_bot(
    standin: BotApiStandIn, database_url: str, translated: Translated
) -> AsyncIterator[Harness]:
    space, course, i18n = translated
    settings = make_settings(standin.url, database_url, content_dir=str(space.content))
    harness = Harness(standin, settings, course=course, i18n=i18n, clock=FakeClock(T0))
    await harness.start()
    yield harness
    await harness.stop()


@asynccontextmanager
async def translated_whatsapp(
    database_url: str, translated: Translated, wa_id: str
) -> AsyncIterator[tuple[WhatsAppHarness, Course]]:
    """The WhatsApp bot on the translated course, with a learner who chose the language."""
    space, course, i18n = translated
    async with whatsapp_bot(
        database_url, course=course, i18n=i18n, content_dir=str(space.content)
    ) as h:
        h.standin.add_user(wa_id, "Learner")
        await h.say(wa_id, "hello")
        assert ("Xish", f"lang:{CODE}") in h.choices(wa_id), "the picker offers it"
        await h.pick(wa_id, f"lang:{CODE}")
        await h.pick(wa_id, "ok")
        await h.pick(wa_id, "r:no")
        yield h, course


async def test_a_learner_takes_a_lesson_in_an_added_language(translated_bot: Harness) -> None:
    bot, user = translated_bot, USERS["en"]
    course = bot.services.course
    await bot.say(user, "/start")
    assert ("Xish", f"lang:{CODE}") in bot.buttons(user), "the picker offers the new language"
    await bot.press(user, f"lang:{CODE}")
    await bot.press(user, "ok")
    await bot.press(user, "m:continue")
    lesson = course.modules_in(CODE)[0].lessons[0]
    for index, card in enumerate(lesson.cards):
        shown = bot.text(user)
        assert visible_text(card.text) in shown
        assert "Not translated yet" not in shown
        if index + 1 < len(lesson.cards):
            await bot.press(user, f"c:{lesson.cards[index + 1].id}")
    assert lesson.key_point is not None and lesson.key_point.startswith(MARK)
    assert "Xish key point: " + visible_text(lesson.key_point) in bot.text(user)

    # Module 2 is not translated: its cards come in French, and the learner is told so.
    await bot.press(user, "mod:governance")
    second = course.modules_in("fr")[1].lessons[0].cards[0]
    shown = bot.text(user)
    assert visible_text(second.text) in shown
    assert "Not translated yet: shown in Français." in shown


async def test_a_learner_reads_an_added_language_on_whatsapp(
    database_url: str, translated: Translated
) -> None:
    wa_id = "224620000009"
    async with translated_whatsapp(database_url, translated, wa_id) as (h, course):
        await h.pick(wa_id, Menu("continue").pack())
        first = course.modules_in(CODE)[0].lessons[0].cards[0]
        assert first.text.startswith(MARK)
        assert visible_text(first.text)[:60] in h.everything(wa_id, since=-2)
        await h.say(wa_id, "menu")
        await h.pick(wa_id, Menu("modules").pack())
        await h.pick(wa_id, OpenModule("governance").pack())
        second = course.modules_in("fr")[1].lessons[0].cards[0]
        shown = h.everything(wa_id, since=-2)
        unmarked = shown.replace("*", "").replace("_", "")  # WhatsApp's bold and italics
        assert visible_text(second.text)[:60] in unmarked
        assert "Not translated yet: shown in Français." in shown
        assert h.standin.violations == [], "every message within WhatsApp's limits"


def _last_poll_and_before(bot: Harness, user: int) -> tuple[dict[str, object], str]:
    messages = bot.messages(user)
    at = max(i for i, m in enumerate(messages) if "poll" in m)
    return messages[at]["poll"], str(messages[at - 1].get("text", ""))


async def test_a_consultation_published_after_the_import_shows_its_translation_and_dates(
    translated_bot: Harness,
) -> None:
    bot, user = translated_bot, USERS["en"]
    async with bot.services.uow() as uow:
        await consultations.publish(
            uow, bot.services.consultation_files, "practice-community-voice", T0
        )
    await bot.say(user, "/start")
    await bot.press(user, f"lang:{CODE}")
    await bot.press(user, "ok")
    await bot.press(user, Menu("consult").pack())
    spec = bot.services.consultation_files["practice-community-voice"]
    assert spec.text(CODE).title == MARK + spec.text("en").title
    assert spec.text(CODE).title in " ".join(label for label, _ in bot.buttons(user))
    # dates have no CLDR data in an added language: they are written as in English
    await bot.press(user, bot.buttons(user)[0][1])
    assert "Jan 18, 2027" in bot.text(user)
    await bot.say(user, "/privacy")
    assert "UTC" in bot.text(user)


async def test_quiz_questions_and_faq_answers_in_the_bridge_say_so_on_telegram(
    translated_bot: Harness,
) -> None:
    bot, user = translated_bot, USERS["en"]
    await bot.say(user, "/start")
    await bot.press(user, f"lang:{CODE}")
    await bot.press(user, "ok")
    await bot.press(user, QuizStart("value-chain").pack())
    poll, _ = _last_poll_and_before(bot, user)
    assert str(poll["question"]).split(". ", 1)[1].startswith(MARK), "module 1 is translated"
    assert "Not translated yet" not in str(poll["question"])

    await bot.press(user, QuizStart("governance").pack())
    poll, before = _last_poll_and_before(bot, user)
    french = {q.text for q in bot.services.course.questions("fr", "governance")}
    question = str(poll["question"])
    assert any(text in question for text in french), "module 2's quiz comes in French"
    assert BRIDGED in question or BRIDGED in before, "and the learner is told so"
    assert len(question) <= 300

    await bot.press(user, FaqAnswer(FAQ_ENTRY).pack())
    entry = bot.services.course.faq_in("fr").entry(FAQ_ENTRY)
    assert entry is not None and entry.question in bot.text(user)
    assert BRIDGED in bot.text(user)


async def test_quiz_questions_and_faq_answers_in_the_bridge_say_so_on_whatsapp(
    database_url: str, translated: Translated
) -> None:
    wa_id = "224620000010"
    async with translated_whatsapp(database_url, translated, wa_id) as (h, course):
        for module in ("value-chain", "governance"):
            await h.say(wa_id, "menu")
            await h.pick(wa_id, Menu("quizzes").pack())
            before = len(h.standin.messages(wa_id))
            await h.pick(wa_id, QuizStart(module).pack())
            shown = h.everything(wa_id, since=before)
            if module == "value-chain":
                assert MARK in shown and "Not translated yet" not in shown
        french = [q.text for q in course.questions("fr", "governance")]
        assert any(text[:50] in shown for text in french), "module 2's quiz comes in French"
        assert BRIDGED in shown.replace("_", ""), "and the learner is told so"
        await h.say(wa_id, "menu")
        await h.pick(wa_id, Menu("faq").pack())
        await h.pick(wa_id, FaqGroupPage("basics", 0).pack())
        before = len(h.standin.messages(wa_id))
        await h.pick(wa_id, FaqAnswer(FAQ_ENTRY).pack())
        assert BRIDGED in h.everything(wa_id, since=before).replace("_", "")
        assert h.standin.violations == [], "every message within WhatsApp's limits"
