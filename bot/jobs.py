"""JobQueue callbacks: entry points like handlers; they open a unit of work, call a service,
send. One repeating job, the reminder dispatcher, reads due reminders from the database, so
nothing is lost when the process restarts and several processes can share the work."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import timedelta
from types import MappingProxyType

from telegram import Bot

from bot.context import BotContext
from bot.db.repositories import Outcome
from bot.keyboards.reminders import reminder_keyboard
from bot.redact import user_ref
from bot.sending import Sent, attempt
from bot.services import reminders
from bot.services.container import Services
from bot.services.reminders import Delivery
from bot.views.reminders import render_reminder

log = logging.getLogger(__name__)

# Sends in flight at once: hides each request's latency while the rate limiter (30/s
# overall) sets the pace.
SENDING_AT_ONCE = 8
# After a send that surely did not reach Telegram (no connection), try again this much later.
RETRY_AFTER_NETWORK_ERROR = timedelta(minutes=1)
# Scheduler options for the dispatcher (see TECH-NOTES 6.1): a tick that starts late still
# runs, missed ticks collapse into one, and a slow tick is never run twice at once.
DISPATCHER_JOB_KWARGS = MappingProxyType(
    {"misfire_grace_time": None, "coalesce": True, "max_instances": 1}
)


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


async def dispatch_reminders(context: BotContext) -> None:
    """Send the reminders that are due (the JobQueue runs this every few seconds)."""
    report = await send_due_reminders(context.bot, context.services)
    if report.claimed:
        log.info("reminders: %s", report)


async def send_due_reminders(bot: Bot, services: Services) -> TickReport:
    """One dispatcher tick: claim due reminders batch by batch, decide, send, record.

    Each claim is committed before anything is sent; each outcome is written as soon as
    its message went out, so a crash can repeat at most the messages in flight.
    """
    report = TickReport()
    async with services.uow() as uow:
        await reminders.prune_log(uow, services.clock())
    sending = asyncio.Semaphore(SENDING_AT_ONCE)
    while True:
        async with services.uow() as uow:
            claimed = await reminders.claim_due(uow, services.clock())
        if not claimed:
            break
        report.claimed += len(claimed)
        async with services.uow() as uow:
            deliveries = await reminders.prepare(uow, services.course, claimed, services.clock())
        results = await asyncio.gather(*(_deliver(bot, services, d, sending) for d in deliveries))
        for outcome in results:
            report.count(outcome)
        if len(claimed) < reminders.BATCH:
            break
    return report


async def _deliver(
    bot: Bot, services: Services, delivery: Delivery, sending: asyncio.Semaphore
) -> Outcome | None:
    """Send one reminder and record the outcome; None when it is left for a later tick."""
    t = services.i18n.translator(delivery.language)
    async with sending:
        done = await attempt(
            bot.send_message(
                delivery.user_id,
                render_reminder(t, delivery.place),
                reply_markup=reminder_keyboard(t),
            ),
            f"reminder to {user_ref(delivery.user_id)}",
            RETRY_AFTER_NETWORK_ERROR,
        )
    if done.result is Sent.LATER:
        await _retry_later(services, delivery, done.retry_in or RETRY_AFTER_NETWORK_ERROR)
        return None
    outcome = Outcome(done.result.value)
    async with services.uow() as uow:
        await reminders.record(uow, delivery, outcome, services.clock())
    return outcome


async def _retry_later(services: Services, delivery: Delivery, wait: timedelta) -> None:
    async with services.uow() as uow:
        await reminders.retry_later(uow, delivery, services.clock() + wait)
