"""A learner on WhatsApp, end to end through the real webhook, core and renderer against
the Cloud API stand-in: onboarding in their language, a lesson, the glossary, the FAQ, and
what a stale or forged choice gets. Every request the bot makes must keep WhatsApp's
limits (the stand-in refuses and records what does not)."""

from __future__ import annotations

from bot.actions.lessons import ShowCard
from bot.actions.menu import Menu
from tests.whatsapp.harness import WhatsAppHarness, whatsapp_bot

AWA = "224620000001"  # Guinea: the bot guesses French


async def _onboard(h: WhatsAppHarness, wa_id: str, language: str) -> None:
    await h.say(wa_id, "hello")
    ids = [choice_id for _, choice_id in h.choices(wa_id)]
    assert f"lang:{language}" in ids, ids
    await h.pick(wa_id, f"lang:{language}")
    (consent,) = [i for _, i in h.choices(wa_id) if i == "ok"]
    await h.pick(wa_id, consent)


async def test_a_learner_takes_a_lesson_on_whatsapp(database_url: str) -> None:
    async with whatsapp_bot(database_url) as h:
        h.standin.add_user(AWA, "Awa")
        await h.say(AWA, "bonjour")
        first = h.choices(AWA)
        assert first[0][1] == "lang:fr", "the number's country suggests French first"
        await h.pick(AWA, "lang:fr")
        assert any(i == "ok" for _, i in h.choices(AWA)), "the welcome asks for consent"
        await h.pick(AWA, "ok")
        assert {i for _, i in h.choices(AWA)} >= {"r:no"}, "then the reminder question"
        await h.pick(AWA, "r:no")
        await h.say(AWA, "menu")  # no slash-command menu on WhatsApp: the word works
        menu_ids = {i for _, i in h.choices(AWA)}
        assert Menu("continue").pack() in menu_ids, menu_ids
        await h.pick(AWA, Menu("continue").pack())
        card = h.everything(AWA, since=-2)
        assert card.strip(), "a lesson card"
        next_ids = [i for _, i in h.choices(AWA) if ShowCard.matches(i)]
        assert next_ids, "Next / Back as choices"
        async with h.services.uow() as uow:
            user_id = await uow.accounts.user_id("whatsapp", AWA)
            assert user_id is not None
            seen = await uow.progress.last_seen(user_id)
        assert seen is not None, "the card was recorded as seen"
        await h.say(AWA, "bauxite")
        assert "auxite" in h.everything(AWA, since=-2).lower(), "a glossary word"
        assert h.standin.violations == [], "every message within WhatsApp's limits"
