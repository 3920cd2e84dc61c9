"""The announcement delivery job: one repeating job (bot.jobs.scheduler) that starts due
announcements and sends their copies, reading and writing every step in the database.

Each copy is leased and committed before it is sent and its outcome is written as soon as
the channel answered, so a restart resumes with the copies not yet sent: nobody is skipped,
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

from bot.conversation.ports import Sent, Unprompted
from bot.conversation.reach import Reach, where
from bot.db.repositories import AnnouncementContent, AnnouncementRecord, ClaimedCopy, Delivered
from bot.services import announcements
from bot.services.container import Services
from bot.views.announcements import render_progress_line

log = logging.getLogger(__name__)

# Sends in flight at once: hides each request's latency while the rate limiter (30/s
# overall) sets the pace.
SENDING_AT_ONCE = 8
# The trainer's progress line is edited at most this often (seconds).
PROGRESS_EVERY = 3.0


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


async def dispatch_announcements(services: Services, keep_going: Callable[[], bool]) -> None:
    """Deliver due announcements (the scheduler runs this every few seconds)."""
    report = await deliver_announcements(services, keep_going)
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
    services: Services, keep_going: Callable[[], bool] = lambda: True
) -> DeliveryReport:
    """One run: start what is due, then send batch after batch until nothing is left or
    `keep_going` turns false (the application is stopping)."""
    report = DeliveryReport()
    async with services.uow() as uow:
        if not await announcements.has_work(uow, services.clock()):
            return report
    progress = _ProgressLines(services)
    async with services.uow() as uow:
        started = await announcements.start_due(uow, services.clock())
    report.started = len(started)
    for record in started:
        await progress.open(record)
    sending = asyncio.Semaphore(SENDING_AT_ONCE)
    pacer = _Pacer(services.settings.announcement_rate)
    contents: dict[int, AnnouncementContent] = {}  # read once per run, not per copy
    while keep_going():
        async with services.uow() as uow:
            claimed = await announcements.claim(uow, services.clock())
            reach = await where(uow, services.channels, [copy.user_id for copy in claimed])
            for announcement_id in {copy.announcement_id for copy in claimed} - set(contents):
                contents[announcement_id] = await announcements.content(uow, announcement_id)
        if not claimed:
            break
        results = await asyncio.gather(
            *(
                _send(
                    services,
                    copy,
                    contents[copy.announcement_id],
                    reach.get(copy.user_id),
                    sending,
                    pacer,
                    keep_going,
                )
                for copy in claimed
            )
        )
        for outcome in results:
            report.count(outcome)
        await progress.update({copy.announcement_id for copy in claimed})
    async with services.uow() as uow:
        report.finished = await announcements.finish(uow, services.clock())
    await progress.update(set(report.finished), final=True)
    return report


async def _send(
    services: Services,
    copy: ClaimedCopy,
    content: AnnouncementContent,
    reach: Reach | None,
    sending: asyncio.Semaphore,
    pacer: _Pacer,
    keep_going: Callable[[], bool],
) -> Delivered | None:
    """Send the announcement to one learner and record the outcome; None when the copy is
    left for a later run. A learner on no channel this process runs counts as failed."""
    if reach is None:
        async with services.uow() as uow:
            await announcements.record(uow, copy, Delivered.FAILED, services.clock())
        return Delivered.FAILED
    async with sending:
        await pacer.wait()
        if not keep_going():
            await _retry(services, copy, timedelta(0))
            return None
        to_learner = announcements.unprompted(
            copy.language, reach.last_wrote, services.i18n.default
        )
        done = await announcements.deliver(reach.channel, reach.address, content, to_learner)
    if done.result is Sent.LATER:
        await _retry(services, copy, done.retry_in or timedelta(seconds=30))
        return None
    state = Delivered(done.result.value)
    ref = done.ref if done.reported_later else None
    async with services.uow() as uow:
        await announcements.record(uow, copy, state, services.clock(), ref)
    return state


async def _retry(services: Services, copy: ClaimedCopy, wait: timedelta) -> None:
    async with services.uow() as uow:
        await announcements.retry_later(uow, copy, services.clock() + wait)


def _quiet(author: Reach) -> Unprompted:
    """The author's progress line goes only where the channel may write to them freely
    (on WhatsApp, within 24 hours of their last message): no template replaces it."""
    return Unprompted(None, "en", author.last_wrote)


class _ProgressLines:
    """The author's progress line per announcement, edited in place at most every
    PROGRESS_EVERY seconds, and finally with the totals."""

    def __init__(self, services: Services) -> None:
        self._services = services
        self._edited: dict[int, float] = {}

    async def _author(self, record: AnnouncementRecord) -> Reach | None:
        async with self._services.uow() as uow:
            found = await where(uow, self._services.channels, [record.author_id])
        return found.get(record.author_id)

    async def open(self, record: AnnouncementRecord) -> None:
        """Post the line for an announcement that started (unless the author has one)."""
        if record.progress_ref is not None:
            return
        author = await self._author(record)
        if author is None:
            return
        sent = await author.channel.send(
            author.address, await self._text(record, final=False), unprompted=_quiet(author)
        )
        if sent.result is not Sent.SENT or sent.ref is None:
            log.info("no progress line for announcement %s: %s", record.id, sent.result)
            return
        async with self._services.uow() as uow:
            await announcements.set_progress_ref(uow, record.id, sent.ref)
        self._edited[record.id] = time.monotonic()

    async def update(self, announcement_ids: set[int], *, final: bool = False) -> None:
        now = time.monotonic()
        for announcement_id in sorted(announcement_ids):
            if not final and now - self._edited.get(announcement_id, 0.0) < PROGRESS_EVERY:
                continue
            self._edited[announcement_id] = now
            async with self._services.uow() as uow:
                record = await uow.announcements.get(announcement_id)
            if record is None or record.progress_ref is None:
                continue
            author = await self._author(record)
            if author is None:
                continue
            text = await self._text(record, final=final)
            edited = await author.channel.edit(
                author.address, record.progress_ref, text, unprompted=_quiet(author)
            )
            if edited.result is not Sent.SENT:
                # not modified, deleted by the author, or the author blocked the bot
                log.info("progress line of announcement %s not edited", announcement_id)

    async def _text(self, record: AnnouncementRecord, *, final: bool) -> str:
        async with self._services.uow() as uow:
            counts = await announcements.counts(uow, record.id)
            author = await uow.users.get(record.author_id)
        t = self._services.i18n.translator(author.language if author else None)
        return render_progress_line(t, counts, final=final)
