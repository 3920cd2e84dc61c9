"""The learner's path on each channel: onboarding in every language, a module read to its
end, a quiz passed then failed."""

from __future__ import annotations

from bot.i18n import LANGUAGE_NAMES
from bot.services.quizzes import QUIZ_SIZE
from bot.telegram_html import visible_text
from tests.parity.conftest import World, onboard

MODULE = "value-chain"


async def test_onboarding_in_each_language(world: World, channel: str) -> None:
    for language in LANGUAGE_NAMES:
        person = world.person(channel, language)
        t = person.t
        await person.say("/start")
        assert t.gettext("Choose your language:") in person.shown()
        ids = [choice_id for _, choice_id in person.choices()]
        assert ids[0] == f"lang:{language}", "the app's language or the number's comes first"
        assert set(ids) == {f"lang:{code}" for code in LANGUAGE_NAMES}
        await person.choose(f"lang:{language}")
        welcome = person.shown()
        assert t.gettext("Welcome!") in welcome
        assert "/privacy" in welcome and "/deleteme" in welcome
        await person.choose("ok")
        assert t.gettext("Main menu") in person.shown()
        assert t.gettext("Shall I remind you?") in person.shown(), "then reminders are offered"
        assert person.ids() == {"r:evening", "r:choose", "r:no"}
        async with world.both.telegram.services.uow() as uow:
            stored = await uow.users.get(await person.user_id())
        assert stored is not None and stored.language == language
        assert stored.consent_at is not None


async def test_a_module_read_to_its_end(world: World, channel: str) -> None:
    person = world.person(channel, "en")
    course = world.both.telegram.services.course
    module = course.modules_in("en")[0]
    await onboard(person)
    await person.choose("m:continue")
    for index, card_id in enumerate(module.card_ids):
        place = course.place("en", card_id)
        assert place is not None
        assert person.reads(visible_text(place.card.text)), card_id
        assert person.reads(f"Module 1 · Lesson {place.lesson_index + 1}/{len(module.lessons)}")
        if index + 1 < len(module.card_ids):
            await person.choose(f"c:{module.card_ids[index + 1]}")
    await person.choose(f"fin:{module.id}")
    assert "You finished module 1" in person.shown()
    assert "mod:governance" in person.ids(), "the next module is offered"
    await person.say("/progress")
    total = len(module.card_ids)
    assert f"{total} of {total} cards ✓" in person.shown()
    assert "1 of 5 modules finished." in person.shown()


async def test_a_quiz_passed_then_failed(world: World, channel: str) -> None:
    person = world.person(channel, "pt")
    t = person.t
    await onboard(person)
    await person.say("/quiz")
    await person.choose(f"qs:{MODULE}")
    for _ in range(QUIZ_SIZE):
        said = await person.answer(right=True)
        assert t.pgettext("quiz", "Right.") in said or channel == "telegram", said
    passed = t.gettext("{score}/{total} — passed").format(score=5, total=5)
    assert passed in person.shown()
    await person.choose(f"qr:{MODULE}")
    for _ in range(QUIZ_SIZE):
        await person.answer(right=False)
    failed = t.gettext("{score}/{total} — not passed yet").format(score=0, total=5)
    assert failed in person.shown()
    async with world.both.telegram.services.uow() as uow:
        best = await uow.quizzes.best_results(await person.user_id())
    assert best.get(MODULE) == (5, 5), "the failed retry leaves the pass standing"
