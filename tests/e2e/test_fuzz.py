"""Random input through the real application, on both databases: commands, typed text with
odd Unicode, button data (real, stale and forged), files, and answers to polls that do not
exist. Nothing may crash or log an unhandled error, every update is handled to the end, and
a forged button changes nothing the person has."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.actions import parse_action
from bot.actions.lessons import FinishModule, OpenModule, ShowCard
from bot.actions.menu import Menu
from tests.e2e.conftest import USERS, onboard
from tests.e2e.harness import Harness
from tests.fuzzing import forged, no_error_logged, odd_text, what_they_have

USER = USERS["en"]
COMMANDS = [
    "/start",
    "/menu",
    "/help",
    "/progress",
    "/glossary",
    "/glossary bauxite",
    "/faq",
    "/quiz",
    "/verify ABCD-EFGH",
    "/reminders",
    "/stop",
    "/cohorts",
    "/privacy",
    "/language",
    "/start NOSUCHCODE",
    "/consultations",
    "/nosuchcommand",
    "/start@other_bot",
]
REAL = [
    Menu("main").pack(),
    Menu("continue").pack(),
    Menu("modules").pack(),
    Menu("faq").pack(),
    Menu("glossary").pack(),
    Menu("quizzes").pack(),
    Menu("reminders").pack(),
    ShowCard("vc-what-1").pack(),
    OpenModule("value-chain").pack(),
    FinishModule("value-chain").pack(),
    "lang:fr",
    "lang:en",
]
step = st.one_of(
    st.tuples(st.just("say"), st.sampled_from(COMMANDS)),
    st.tuples(st.just("say"), odd_text),
    st.tuples(st.just("press"), st.sampled_from(REAL)),
    st.tuples(st.just("press"), forged),
    st.tuples(st.just("file"), st.sampled_from(["photo", "document", "voice", "audio", "video"])),
    st.tuples(st.just("vote"), st.text(min_size=1, max_size=20)),
)


async def _state(bot: Harness) -> dict[str, Any]:
    user_id = await bot.uid(USER)
    async with bot.services.uow() as uow:
        return await what_they_have(uow, user_id)


async def _do(bot: Harness, kind: str, value: str) -> None:
    if kind == "say":
        await bot.say(USER, value, expect_reply=False)
    elif kind == "press":
        await bot.press(USER, value, expect_reply=False)
    elif kind == "file":
        await bot.standin.send_media(USER, value, b"\x00fuzz")
    else:
        user = {"id": USER, "is_bot": False, "first_name": "Learner en"}
        answer = {
            "poll_id": value,
            "user": user,
            "option_ids": [0],
            "option_persistent_ids": ["a"],
        }
        await bot.standin.send_update({"poll_answer": answer})
    await bot.until_idle()


@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(step, min_size=1, max_size=6))
async def test_random_input_is_handled_and_forged_buttons_change_nothing(
    bot: Harness, steps: list[tuple[str, str]]
) -> None:
    with no_error_logged():
        if not bot.standin.messages(USER):
            await onboard(bot, USER, "en")
        for kind, value in steps:
            forgery = kind == "press" and parse_action(value) is None
            before = await _state(bot) if forgery else None
            await _do(bot, kind, value)
            assert not bot.busy(), "every update handled to the end"
            if before is not None:
                assert await _state(bot) == before, f"a forged button changed something: {value!r}"
