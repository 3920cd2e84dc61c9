"""Fixtures for end-to-end tests: a stand-in Bot API and the real bot running against it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.channels.telegram.standin import BotApiStandIn
from tests.conftest import SPEC_PATH
from tests.e2e.harness import TOKEN, Harness, make_settings

ADMIN = 900
USERS = {"en": 101, "fr": 102, "hi": 103, "pt": 104}
TELEGRAM_CODES = {"en": "en", "fr": "fr", "hi": "hi", "pt": "pt-br"}


@pytest.fixture
async def standin() -> AsyncIterator[BotApiStandIn]:
    server = BotApiStandIn(TOKEN, spec_path=SPEC_PATH if SPEC_PATH.is_file() else None)
    for language, user_id in USERS.items():
        server.add_user(user_id, f"Learner {language}", language_code=TELEGRAM_CODES[language])
    server.add_user(ADMIN, "Admin", language_code="en")
    await server.start()
    yield server
    await server.stop()
    # Conformance: every request the bot made in this test must follow the Bot API spec.
    assert not server.violations, server.violations[:5]


@pytest.fixture
async def bot(standin: BotApiStandIn, database_url: str) -> AsyncIterator[Harness]:
    # the tests run the staff notice job themselves (Harness.notify_staff), when they mean to
    settings = make_settings(standin.url, database_url, admin_ids=str(ADMIN), question_interval=0)
    harness = Harness(standin, settings)
    await harness.start()
    yield harness
    await harness.stop()


async def onboard(bot: Harness, user_id: int, language: str) -> None:
    """Go through /start, the language picker and the welcome."""
    await bot.say(user_id, "/start")
    await bot.press(user_id, f"lang:{language}")
    await bot.press(user_id, "ok")
