"""The consultation dispatcher: a repeating JobQueue job, like the reminder dispatcher.

Everything it needs is in the database (dates, status, the notices already sent), so after
a restart the next run simply re-derives what is due: it opens and closes consultations by
their dates, writes the held anonymous answers and follow requests whose batch is due
(bot.services.holding), and sends the notices nobody has had yet. Each notice is recorded
before it is sent, so a crash can lose a notice but never repeat one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from telegram import Bot
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.context import BotContext
from bot.keyboards.consultations import notice_keyboard
from bot.redact import user_ref
from bot.services import consultations, holding, learners
from bot.services.consultations import Delivery, Notice
from bot.services.container import Services
from bot.views.consultations import render_notice

log = logging.getLogger(__name__)


@dataclass
class ConsultationTickReport:
    """What one run did: consultations seen and notices sent per kind."""

    consultations: int = 0
    sent: dict[str, int] = field(default_factory=dict)
    failed: int = 0
    written: holding.BatchReport = field(default_factory=holding.BatchReport)


async def dispatch_consultations(context: BotContext) -> None:
    """Open and close consultations by their dates and send due notices (JobQueue job)."""
    report = await run_consultations(context.bot, context.services)
    if report.sent or report.failed or report.written:
        log.info("consultations: %s", report)


async def run_consultations(bot: Bot, services: Services) -> ConsultationTickReport:
    report = ConsultationTickReport()
    now = services.clock()
    async with services.uow() as uow:
        all_ = await consultations.advance(uow, now)
    report.consultations = len(all_)
    async with services.uow() as uow:
        # before the notices, so the thank-you reaches the followers written at the close
        report.written = await holding.write_batches(uow, now, services.batch_policy)
    for consultation in all_:
        for kind, audience in consultations.due_notices(consultation, now):
            while True:
                async with services.uow() as uow:
                    batch = await consultations.claim(uow, consultation, kind, audience)
                for delivery in batch:
                    await _send(bot, services, delivery, report)
                if len(batch) < consultations.NOTICE_BATCH:
                    break
    return report


async def _send(
    bot: Bot, services: Services, delivery: Delivery, report: ConsultationTickReport
) -> None:
    """Send one notice through the app's rate limiter (the bot's request layer)."""
    recipient = delivery.recipient
    t = services.i18n.translator(recipient.language)
    language = recipient.language or services.i18n.default
    open_ = delivery.kind in (Notice.OPEN, Notice.CLOSING)
    try:
        await bot.send_message(
            recipient.user_id,
            render_notice(t, delivery.kind, delivery.consultation, language),
            reply_markup=notice_keyboard(t, delivery.consultation.id, open_),
        )
    except Forbidden:
        async with services.uow() as uow:
            await learners.mark_blocked(uow, recipient.user_id)
        report.failed += 1
        return
    except (BadRequest, TelegramError) as err:
        log.warning("consultation notice to %s failed: %s", user_ref(recipient.user_id), err)
        report.failed += 1
        return
    report.sent[delivery.kind] = report.sent.get(delivery.kind, 0) + 1
