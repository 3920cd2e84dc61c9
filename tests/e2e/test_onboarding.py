"""A new learner picks a language, reads what is stored, and reaches the menu."""

from __future__ import annotations

from tests.e2e.harness import Harness

WELCOME = {"en": "Welcome!"}


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
