"""Joining a cohort by link on WhatsApp, with one process serving both channels: the
trainer on Telegram sees the wa.me link and its QR code beside the Telegram one; a learner
on WhatsApp who sends the link's text joins; wrong, removed and renewed codes get the same
answers as on Telegram; a long word of the same length is still a word."""

from __future__ import annotations

from bot.actions.invitations import JoinCohort
from bot.actions.menu import DeleteData
from bot.actions.trainers import CohortQr, RenewCohortLink
from tests.e2e.conftest import ADMIN, onboard
from tests.e2e.trainers_helpers import create_cohort
from tests.whatsapp.both import both_channels

AWA = "224620000021"
ANA = "15550000022"  # North America: English
INVALID = "This invitation link is not valid"
EXPIRED = "This invitation link is no longer valid. Ask for a new one."


async def test_a_whatsapp_learner_joins_a_cohort_a_trainer_made_on_telegram(
    database_url: str,
) -> None:
    async with both_channels(database_url) as both:
        tg, wa = both.telegram, both.whatsapp
        await onboard(tg, ADMIN, "en")
        await tg.say(ADMIN, "/menu")
        cohort_id, code = await create_cohort(tg, ADMIN, "Kamsar *women*", "fr", None)
        number = wa.standin.account.display_phone_number
        wa_link = f"https://wa.me/{number}?text={code}"
        card = tg.text(ADMIN)
        assert f"Telegram: https://t.me/asi_learning_bot?start={code}" in card
        assert f"WhatsApp: {wa_link}" in card
        # the QR codes: one per channel, each captioned with its link
        mark = len(tg.standin.requests)
        await tg.press(ADMIN, CohortQr(cohort_id).pack())
        captions = [
            str(r.params.get("caption"))
            for r in tg.requests_since(mark)
            if r.method == "sendPhoto" and r.status == 200
        ]
        assert len(captions) == 2 and any(wa_link in c and "(WhatsApp)" in c for c in captions)

        # a learner who never used the bot sends the link's text
        wa.standin.add_user(AWA, "Awa *C*")
        await wa.say(AWA, code)
        assert "lang:fr" in {i for _, i in wa.choices(AWA)}, "onboarding first"
        await wa.pick(AWA, "lang:fr")
        await wa.pick(AWA, "ok")
        assert JoinCohort(code).pack() in {i for _, i in wa.choices(AWA)}, wa.choices(AWA)
        assert "Kamsar ∗women∗" in wa.everything(AWA, since=-2), "a name is never markup"
        await wa.pick(AWA, JoinCohort(code).pack())
        async with wa.services.uow() as uow:
            user_id = await uow.accounts.user_id("whatsapp", AWA)
            members = await uow.cohorts.members(cohort_id)
        assert [(m.user_id, m.display_name) for m in members] == [(user_id, "Awa *C*")]

        # a new link: the old code no longer works, on WhatsApp as on Telegram
        await tg.press(ADMIN, RenewCohortLink(cohort_id).pack())
        wa.standin.add_user(ANA, "Ana")
        await wa.say(ANA, code)
        assert wa.text(ANA) == EXPIRED, wa.text(ANA)
        await wa.say(ANA, "Q8zW1nE4rT6yU2iO")  # never issued
        assert INVALID in wa.text(ANA)
        # an onboarded learner: a mistyped code, then a word of the same length
        await wa.say(AWA, "Q8zW1nE4rT6yU2i-")
        assert wa.text(AWA).startswith("Ce lien d’invitation n’est pas valable"), wa.text(AWA)
        before = len(wa.standin.messages(AWA))
        await wa.say(AWA, "responsabilidade")
        assert len(wa.standin.messages(AWA)) > before
        assert "invitation" not in wa.everything(AWA, since=before).lower()

        # /privacy shows the cohort; /deleteme ends the membership
        await wa.say(AWA, "/privacy")
        assert "Kamsar ∗women∗" in wa.everything(AWA, since=-3)
        await wa.say(AWA, "/deleteme")
        await wa.pick(AWA, DeleteData("yes").pack())
        async with wa.services.uow() as uow:
            assert await uow.cohorts.members(cohort_id) == []
            assert await uow.accounts.user_id("whatsapp", AWA) is None
