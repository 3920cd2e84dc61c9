"""The conformance check behind every end-to-end test is really on.

Each end-to-end test's stand-in validates every request the bot makes against the Bot API
description in ../shared/telegram-bot-api/api.json and the test fails on any violation (see
the `standin` fixture). This test shows the check is active and would catch a bad request.
"""

from __future__ import annotations

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest

from bot.channels.telegram.standin import BotApiStandIn
from tests.conftest import SPEC_PATH
from tests.e2e.conftest import USERS, onboard
from tests.e2e.harness import Harness

pytestmark = pytest.mark.skipif(
    not SPEC_PATH.is_file(), reason=f"the Bot API description is absent: {SPEC_PATH}"
)


async def test_the_check_is_active_and_the_bot_passes_it(bot: Harness) -> None:
    await onboard(bot, USERS["en"], "en")
    await bot.press(USERS["en"], "m:continue")
    assert len(bot.standin.requests) > 10
    assert bot.standin.violations == []


async def test_the_check_would_catch_a_bad_request(standin: BotApiStandIn) -> None:
    from telegram import Bot

    bot = Bot("123456:TEST-TOKEN-for-the-end-to-end-tests", base_url=f"{standin.url}/bot")
    async with bot:
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="é" * 40)]])
        with pytest.raises(BadRequest):  # the stand-in answers 400, as Telegram does
            await bot.send_message(USERS["en"], "hi", reply_markup=markup)
    assert standin.violations, "an 80-byte callback_data must be reported"
    standin.violations.clear()  # so the fixture's own final check passes
