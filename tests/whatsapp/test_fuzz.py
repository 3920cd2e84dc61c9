"""Random input through the real WhatsApp side, on both databases: typed words and commands,
text with odd Unicode, button and list ids (real, stale and forged), and files of any kind
with bytes that are not what they claim. Nothing may crash or log an unhandled error, every
message is handled to the end, and a forged choice changes nothing the person has."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.actions import parse_action
from bot.actions.lessons import OpenModule, ShowCard
from bot.actions.menu import Menu
from tests.fuzzing import forged, no_error_logged, odd_text, what_they_have
from tests.whatsapp.harness import WhatsAppHarness, whatsapp_bot
from tests.whatsapp.test_learner import _onboard

AWA = "224620000077"
WORDS = [
    "menu",
    "help",
    "aide",
    "ajuda",
    "मेनू",
    "start",
    "/start",
    "/menu",
    "/privacy",
    "/faq",
    "/quiz",
    "/progress",
    "/glossary",
    "/verify ABCD-EFGH",
    "/nosuchcommand",
    "NOSUCHCODE",
]
REAL = [
    Menu("main").pack(),
    Menu("continue").pack(),
    Menu("modules").pack(),
    Menu("faq").pack(),
    Menu("glossary").pack(),
    ShowCard("vc-what-1").pack(),
    OpenModule("value-chain").pack(),
    "lang:fr",
    "ok",
]
media = st.tuples(
    st.sampled_from(["image", "document", "audio", "video"]),
    st.sampled_from(["image/jpeg", "application/pdf", "audio/ogg", "video/mp4", "text/plain"]),
    st.binary(min_size=1, max_size=64),
)
step = st.one_of(
    st.tuples(st.just("say"), st.sampled_from(WORDS)),
    st.tuples(st.just("say"), odd_text),
    st.tuples(st.just("choose"), st.sampled_from(REAL)),
    st.tuples(st.just("choose"), forged),
    st.tuples(st.just("file"), media),
)


@pytest.fixture
async def wa(database_url: str) -> AsyncIterator[WhatsAppHarness]:
    async with whatsapp_bot(database_url) as h:
        h.standin.add_user(AWA, "Awa")
        await _onboard(h, AWA, "en")
        yield h


async def _state(h: WhatsAppHarness) -> dict[str, Any]:
    async with h.services.uow() as uow:
        return await what_they_have(uow, await uow.accounts.user_id("whatsapp", AWA))


async def _do(h: WhatsAppHarness, kind: str, value: Any) -> None:
    if kind == "say":
        h.standin.send_text(AWA, value)
    elif kind == "choose":
        h.standin.send_forged_reply(AWA, value)
    else:
        what, mime, data = value
        h.standin.send_media(AWA, what, data, mime, voice=what == "audio")
    await h.settle()


@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(step, min_size=1, max_size=6))
async def test_random_messages_are_handled_and_forged_choices_change_nothing(
    wa: WhatsAppHarness, steps: list[tuple[str, Any]]
) -> None:
    with no_error_logged():
        for kind, value in steps:
            forgery = kind == "choose" and parse_action(value) is None
            before = await _state(wa) if forgery else None
            await _do(wa, kind, value)
            assert not wa.bot.webhook.busy, "every message handled to the end"
            if before is not None:
                assert await _state(wa) == before, f"a forged choice changed something: {value!r}"
