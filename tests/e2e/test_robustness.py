"""Bad input changes nothing: stale and forged buttons, commands out of turn, odd text,
a user who blocked the bot, Telegram's 429, a database that is down."""

from __future__ import annotations

import pytest

from bot.db.engine import create_engine, create_session_factory
from tests.e2e.conftest import ADMIN, USERS, onboard
from tests.e2e.harness import Harness

STALE = "This button is out of date. Here is the menu."


async def _state(bot: Harness, user: int) -> tuple[object, ...]:
    async with bot.services.uow() as uow:
        stored = await uow.users.get(await bot.uid(user))
        assert stored is not None
        return (
            stored.language,
            stored.consent_at,
            await uow.progress.seen_card_ids(await bot.uid(user)),
            await uow.progress.last_seen(await bot.uid(user)),
        )


async def test_commands_out_of_turn_lead_back_to_onboarding(bot: Harness) -> None:
    user = USERS["hi"]
    t = bot.services.i18n.translator("hi")
    await bot.say(user, "/progress")
    assert t.gettext("Let's set you up first: choose your language.") in bot.text(user)
    await bot.say(user, "hello?")
    assert t.gettext("Choose your language:") in bot.text(user)
    await bot.press(user, "m:continue")  # a forged menu button before onboarding
    assert t.gettext("Let's set you up first: choose your language.") in bot.text(user)
    async with bot.services.uow() as uow:
        stored = await uow.users.get(await bot.uid(user))
        assert stored is not None and stored.consent_at is None
        assert await uow.progress.count(await bot.uid(user)) == 0


@pytest.mark.parametrize(
    "text",
    [
        "x" * 4096,
        "\u202e\u0000<b>bold</b> &amp; <script>alert(1)</script>",
        "Z̷̧̛̗̜a̸̢̛l̷g̶o̵ 🧕🏾👩🏽‍🌾 \U0001f9d1\u200d\U0001f4bb" * 50,
        "/start@other_bot extra words",
        "\u200b\u200d\ufeff",
    ],
)
async def test_odd_or_overlong_text_gets_a_plain_answer(bot: Harness, text: str) -> None:
    user = USERS["en"]
    await onboard(bot, user, "en")
    before = await _state(bot, user)
    await bot.say(user, text)
    reply = bot.text(user)
    assert "<script>" not in reply and "alert(1)" not in reply, "user text is never echoed"
    assert await _state(bot, user) == before


async def test_unknown_command_is_answered(bot: Harness) -> None:
    user = USERS["en"]
    await onboard(bot, user, "en")
    await bot.say(user, "/frobnicate")
    assert "I don't know that command" in bot.text(user)


async def test_a_user_who_blocked_the_bot_is_marked_until_they_write(bot: Harness) -> None:
    user = USERS["en"]
    await onboard(bot, user, "en")
    bot.standin.block(user, notify=False)  # the bot learns it from a 403
    await bot.press(user, "m:continue", expect_reply=False)
    await bot.standin.wait_for_request(lambda r: r.status == 403, timeout=5)
    await bot._settle(user, len(bot.standin.requests), expect_reply=False)
    async with bot.services.uow() as uow:
        assert await uow.users.is_blocked(await bot.uid(user))
    await bot.say(user, "/menu")  # writing to the bot unblocks it
    assert "Main menu" in bot.text(user)
    async with bot.services.uow() as uow:
        assert not await uow.users.is_blocked(await bot.uid(user))


async def test_flood_limit_429_is_waited_out(bot: Harness) -> None:
    user = USERS["en"]
    await onboard(bot, user, "en")
    mark = len(bot.standin.requests)
    bot.standin.fail_next(
        "sendMessage", status=429, description="Too Many Requests: retry after 1", retry_after=1
    )
    await bot.say(user, "/menu")
    sends = [r for r in bot.requests_since(mark) if r.method == "sendMessage"]
    assert [r.status for r in sends] == [429, 200]
    assert "Main menu" in bot.text(user)


async def test_database_down_gets_an_apology_and_admins_are_told(bot: Harness) -> None:
    user = USERS["fr"]
    await onboard(bot, user, "fr")
    services = bot.services
    dead = create_engine("postgresql+asyncpg://nobody@127.0.0.1:9/none")
    working = services.session_factory
    services.session_factory = create_session_factory(dead)
    try:
        await bot.say(user, "/menu")
        t = services.i18n.translator("fr")
        assert t.gettext(
            "The bot cannot reach its database right now. Please try again in a few minutes."
        ) in bot.text(user)
        await bot._settle(ADMIN, 0, expect_reply=True)
        assert "⚠️" in bot.text(ADMIN)
        alerts = len([m for m in bot.messages(ADMIN) if "⚠️" in str(m.get("text"))])
        await bot.say(user, "/menu")
        assert len([m for m in bot.messages(ADMIN) if "⚠️" in str(m.get("text"))]) == alerts, (
            "at most one alert a minute per kind of error"
        )
    finally:
        services.session_factory = working
        await dead.dispose()
    await bot.say(user, "/menu")
    assert t.gettext("Main menu") in bot.text(user)


async def test_a_passing_network_error_is_retried_with_backoff(bot: Harness) -> None:
    user = USERS["en"]
    await onboard(bot, user, "en")
    mark = len(bot.standin.requests)
    bot.standin.fail_next("sendMessage", status=502, description="Bad Gateway", times=2)
    await bot.say(user, "/menu")
    sends = [r for r in bot.requests_since(mark) if r.method == "sendMessage"]
    assert [r.status for r in sends] == [502, 502, 200]
    assert sends[2].time - sends[1].time > sends[1].time - sends[0].time, "backoff grows"
    assert "Main menu" in bot.text(user)
