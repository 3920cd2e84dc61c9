"""STOP and START on WhatsApp, end to end against the Cloud API stand-in: the typed word
(here Portuguese "parar") opts the person out of everything the bot sends on its own after a
confirmation that says how to come back; a due reminder and an announcement skip them and
count them as skipped, while another learner still gets the announcement; /privacy shows
it; "começar" brings them back."""

from __future__ import annotations

from datetime import timedelta

from bot.db.repositories import Delivered
from bot.db.repositories.announcements import AnnouncementContent
from bot.jobs.announcements import deliver_announcements
from bot.jobs.reminders import send_due_reminders
from bot.services import reminders
from tests.whatsapp.harness import WhatsAppHarness, whatsapp_bot
from tests.whatsapp.test_learner import _onboard

ANA = "5591980000001"  # Brazil
RAVI = "919800000002"  # India
AUTHOR = "61400000003"  # Australia
NEWS = "Workshop on Friday at the school."


async def _user_id(h: WhatsAppHarness, wa_id: str) -> int:
    async with h.services.uow() as uow:
        user_id = await uow.accounts.user_id("whatsapp", wa_id)
    assert user_id is not None
    return user_id


async def _announce_to_everyone(h: WhatsAppHarness, author: int) -> int:
    now = h.services.clock()
    async with h.services.uow() as uow:
        announcement_id = await uow.announcements.add_draft(
            author, AnnouncementContent("text", NEWS), now
        )
        await uow.announcements.set_audience(announcement_id, [], everyone=True)
        assert await uow.announcements.schedule(announcement_id, now)
        await uow.commit()
    await deliver_announcements(h.services)
    return announcement_id


def _got_news(h: WhatsAppHarness, wa_id: str) -> bool:
    return NEWS in h.everything(wa_id)


# sent, then moved on by Meta's statuses
_REACHED = (Delivered.SENT, Delivered.DELIVERED, Delivered.READ)


async def test_stop_skips_everything_the_bot_sends_on_its_own(database_url: str) -> None:
    async with whatsapp_bot(database_url) as h:
        h.standin.add_user(ANA, "Ana")
        h.standin.add_user(RAVI, "Ravi")
        await _onboard(h, ANA, "pt")
        await h.pick(ANA, "r:evening")
        await _onboard(h, RAVI, "hi")
        t = h.services.i18n.translator("pt")
        ana = await _user_id(h, ANA)

        await h.say(ANA, "parar")
        said = h.text(ANA)
        assert (
            t.gettext(
                "Stopped: the bot will send you nothing on its own any more (no reminders, "
                "announcements or consultation news). It still answers when you write to it. "
                "To get them again, send /start."
            )
            in said
        )
        await h.say(ANA, "/privacy")
        assert "/start" in h.everything(ANA, since=-2), "the privacy text says it is stopped"
        await h.say(ANA, "ajuda")
        assert h.text(ANA).strip(), "the bot still answers what she writes"

        # a reminder comes due: skipped and counted, nothing sent
        now = h.services.clock()
        async with h.services.uow() as uow:
            settings = await uow.reminders.get(ana)
            assert settings is not None and settings.enabled
            await uow.reminders.save(
                ana,
                enabled=True,
                days=settings.days,
                hour=settings.hour,
                next_due_at=now - timedelta(minutes=1),
            )
            await uow.commit()
        sent = len(h.standin.messages(ANA))
        report = await send_due_reminders(h.services)
        assert report.claimed == 1 and sum(report.outcomes.values()) == 0
        async with h.services.uow() as uow:
            assert (await reminders.stats(uow, h.services.clock())).skipped == 1
            again = await uow.reminders.get(ana)
        assert again is not None and again.enabled and again.next_due_at is not None
        assert len(h.standin.messages(ANA)) == sent

        # an announcement to everyone: Ravi gets it, Ana is skipped and counted
        h.standin.add_user(AUTHOR, "Kim")
        await h.say(AUTHOR, "hello")  # the author, who gets the progress line
        author = await _user_id(h, AUTHOR)
        announcement = await _announce_to_everyone(h, author)
        await h.settle()
        assert _got_news(h, RAVI) and not _got_news(h, ANA)
        async with h.services.uow() as uow:
            counts = await uow.announcements.counts(announcement)
        reached = sum(counts.get(state, 0) for state in _REACHED)
        assert counts.get(Delivered.OPTED_OUT) == 1 and reached == 1

        # START, in her language, brings them back
        await h.say(ANA, "começar")
        assert "/stop" in h.everything(ANA, since=-2)
        async with h.services.uow() as uow:
            user = await uow.users.get(ana)
        assert user is not None and user.opted_out_at is None
        await _announce_to_everyone(h, author)
        await h.settle()
        assert _got_news(h, ANA)
        assert h.standin.violations == []
