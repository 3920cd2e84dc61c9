"""The consultation dispatcher: a repeating job (bot.jobs.scheduler), like the reminder dispatcher.

Everything it needs is in the database (dates, status, the notices already sent), so after
a restart the next run simply re-derives what is due: it opens and closes consultations by
their dates, writes the held anonymous answers and follow requests whose batch is due
(bot.services.holding), and sends the notices nobody has had yet. Each notice is recorded
before it is sent, so a crash can lose a notice but never repeat one, and what became of it
after (as an announcement copy: sent, skipped, failed; then delivered or read as WhatsApp
reports).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from bot.config import TemplatePurpose
from bot.conversation.ports import Sent, Unprompted
from bot.conversation.reach import Reach, where
from bot.db.repositories import Delivered
from bot.keyboards.consultations import notice_keyboard
from bot.services import consultations, holding, learners
from bot.services.consultations import Delivery, Notice
from bot.services.container import Services
from bot.views.consultations import render_notice

log = logging.getLogger(__name__)

_STATES = {
    Sent.SENT: Delivered.SENT,
    Sent.BLOCKED: Delivered.BLOCKED,
    Sent.FAILED: Delivered.FAILED,
    Sent.SKIPPED: Delivered.SKIPPED,
}
# A notice held up (flood limit, network) is released at once: the next run retries it.


@dataclass
class ConsultationTickReport:
    """What one run did: consultations seen and notices sent per kind."""

    consultations: int = 0
    sent: dict[str, int] = field(default_factory=dict)
    failed: int = 0
    skipped: int = 0  # the channel could not write to them (no WhatsApp template)
    retried: int = 0  # not sent now (flood limit, network): the next run sends them
    opted_out: int = 0  # they sent STOP: recorded as handled, never sent
    written: holding.BatchReport = field(default_factory=holding.BatchReport)


async def dispatch_consultations(services: Services) -> None:
    """Open and close consultations by their dates and send due notices (a scheduled job)."""
    report = await run_consultations(services)
    if (
        report.sent
        or report.failed
        or report.retried
        or report.skipped
        or report.opted_out
        or report.written
    ):
        log.info("consultations: %s", report)


async def run_consultations(services: Services) -> ConsultationTickReport:
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
                    people = [d.recipient.user_id for d in batch]
                    reach = await where(uow, services.channels, people)
                later = False
                for delivery in batch:
                    if delivery.recipient.opted_out:
                        await _record(services, delivery, Delivered.OPTED_OUT)
                        report.opted_out += 1
                        continue
                    found = reach.get(delivery.recipient.user_id)
                    if found is None:
                        await _record(services, delivery, Delivered.FAILED)
                        report.failed += 1  # on no channel this process runs
                        continue
                    later |= not await _send(services, delivery, found, report)
                if later or len(batch) < consultations.NOTICE_BATCH:
                    break  # what could not go out now waits for the next run
    return report


async def _send(
    services: Services, delivery: Delivery, reach: Reach, report: ConsultationTickReport
) -> bool:
    """Send one notice through the person's channel, which sorts the answer as every
    background send does; False when it is left for the next run: it was released, so it
    is never recorded as delivered when it was not."""
    recipient = delivery.recipient
    t = services.i18n.translator(recipient.language)
    language = recipient.language or services.i18n.default
    open_ = delivery.kind in (Notice.OPEN, Notice.CLOSING)
    done = await reach.channel.send(
        reach.address,
        render_notice(t, delivery.kind, delivery.consultation, language),
        notice_keyboard(t, delivery.consultation.id, open_),
        unprompted=Unprompted(
            TemplatePurpose.CONSULTATION, language, reach.last_wrote, recorded=True
        ),
    )
    if done.result is Sent.LATER:
        async with services.uow() as uow:
            await consultations.release(uow, delivery)
        report.retried += 1
        return False
    state = _STATES.get(done.result, Delivered.FAILED)
    # the channel's id, where it reports the delivery later (delivered, read, failed)
    await _record(services, delivery, state, done.ref if done.reported_later else None)
    if done.result is Sent.BLOCKED:
        async with services.uow() as uow:
            await learners.mark_blocked(uow, recipient.user_id)
        report.failed += 1
    elif done.result is Sent.FAILED:
        report.failed += 1
    elif done.result is Sent.SKIPPED:
        report.skipped += 1
    else:
        report.sent[delivery.kind] = report.sent.get(delivery.kind, 0) + 1
    return True


async def _record(
    services: Services, delivery: Delivery, state: Delivered, ref: str | None = None
) -> None:
    async with services.uow() as uow:
        await consultations.notice_done(uow, delivery, state, ref)
