"""The announcement delivery job: one repeating JobQueue job that starts due announcements
and sends their copies, reading and writing every step in the database.

Each copy is leased and committed before it is sent and its outcome is written as soon as
Telegram answered, so a restart resumes with the copies not yet sent: nobody is skipped,
and nobody gets it twice. A graceful stop (SIGTERM, a redeploy) lets the copies in flight
finish and be recorded and hands the rest back at once. Only a hard kill in the instant
between a send and its record leaves a copy whose fate is unknown; it is sent again when
its lease runs out (at most SENDING_AT_ONCE copies).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from types import MappingProxyType

from telegram import Bot
from telegram.error import TelegramError

from bot.context import BotContext
from bot.db.repositories import AnnouncementRecord, ClaimedCopy, Delivered
from bot.redact import user_ref
from bot.sending import Sent, attempt
from bot.services import announcements
from bot.services.container import Services
from bot.views.announcements import render_progress_line

log = logging.getLogger(__name__)

# Sends in flight at once: hides each request's latency while the rate limiter (30/s
# overall) sets the pace.
SENDING_AT_ONCE = 8
# The trainer's progress line is edited at most this often (seconds).
PROGRESS_EVERY = 3.0
RETRY_AFTER_NETWORK_ERROR = timedelta(seconds=30)
JOB_KWARGS = MappingProxyType({"misfire_grace_time": None, "coalesce": True, "max_instances": 1})


@dataclass
class DeliveryReport:
    """What one run did (for logs, tests and the benchmark)."""

    started: int = 0
    outcomes: dict[Delivered, int] = field(default_factory=dict)
    retried: int = 0
    finished: list[int] = field(default_factory=list)

    def count(self, outcome: Delivered | None) -> None:
        if outcome is None:
            self.retried += 1
        else:
            self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1


async def dispatch_announcements(context: BotContext) -> None:
    """Deliver due announcements (the JobQueue runs this every few seconds)."""
    app, services = context.application, context.services
    report = await deliver_announcements(
        context.bot,
        services,
        keep_going=lambda: app.running and not services.stopping.is_set(),
    )
    if report.started or report.outcomes or report.retried:
        log.info("announcements: %s", report)


class _Pacer:
    """Spaces sends evenly at `rate` a second (the rate limiter behind still caps the
    whole bot at 30)."""

    def __init__(self, rate: float) -> None:
        self._interval = 1 / rate
        self._next = time.monotonic()

    async def wait(self) -> None:
        now = time.monotonic()
        slot = max(now, self._next)
        self._next = slot + self._interval
        if slot > now:
            await asyncio.sleep(slot - now)


async def deliver_announcements(
    bot: Bot, services: Services, keep_going: Callable[[], bool] = lambda: True
) -> DeliveryReport:
    """One run: start what is due, then send batch after batch until nothing is left or
    `keep_going` turns false (the application is stopping)."""
    report = DeliveryReport()
    async with services.uow() as uow:
        if not await announcements.has_work(uow, services.clock()):
            return report
    progress = _ProgressLines(bot, services)
    async with services.uow() as uow:
        started = await announcements.start_due(uow, services.clock())
    report.started = len(started)
    for record in started:
        await progress.open(record)
    sending = asyncio.Semaphore(SENDING_AT_ONCE)
    pacer = _Pacer(services.settings.announcement_rate)
    while keep_going():
        async with services.uow() as uow:
            claimed = await announcements.claim(uow, services.clock())
        if not claimed:
            break
        results = await asyncio.gather(
            *(_send(bot, services, copy, sending, pacer, keep_going) for copy in claimed)
        )
        for outcome in results:
            report.count(outcome)
        await progress.update({copy.announcement_id for copy in claimed})
    async with services.uow() as uow:
        report.finished = await announcements.finish(uow, services.clock())
    await progress.update(set(report.finished), final=True)
    return report


async def _send(
    bot: Bot,
    services: Services,
    copy: ClaimedCopy,
    sending: asyncio.Semaphore,
    pacer: _Pacer,
    keep_going: Callable[[], bool],
) -> Delivered | None:
    """Copy the announcement to one learner and record the outcome; None when the copy is
    left for a later run."""
    async with sending:
        await pacer.wait()
        if not keep_going():
            await _retry(services, copy, timedelta(0))
            return None
        done = await attempt(
            bot.copy_message(copy.user_id, copy.from_chat_id, copy.message_id),
            f"announcement copy to {user_ref(copy.user_id)}",
            RETRY_AFTER_NETWORK_ERROR,
        )
    if done.result is Sent.LATER:
        await _retry(services, copy, done.retry_in or RETRY_AFTER_NETWORK_ERROR)
        return None
    state = Delivered(done.result.value)
    async with services.uow() as uow:
        await announcements.record(uow, copy, state, services.clock())
    return state


async def _retry(services: Services, copy: ClaimedCopy, wait: timedelta) -> None:
    async with services.uow() as uow:
        await announcements.retry_later(uow, copy, services.clock() + wait)


class _ProgressLines:
    """The author's progress line per announcement, edited in place at most every
    PROGRESS_EVERY seconds, and finally with the totals."""

    def __init__(self, bot: Bot, services: Services) -> None:
        self._bot = bot
        self._services = services
        self._edited: dict[int, float] = {}

    async def open(self, record: AnnouncementRecord) -> None:
        """Post the line for an announcement that started (unless the author has one)."""
        if record.progress_message_id is not None:
            return
        text = await self._text(record, final=False)
        try:
            message = await self._bot.send_message(record.author_id, text)
        except TelegramError as err:
            log.info("no progress line for announcement %s: %s", record.id, err)
            return
        async with self._services.uow() as uow:
            await announcements.set_progress_message(uow, record.id, message.message_id)
        self._edited[record.id] = time.monotonic()

    async def update(self, announcement_ids: set[int], *, final: bool = False) -> None:
        now = time.monotonic()
        for announcement_id in sorted(announcement_ids):
            if not final and now - self._edited.get(announcement_id, 0.0) < PROGRESS_EVERY:
                continue
            self._edited[announcement_id] = now
            async with self._services.uow() as uow:
                record = await uow.announcements.get(announcement_id)
            if record is None or record.progress_message_id is None:
                continue
            try:
                await self._bot.edit_message_text(
                    await self._text(record, final=final),
                    chat_id=record.author_id,
                    message_id=record.progress_message_id,
                )
            except TelegramError as err:
                # not modified, deleted by the author, or the author blocked the bot
                log.info("progress line of announcement %s not edited: %s", announcement_id, err)

    async def _text(self, record: AnnouncementRecord, *, final: bool) -> str:
        async with self._services.uow() as uow:
            counts = await announcements.counts(uow, record.id)
            author = await uow.users.get(record.author_id)
        t = self._services.i18n.translator(author.language if author else None)
        return render_progress_line(t, counts, final=final)
