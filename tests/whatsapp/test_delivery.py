"""What the jobs send on WhatsApp, through the real channel against the Cloud API stand-in:
ordinary messages within 24 hours of a person's last message, the purpose's template in
their language after that (or nothing, counted, without one), Meta's error codes sorted,
delivery statuses reported later written to the announcement's totals, and files uploaded
once and again when Meta's id lapsed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.channels.whatsapp.standin import CloudApiStandIn
from bot.channels.whatsapp.standin.clock import ManualClock
from bot.channels.whatsapp.standin.errors import Code
from bot.channels.whatsapp.standin.state import Status
from bot.db.models import ReminderLog
from bot.db.repositories import Delivered, Outcome
from bot.jobs.announcements import deliver_announcements
from bot.jobs.reminders import send_due_reminders
from bot.services import deliveries, reminders
from bot.services.schedule import ReminderTime
from tests.whatsapp.harness import (
    WhatsAppHarness,
    add_learner,
    announce,
    trainer_cohort,
    whatsapp_bot,
)

T0 = datetime(2026, 3, 23, 10, tzinfo=UTC)  # a Monday
DUE = datetime(2026, 3, 26, 18, tzinfo=UTC)  # the first reminder of someone last seen at T0
TEMPLATES = "reminder:fr=asi_reminder,announcement:fr=asi_news,announcement:pt=asi_news@pt_BR"
REMINDER_FR = "Formation ASI : {{1}} Répondez « menu » pour continuer."
NEWS_FR = "Message de votre formateur ASI : {{1}}"
NEWS_PT = "Mensagem do seu formador ASI: {{1}}"

AWA = "224620000101"  # fr, wrote an hour ago
BINTA = "224620000102"  # fr, has not written for days
PRIYA = "919800000103"  # hi: no template in Hindi nor in the default language
ANA = "5591900000104"  # pt


def _clocks() -> tuple[ManualClock, Any]:
    """One time for the stand-in and the bot, moved by hand."""
    manual = ManualClock(T0.timestamp())
    return manual, lambda: datetime.fromtimestamp(manual.now, UTC)


def _register(standin: CloudApiStandIn) -> None:
    standin.register_template("asi_reminder", "fr", REMINDER_FR)
    standin.register_template("asi_news", "fr", NEWS_FR)
    standin.register_template("asi_news", "pt_BR", NEWS_PT)


@asynccontextmanager
async def _templated_bot(
    database_url: str, now: datetime | None = None, **options: Any
) -> AsyncIterator[tuple[WhatsAppHarness, ManualClock]]:
    """The bot with the purposes' templates, registered with Meta too, on one clock moved by
    hand (at `now` from the start); `options` are more of the stand-in's."""
    manual, clock = _clocks()
    if now is not None:
        manual.now = now.timestamp()
    options = {"clock": manual, "pair_interval": None, **options}
    async with whatsapp_bot(
        database_url, standin_options=options, clock=clock, whatsapp_templates=TEMPLATES
    ) as h:
        _register(h.standin)
        yield h, manual


async def _learner(
    h: WhatsAppHarness, wa_id: str, language: str, *, wrote: datetime | None = None
) -> int:
    return await add_learner(h.services, h.standin, wa_id, language, T0, wrote=wrote)


async def _reminders_on(h: WhatsAppHarness, user_id: int, language: str) -> None:
    async with h.services.uow() as uow:
        user = await uow.users.get(user_id)
        assert user is not None
        every_evening = ReminderTime(frozenset(range(7)), 18)
        await reminders.turn_on(uow, user, language, T0, every_evening)


def _templates(standin: CloudApiStandIn, wa_id: str) -> list[dict[str, Any]]:
    return [m for m in standin.messages(wa_id) if m["type"] == "template"]


async def test_the_window_closed_sooner_than_the_bot_knew(database_url: str) -> None:
    """Meta's 131047 (the window is closed) turns a reminder into its template."""
    async with _templated_bot(database_url) as (h, manual):
        binta = await _learner(h, BINTA, "fr")
        await _reminders_on(h, binta, "fr")
        manual.now = DUE.timestamp()
        async with h.services.uow() as uow:  # the bot thinks she wrote; WhatsApp does not
            await deliveries.heard_from(uow, "whatsapp", BINTA, DUE - timedelta(hours=2))

        report = await send_due_reminders(h.services)

        assert report.outcomes == {Outcome.SENT: 1}
        (received,) = h.standin.messages(BINTA)
        assert received["type"] == "template"
        assert [v.code for v in h.standin.violations] == [Code.REENGAGEMENT]


async def test_an_announcement_on_whatsapp_and_its_reported_totals(database_url: str) -> None:
    """Within the window the text, after it the template, without one nothing (counted);
    a failure Meta reports after accepting, and the delivered and read statuses, are
    written to the totals."""
    async with _templated_bot(database_url, DUE, late_failures=True) as (h, _):
        author = await _learner(h, "224620000100", "fr")
        awa = await _learner(h, AWA, "fr", wrote=DUE - timedelta(hours=1))
        binta = await _learner(h, BINTA, "fr")
        priya = await _learner(h, PRIYA, "hi")
        ana = await _learner(h, ANA, "pt")
        gone = await _learner(h, "224620000105", "fr", wrote=DUE - timedelta(hours=3))
        h.standin.make_undeliverable("224620000105")
        cohort = await trainer_cohort(h.services, author, [awa, binta, priya, ana, gone])
        announcement = await announce(h.services, author, cohort, "Atelier <b>mardi</b>\nà 10 h")

        report = await deliver_announcements(h.services)
        await h.settle()  # the statuses Meta sends after

        (text,) = h.standin.messages(AWA)
        assert text["type"] == "text" and "*mardi*" in text["text"]["body"]
        (news,) = _templates(h.standin, BINTA)
        assert news["rendered"] == "Message de votre formateur ASI : Atelier *mardi* à 10 h"
        (news_pt,) = _templates(h.standin, ANA)
        assert news_pt["template"]["language"] == {"code": "pt_BR"}
        assert h.standin.messages(PRIYA) == []
        assert report.outcomes[Delivered.SKIPPED] == 1
        h.standin.read(AWA, text["id"])
        await h.settle()
        async with h.services.uow() as uow:
            counts = await uow.announcements.counts(announcement)
            blocked = await uow.users.is_blocked(gone)
        assert counts == {
            Delivered.READ: 1,
            Delivered.DELIVERED: 2,
            Delivered.SKIPPED: 1,
            Delivered.BLOCKED: 1,
        }, counts
        assert blocked, "131026 reported later: skipped like a user who blocked the bot"


async def test_a_late_failure_of_a_reminder_is_logged(database_url: str) -> None:
    async with _templated_bot(database_url) as (h, manual):
        binta = await _learner(h, BINTA, "fr")
        await _reminders_on(h, binta, "fr")
        manual.now = DUE.timestamp()
        await send_due_reminders(h.services)
        await h.settle()
        (sent,) = h.standin.messages(BINTA)
        h.standin.report_status(sent["id"], Status.FAILED, error_code=Code.REENGAGEMENT)
        await h.settle()
        async with h.services.uow() as uow:
            outcomes = list(await uow.session.scalars(select(ReminderLog.outcome)))
        assert outcomes == [Outcome.FAILED], "sent, then reported failed"
