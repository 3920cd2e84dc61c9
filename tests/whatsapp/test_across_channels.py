"""One process with both channels, as `asi-bot run` with both configured: a trainer on
Telegram announces a photo to a cohort with members on Telegram and on WhatsApp. Each gets
it on their channel (on WhatsApp, within 24 hours of their last message as a photo, after
that as the announcement template); the photo is uploaded to WhatsApp once for all, and
again from our copy once Meta's id has lapsed."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.actions.announcements import (
    PreviewAnnouncement,
    SendAnnouncement,
    ToggleCohort,
    WriteAnnouncement,
)
from bot.channels.whatsapp.standin import CloudApiStandIn
from bot.channels.whatsapp.standin.errors import Limit
from bot.db.repositories import Delivered
from bot.jobs.announcements import deliver_announcements
from bot.services import cohorts, deliveries
from tests.e2e.harness import FakeClock, Harness
from tests.e2e.trainers_helpers import make_trainer_directly, seed_members
from tests.whatsapp.both import both_channels
from tests.whatsapp.harness import add_learner

T0 = datetime(2026, 3, 23, 10, tzinfo=UTC)
TRAINER = 301
TELEGRAM_LEARNER = 5100
AWA = "224620000201"  # wrote an hour ago
BINTA = "224620000202"  # has not written for days
PHOTO = b"\xff\xd8\xff\xe0 a map of the mine"
NEWS_FR = "Message de votre formateur ASI : {{1}}"


async def _announce_photo(bot: Harness, cohort_id: int, caption: str) -> int:
    """The trainer's Telegram steps: New announcement, the photo, the cohort, Send."""
    await bot.say(TRAINER, "/menu")
    await bot.press(TRAINER, "m:trainer")
    await bot.press(TRAINER, WriteAnnouncement().pack())
    mark = len(bot.standin.requests)
    await bot.standin.send_media(TRAINER, "photo", PHOTO, caption=caption)
    await bot.standin.wait_for_request(lambda r: r.method == "sendMessage", since=mark)
    await bot.until_idle()
    async with bot.services.uow() as uow:
        drafts = [r for a in range(1, 20) if (r := await uow.announcements.get(a))]
    draft = drafts[-1]
    await bot.press(TRAINER, ToggleCohort(draft.id, cohort_id).pack())
    await bot.press(TRAINER, PreviewAnnouncement(draft.id).pack())
    await bot.press(TRAINER, SendAnnouncement(draft.id).pack())
    return draft.id


def _uploads(whatsapp: CloudApiStandIn) -> int:
    return sum(1 for r in whatsapp.requests if r.endpoint == "media" and r.method == "POST")


async def test_a_trainer_on_telegram_announces_to_both_channels(database_url: str) -> None:
    clock = FakeClock(T0)
    async with both_channels(
        database_url,
        clock,
        cloud_options={"pair_interval": None, "media_lifetime": 2.0},
        whatsapp_templates="announcement:fr=asi_news",
    ) as both:
        bot, whatsapp = both.telegram, both.whatsapp.standin
        telegram = bot.standin
        telegram.add_user(TRAINER, "Tina", language_code="en")
        whatsapp.register_template("asi_news", "fr", NEWS_FR)
        services = bot.services
        await make_trainer_directly(bot, TRAINER, T0)
        async with services.uow() as uow:
            card = await cohorts.create_cohort(uow, TRAINER, "Kamsar", "fr", None, T0)
        cohort_id = card.cohort.id
        await seed_members(bot, cohort_id, [TELEGRAM_LEARNER], T0, language="fr")
        awa = await add_learner(services, whatsapp, AWA, "fr", T0, wrote=T0 - timedelta(hours=1))
        whatsapp.world.user(AWA).last_inbound = whatsapp.clock()  # its clock is the real one
        binta = await add_learner(services, whatsapp, BINTA, "fr", T0)
        async with services.uow() as uow:
            for member in (awa, binta):
                await uow.cohorts.add_member(cohort_id, member, f"m{member}", T0)
            await uow.commit()

        await _announce_photo(bot, cohort_id, "Carte de la mine")
        report = await deliver_announcements(services)

        assert report.outcomes == {Delivered.SENT: 3}, report
        on_telegram = telegram.last_message(TELEGRAM_LEARNER)
        assert on_telegram is not None and "photo" in on_telegram
        (photo,) = whatsapp.messages(AWA)
        assert photo["type"] == "image" and photo["image"]["caption"] == "Carte de la mine"
        (news,) = whatsapp.messages(BINTA)
        assert news["type"] == "template"
        assert news["rendered"].startswith("Message de votre formateur ASI : Carte de la mine")
        assert "24" in news["rendered"], "a line says the file could not come"
        assert _uploads(whatsapp) == 1, "one upload for the announcement"

        await asyncio.sleep(2.2)  # Meta's id lapses (the stand-in's: after 2 s)
        whatsapp.media.business_lifetime = 30 * 86_400.0  # the next ids live 30 days
        await _announce_photo(bot, cohort_id, "Encore")
        await deliver_announcements(services)
        assert [m["type"] for m in whatsapp.messages(AWA)] == ["image", "image"]
        assert _uploads(whatsapp) == 2, "uploaded again from our copy when the id lapsed"
        assert [v.limit for v in whatsapp.violations] == [Limit.MEDIA_ID]

        clock.now = T0 + timedelta(days=30)  # past the 29 days the bot uses an id for
        async with services.uow() as uow:  # Awa wrote again
            await deliveries.heard_from(uow, "whatsapp", AWA, clock.now)
        whatsapp.world.user(AWA).last_inbound = whatsapp.clock()
        await _announce_photo(bot, cohort_id, "Toujours")
        await deliver_announcements(services)
        assert _uploads(whatsapp) == 3, "an id older than 29 days is not used"
        assert len(whatsapp.violations) == 1
        whatsapp.violations.clear()  # the one expected; both_channels checks for others
