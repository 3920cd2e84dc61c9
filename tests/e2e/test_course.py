"""The whole course through the real bot: every card of every language, and the glossary."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.channels.telegram.standin import BotApiStandIn
from bot.telegram_html import visible_text
from tests.e2e.conftest import ADMIN, USERS, onboard
from tests.e2e.harness import Harness, make_settings


@pytest.fixture
async def sqlite_bot(standin: BotApiStandIn, tmp_path: Path) -> AsyncIterator[Harness]:
    """Content does not depend on the database: SQLite is enough here."""
    harness = Harness(
        standin,
        make_settings(
            standin.url, f"sqlite+aiosqlite:///{tmp_path / 'c.db'}", admin_ids=str(ADMIN)
        ),
    )
    await harness.start()
    yield harness
    await harness.stop()


@pytest.mark.parametrize("language", ["en", "fr", "hi", "pt"])
async def test_every_card_is_sent_without_a_bot_api_violation(
    sqlite_bot: Harness, language: str
) -> None:
    bot, user = sqlite_bot, USERS[language]
    course = bot.services.course
    await onboard(bot, user, language)
    await bot.press(user, "m:continue")
    message_id = bot.last(user)["message_id"]
    sent = 0
    for module in course.modules_in(language):
        for card_id in module.card_ids:
            mark = len(bot.standin.requests)
            await bot.standin.press(user, message_id, f"c:{card_id}")
            reply = await bot.standin.wait_for_request(
                lambda r: r.method == "editMessageText" and r.params.get("chat_id") == user,
                since=mark,
                timeout=10,
            )
            if card_id == course.modules_in(language)[0].card_ids[0] and reply.status != 200:
                continue  # the first card was already shown: "message is not modified"
            assert reply.status == 200, (card_id, reply.description)
            place = course.place(language, card_id)
            assert place is not None
            assert visible_text(place.card.text) in visible_text(str(reply.params["text"]))
            sent += 1
    assert sent >= sum(len(m.card_ids) for m in course.modules_in(language)) - 1
    assert not bot.standin.violations


async def test_glossary_pages_terms_and_typed_words(sqlite_bot: Harness) -> None:
    bot, user = sqlite_bot, USERS["en"]
    await onboard(bot, user, "en")
    await bot.say(user, "/glossary")
    assert "Glossary" in bot.text(user) and "page 1 of" in bot.text(user)
    first_page = [d for _, d in bot.buttons(user) if d.startswith("gt:")]
    assert 1 <= len(first_page) <= 8
    await bot.press(user, "g:1")
    assert "page 2 of" in bot.text(user)
    term_data = next(d for _, d in bot.buttons(user) if d.startswith("gt:"))
    await bot.press(user, term_data)
    term = next(t for t in bot.services.course.terms("en") if t.id == term_data[3:])
    assert visible_text(term.definition) in bot.text(user)
    assert ("◀ Glossary", "g:1") in bot.buttons(user)

    await bot.say(user, "/glossary BAUXITE")
    assert "Bauxite" in bot.text(user) and "rock" in bot.text(user).lower()
    await bot.say(user, "red mud")  # an alias, typed as free text
    assert "📖" in bot.text(user)
    await bot.say(user, "/glossary <b>nonsense</b>")
    assert "no entry for “&lt;b&gt;nonsense&lt;/b&gt;”" in bot.last(user)["text"] or (
        "no entry for “<b>nonsense</b>”" in bot.text(user)
    )
    await bot.press(user, "g:999")
    assert "out of date" in bot.text(user)


async def test_hindi_glossary_accepts_romanised_words(sqlite_bot: Harness) -> None:
    bot, user = sqlite_bot, USERS["hi"]
    await onboard(bot, user, "hi")
    hindi = {t.id: t for t in bot.services.course.terms("hi")}
    romanised = next(
        (alias, term_id)
        for term_id, term in hindi.items()
        for alias in term.aliases
        if alias.isascii() and alias.lower() == "shikayat"
    )
    await bot.say(user, romanised[0])
    assert hindi[romanised[1]].term in bot.text(user)
