"""Scheduled jobs (bot.jobs.scheduler) are entry points like handlers: they open a unit of
work, call a service, send. One repeating job, the reminder dispatcher, reads due reminders
from the database, so nothing is lost when the process restarts and several processes can
share the work."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import timedelta

from bot.config import TemplatePurpose
from bot.conversation.ports import Sent, Unprompted
from bot.db.repositories import Outcome
from bot.keyboards.reminders import reminder_keyboard
from bot.services import processed, reminders
from bot.services.container import Services
from bot.services.reminders import Delivery
from bot.views.reminders import render_reminder

log = logging.getLogger(__name__)

# Sends in flight at once: hides each request's latency while the rate limiter (30/s
# overall) sets the pace.
SENDING_AT_ONCE = 8
# After a send that surely did not reach Telegram (no connection), try again this much later.
RETRY_AFTER_NETWORK_ERROR = timedelta(minutes=1)


@dataclass
class TickReport:
    """What one dispatcher tick did (for logs, tests and the benchmark)."""

    claimed: int = 0
    outcomes: dict[Outcome, int] = field(default_factory=dict)
    retried: int = 0

    def count(self, outcome: Outcome | None) -> None:
        if outcome is None:
            self.retried += 1
        else:
            self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1


async def dispatch_reminders(services: Services) -> None:
    """Send the reminders that are due (the scheduler runs this every few seconds)."""
    report = await send_due_reminders(services)
    if report.claimed:
        log.info("reminders: %s", report)


async def send_due_reminders(services: Services) -> TickReport:
    """One dispatcher tick: claim due reminders batch by batch, decide, send, record.

    Each claim is committed before anything is sent; each outcome is written as soon as
    its message went out, so a crash can repeat at most the messages in flight.
    """
    report = TickReport()
    async with services.uow() as uow:
        await reminders.prune_log(uow, services.clock())
        # the one housekeeping job that runs every few seconds (see services/processed)
        await processed.prune(uow, services.clock())
    sending = asyncio.Semaphore(SENDING_AT_ONCE)
    while True:
        async with services.uow() as uow:
            claimed = await reminders.claim_due(uow, services.clock())
        if not claimed:
            break
        report.claimed += len(claimed)
        async with services.uow() as uow:
            deliveries = await reminders.prepare(
                uow, services.course, claimed, services.clock(), services.channels.platforms
            )
        results = await asyncio.gather(*(_deliver(services, d, sending) for d in deliveries))
        for outcome in results:
            report.count(outcome)
        if len(claimed) < reminders.BATCH:
            break
    return report


async def _deliver(
    services: Services, delivery: Delivery, sending: asyncio.Semaphore
) -> Outcome | None:
    """Send one reminder and record the outcome; None when it is left for a later tick."""
    t = services.i18n.translator(delivery.language)
    channel = services.channels.get(delivery.platform)
    assert channel is not None, "prepare() picks only running channels"
    language = delivery.language or services.i18n.default
    unprompted = Unprompted(TemplatePurpose.REMINDER, language, delivery.last_wrote, recorded=True)
    async with sending:
        done = await channel.send(
            delivery.address,
            render_reminder(t, delivery.place),
            reminder_keyboard(t),
            unprompted=unprompted,
        )
    if done.result is Sent.LATER:
        await _retry_later(services, delivery, done.retry_in or RETRY_AFTER_NETWORK_ERROR)
        return None
    outcome = Outcome(done.result.value)
    ref = done.ref if done.reported_later else None
    async with services.uow() as uow:
        await reminders.record(uow, delivery, outcome, services.clock(), ref)
    return outcome


async def _retry_later(services: Services, delivery: Delivery, wait: timedelta) -> None:
    async with services.uow() as uow:
        await reminders.retry_later(uow, delivery, services.clock() + wait)
