"""A person who deletes their data is forgotten at once by every in-memory limit and cache
(and by the shared limits in Redis), and the memory kept per person stays bounded."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest

from bot.channels.telegram import dispatch
from bot.channels.telegram.standin import BotApiStandIn
from bot.services.container import VERIFY_LIMIT
from tests.e2e.conftest import USERS, onboard
from tests.e2e.harness import Harness, make_settings

FORGED = "ABCD-EFGH-JKMN"


@pytest.fixture(params=["in-process", "redis"])
async def limited(
    request: pytest.FixtureRequest, standin: BotApiStandIn, database_url: str
) -> AsyncIterator[Harness]:
    """The bot with its limits in the process, or in Redis (keys of this test's own)."""
    extra: dict[str, str] = {}
    if request.param == "redis":
        extra = {
            "redis_url": request.getfixturevalue("redis_url"),
            "sealing_key": uuid.uuid4().hex,
        }
    async with Harness(standin, make_settings(standin.url, database_url, **extra)) as harness:
        yield harness


async def test_deleteme_forgets_the_person_in_every_limit_and_cache(limited: Harness) -> None:
    bot, user = limited, USERS["fr"]
    await onboard(bot, user, "fr")
    s = bot.services
    assert s.rates.shared == (s.settings.redis_url is not None)
    uid, key = await bot.uid(user), str(await bot.uid(user))
    for _ in range(VERIFY_LIMIT):
        await bot.say(user, f"/verify {FORGED}")
    for _ in range(s.answer_limit.counter.limit):
        await s.answer_limit.note(uid, s.clock())
    for _ in range(s.ask_limit.limit):
        await s.ask_limit.note(key, s.clock())
    limits = [s.verify_in_bot, s.answer_limit.counter, s.ask_limit]
    assert [await c.room(key, s.clock()) for c in limits] == [False, False, False]
    assert s.user_cache.account("telegram", str(user)) == uid

    await bot.say(user, "/deleteme")
    await bot.press(user, "del:yes")
    assert [await c.room(key, s.clock()) for c in limits] == [True, True, True], (
        "no try of the deleted person is left"
    )
    assert s.user_cache.get(uid) is None
    assert s.user_cache.account("telegram", str(user)) is None


async def test_the_memory_kept_per_person_is_bounded(
    bot: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dispatch, "MEMORIES_KEPT", 2)
    for language in ("en", "fr", "hi"):
        await bot.say(USERS[language], "/start")
    assert bot.app is not None
    assert set(bot.app.user_data) == {USERS["fr"], USERS["hi"]}, "the least recent went"
