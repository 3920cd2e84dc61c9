"""A translator adds a language without code: export, fill, import, and a learner reads it
on Telegram, with what is not translated yet shown in the bridge language and said so."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.channels.telegram.standin import BotApiStandIn
from bot.content import load_course
from bot.content.translation import import_files
from bot.i18n import I18n
from bot.telegram_html import visible_text
from tests.e2e.conftest import USERS
from tests.e2e.harness import Harness, make_settings
from tests.translating import CODE, MARK, fill_po, fill_sheet, marked, module_keys, workspace


@pytest.fixture
async def translated_bot(
    standin: BotApiStandIn, database_url: str, tmp_path: Path
) -> AsyncIterator[Harness]:
    """The bot on a copy of the course where module 1 and the interface are translated into
    the test language (bridge: French) and nothing else is."""
    space = workspace(tmp_path, bridge="fr")
    first = module_keys(space.content, "value-chain")
    fill_sheet(space.xlsx, lambda row: marked(row) if row.key in first else None)
    fill_po(space.po, lambda s: s.replace("Key point", "Xish key point"))
    written = import_files(space.content, space.locales, [space.xlsx, space.po])
    assert any(path.endswith("modules/xx/1-value-chain.yaml") for path in written)
    course = load_course(space.content)
    i18n = I18n(default="en", locales_dir=space.locales, added=course.ready_languages())
    assert CODE in i18n.languages
    settings = make_settings(standin.url, database_url, content_dir=str(space.content))
    harness = Harness(standin, settings, course=course, i18n=i18n)
    await harness.start()
    yield harness
    await harness.stop()


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
