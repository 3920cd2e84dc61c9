"""A message Meta delivers twice (a call it retried, the same message in two calls) changes
nothing the second time, also in a new process on the same database: one that changed
something is dropped; one that changed nothing may be answered again."""

from __future__ import annotations

import copy
import json
from typing import Any

import aiohttp

from bot.actions.lessons import ShowCard
from bot.actions.menu import Menu
from bot.channels.whatsapp.standin.webhook import signature
from bot.channels.whatsapp.webhook import SIGNATURE_HEADER
from tests.whatsapp.harness import WhatsAppHarness, whatsapp_bot
from tests.whatsapp.test_learner import _onboard

LEARNER = "61400000077"  # Australia: the bot guesses English


def _call_with(h: WhatsAppHarness, message_id: str) -> dict[str, Any]:
    """The webhook call that brought the learner's message `message_id`."""
    for delivery in h.standin.deliveries:
        for entry in delivery.body.get("entry", []):
            for change in entry["changes"]:
                if any(m["id"] == message_id for m in change["value"].get("messages", [])):
                    return delivery.body
    raise LookupError(f"no call brought {message_id}")


async def _choose(h: WhatsAppHarness, choice_id: str) -> str:
    """Pick a choice of the newest message (as `h.pick`); the id of the message it sent."""
    message = h.last(LEARNER)
    if message["interactive"]["type"] == "button":
        sent = h.standin.press_button(LEARNER, message["id"], choice_id)
    else:
        sent = h.standin.choose_row(LEARNER, message["id"], choice_id)
    await h.settle()
    return str(sent["id"])


async def _deliver_again(h: WhatsAppHarness, body: dict[str, Any]) -> int:
    """Post `body` to the bot again, signed as Meta signs; how many messages it sent the
    learner (tried: a new stand-in refuses them while the learner's window is closed)."""
    before = _sent(h)
    raw = json.dumps(body).encode()
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: signature(h.standin.app_secret, raw),
    }
    assert h.standin.webhook_url is not None
    async with (
        aiohttp.ClientSession() as session,
        session.post(h.standin.webhook_url, data=raw, headers=headers) as response,
    ):
        assert response.status == 200
    await h.settle()
    return _sent(h) - before


def _sent(h: WhatsAppHarness) -> int:
    return sum(
        1
        for r in h.standin.requests
        if r.path.endswith("/messages")
        and isinstance(r.body, dict)
        and r.body.get("to") == LEARNER
    )


async def _resumes_at(h: WhatsAppHarness) -> str | None:
    async with h.services.uow() as uow:
        user_id = await uow.accounts.user_id("whatsapp", LEARNER)
        assert user_id is not None
        seen = await uow.progress.last_seen(user_id)
    return seen.card_id if seen else None


async def test_a_press_delivered_again_moves_nobody_back_also_after_a_restart(
    database_url: str,
) -> None:
    async with whatsapp_bot(database_url) as h:
        cards = h.services.course.modules_in("en")[0].card_ids
        h.standin.add_user(LEARNER, "Jo")
        await _onboard(h, LEARNER, "en")
        await h.pick(LEARNER, "r:no")
        await h.say(LEARNER, "menu")
        await h.pick(LEARNER, Menu("continue").pack())
        second = _call_with(h, await _choose(h, ShowCard(cards[1]).pack()))
        await h.pick(LEARNER, ShowCard(cards[2]).pack())
        assert await _resumes_at(h) == cards[2]
        assert await _deliver_again(h, second) == 0, "the card is not shown again"
        assert await _resumes_at(h) == cards[2], "progress unchanged"

    # a new process on the same database: the claim is in the database
    async with whatsapp_bot(database_url) as again:
        again.standin.add_user(LEARNER, "Jo")
        assert await _deliver_again(again, second) == 0
        assert await _resumes_at(again) == cards[2]
        # the same press under a new id is a new message: it is answered
        fresh = copy.deepcopy(second)
        fresh["entry"][0]["changes"][0]["value"]["messages"][0]["id"] = "wamid.fresh"
        assert await _deliver_again(again, fresh) > 0
        assert await _resumes_at(again) == cards[1]
