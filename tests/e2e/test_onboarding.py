"""A new learner picks a language, reads what is stored, and reaches the menu."""

from __future__ import annotations

import pytest

from bot.i18n import LANGUAGE_NAMES
from tests.e2e.conftest import USERS
from tests.e2e.harness import Harness

WELCOME = {"en": "Welcome!"}


@pytest.mark.parametrize("language", ["en", "fr", "hi", "pt"])
async def test_onboarding_in_each_language(bot: Harness, language: str) -> None:
    user = USERS[language]
    t = bot.services.i18n.translator(language)

    await bot.say(user, "/start")
    labels = [text for text, _ in bot.buttons(user)]
    assert labels[0] == "✓ " + LANGUAGE_NAMES[language], "Telegram's language comes first"
    assert {label.removeprefix("✓ ") for label in labels} == set(LANGUAGE_NAMES.values())
    assert t.gettext("Choose your language:") in bot.text(user)

    await bot.press(user, f"lang:{language}")
    welcome = bot.text(user)
    assert t.gettext("Welcome!") in welcome
    assert "/privacy" in welcome and "/deleteme" in welcome

    await bot.press(user, "ok")
    menu, question = [m for m in bot.messages(user) if m["from"]["is_bot"]][-2:]
    assert t.gettext("Main menu") in menu["text"]
    assert [
        b["callback_data"] for row in menu["reply_markup"]["inline_keyboard"] for b in row
    ] == [
        "m:continue",
        "m:modules",
        "m:quizzes",
        "m:faq",
        "m:consult",
        "m:progress",
        "m:glossary",
        "m:help",
        "m:settings",
    ]
    assert t.gettext("Shall I remind you?") in question["text"], "then reminders are offered"
    assert [d for _, d in bot.buttons(user)] == ["r:evening", "r:choose", "r:no"]
    if language != "en":
        assert t.gettext("Main menu") != "Main menu", "the menu is translated"

    async with bot.services.uow() as uow:
        stored = await uow.users.get(await bot.uid(user))
    assert stored is not None and stored.language == language and stored.consent_at is not None


async def test_bot_commands_are_registered_for_every_language(bot: Harness) -> None:
    calls = [r for r in bot.standin.requests if r.method == "setMyCommands"]
    languages = {r.params.get("language_code") for r in calls}
    assert languages == {None, "en", "fr", "hi", "pt"}
    french = next(r for r in calls if r.params.get("language_code") == "fr")
    commands = french.params["commands"]
    assert isinstance(commands, list)
    names = [c["command"] for c in commands]
    assert {"menu", "progress", "language", "help", "privacy", "deleteme"} <= set(names)
    assert any(c["description"] != "Main menu" for c in commands)
