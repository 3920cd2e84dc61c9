"""The background jobs on one APScheduler, owned by the process, not by a channel.

APScheduler directly rather than PTB's JobQueue (which wraps the same scheduler): the jobs
send through the channel port (bot.conversation.ports) to whichever channel each person is
on, so they must run the same whether Telegram is configured or not.

Each dispatcher runs every few seconds with the same options (see TECH-NOTES 6.1): a run
that starts late still runs, missed runs collapse into one, and a slow run is never started
twice at once. `stop` waits for the runs under way: the announcement job sees
`services.stopping` and hands its remaining copies back; the others finish their batch.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.jobs.announcements import dispatch_announcements
from bot.jobs.consultations import dispatch_consultations
from bot.jobs.faq_notices import dispatch_faq_notices
from bot.jobs.reminders import dispatch_reminders
from bot.redact import error_summary, redacted_traceback
from bot.services.container import Services

log = logging.getLogger(__name__)

JOB_OPTIONS = {"misfire_grace_time": None, "coalesce": True, "max_instances": 1}


class Jobs:
    """The repeating dispatchers of one process."""

    def __init__(self, services: Services) -> None:
        self._services = services
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self._running: set[asyncio.Task[None]] = set()

    def start(self) -> None:
        settings, services = self._services.settings, self._services
        keep_going = lambda: not services.stopping.is_set()  # noqa: E731
        self._every(
            "reminders",
            settings.reminder_interval,
            settings.reminder_interval,
            lambda: dispatch_reminders(services),
        )
        self._every(
            "consultations",
            settings.consultation_interval,
            min(settings.consultation_interval, 5),
            lambda: dispatch_consultations(services),
        )
        self._every(
            "announcements",
            settings.announcement_interval,
            settings.announcement_interval,
            lambda: dispatch_announcements(services, keep_going),
        )
        self._every(
            "faq notices",
            settings.question_interval,
            settings.question_interval,
            lambda: dispatch_faq_notices(services),
        )
        self.scheduler.start()

    def _every(
        self, name: str, interval: float, first: float, run: Callable[[], Awaitable[None]]
    ) -> None:
        """Run `run` every `interval` seconds, the first time after `first` (0: never)."""
        if interval <= 0:
            return

        async def job() -> None:
            task = asyncio.current_task()
            if task is not None:
                self._running.add(task)
            try:
                await run()
            except Exception as err:
                # named by kind and place only: an exception's message can quote a person
                log.error(
                    "the %s job failed: %s\n%s", name, error_summary(err), redacted_traceback(err)
                )
            finally:
                if task is not None:
                    self._running.discard(task)

        self.scheduler.add_job(
            job,
            IntervalTrigger(seconds=interval, timezone=UTC),
            id=name,
            name=name,
            next_run_time=datetime.now(UTC) + timedelta(seconds=first),
            **JOB_OPTIONS,
        )

    async def stop(self) -> None:
        """No new runs; wait for those under way, then stop the scheduler (whose shutdown
        would cancel a run mid-batch, leaving its leased copies to wait for their lease)."""
        if not self.scheduler.running:
            return
        self.scheduler.pause()
        if self._running:
            await asyncio.gather(*self._running, return_exceptions=True)
        self.scheduler.shutdown(wait=False)
