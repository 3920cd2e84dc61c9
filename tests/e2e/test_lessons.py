"""Reading module 1 card by card, resuming after a restart, and progress."""

from __future__ import annotations

from bot.content import Course
from tests.e2e.conftest import USERS, onboard
from tests.e2e.harness import Harness


def _visible(html_text: str) -> str:
    from bot.telegram_html import visible_text

    return visible_text(html_text)


async def test_back_goes_to_the_previous_card_and_key_point_closes_a_lesson(
    bot: Harness,
) -> None:
    user = USERS["fr"]
    course: Course = bot.services.course
    lesson = course.modules_in("fr")[0].lessons[0]
    await onboard(bot, user, "fr")
    await bot.press(user, "m:continue")
    for card in lesson.cards[1:]:
        await bot.press(user, f"c:{card.id}")
    last_text = bot.text(user)
    assert lesson.key_point and _visible(lesson.key_point) in last_text
    assert "Sources" in last_text
    await bot.press(user, f"c:{lesson.cards[-2].id}")
    assert _visible(lesson.cards[-2].text) in bot.text(user)


async def test_continue_resumes_at_the_exact_card_after_a_restart(bot: Harness) -> None:
    user = USERS["fr"]
    course: Course = bot.services.course
    cards = course.modules_in("fr")[0].card_ids
    await onboard(bot, user, "fr")
    await bot.press(user, "m:continue")
    for card_id in cards[1:4]:
        await bot.press(user, f"c:{card_id}")
    await bot.press(user, f"c:{cards[2]}")  # one step back: this is where they stop

    await bot.restart()  # a new Application on the same database

    await bot.say(user, "/start")
    assert "Continuer" in " ".join(text for text, _ in bot.buttons(user))
    await bot.press(user, "m:continue")
    expected = course.place("fr", cards[2])
    assert expected is not None
    assert _visible(expected.card.text) in bot.text(user)


async def test_modules_list_opens_a_module_where_the_learner_left_it(bot: Harness) -> None:
    user = USERS["pt"]
    course: Course = bot.services.course
    first, second = course.modules_in("pt")[:2]
    await onboard(bot, user, "pt")
    await bot.press(user, "m:modules")
    assert [d for _, d in bot.buttons(user)][:5] == [
        f"mod:{m.id}" for m in course.modules_in("pt")
    ]
    await bot.press(user, f"mod:{second.id}")
    assert _visible(second.lessons[0].cards[0].text) in bot.text(user)
    await bot.press(user, f"c:{second.card_ids[1]}")
    await bot.press(user, "m:main")
    await bot.press(user, "m:modules")
    await bot.press(user, f"mod:{first.id}")
    assert _visible(first.lessons[0].cards[0].text) in bot.text(user)
    await bot.press(user, "m:main")
    await bot.press(user, "m:modules")
    await bot.press(user, f"mod:{second.id}")
    assert _visible(second.lessons[0].cards[1].text) in bot.text(user)
