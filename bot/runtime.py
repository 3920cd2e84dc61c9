"""The process's core, whichever channels it runs: the database (migrated), the course,
the catalogues and the FAQ index in one Services container, and the background jobs.

Each channel adapter adds its `Channel` to `services.channels` and serves its own
updates; the jobs reach every person through those channels.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from datetime import datetime

from bot.config import Settings
from bot.content import ContentError, Course, load_course
from bot.content.consultations import collect_consultations
from bot.db.engine import create_engine, create_session_factory
from bot.db.migrate import upgrade
from bot.i18n import I18n
from bot.ratelimits.rates import Rates
from bot.services import learners, recordings
from bot.services.container import Services, utc_now
from bot.services.faq_search import FaqIndex


async def open_services(
    settings: Settings,
    *,
    course: Course | None = None,
    clock: Callable[[], datetime] = utc_now,
    faq_index: FaqIndex | None = None,
    i18n: I18n | None = None,
) -> Services:
    """Open the database (migrating it), load content and catalogues.

    `faq_index` must have been built from `course`, `i18n` with the settings' default
    language; without them they are built here (tests hand in ones built once)."""
    engine = create_engine(settings.database_url)
    try:
        await upgrade(engine)
        consultation_files, problems = collect_consultations(settings.content_dir)
        if problems:
            raise ContentError(problems)
    except BaseException:
        await engine.dispose()
        raise
    course = course or load_course(settings.content_dir)
    if i18n is None:
        i18n = I18n(default=settings.default_language, added=course.ready_languages())
    services = Services(
        settings=settings,
        course=course,
        i18n=i18n,
        engine=engine,
        session_factory=create_session_factory(engine),
        clock=clock,
        consultation_files=consultation_files,
        rates=Rates(
            settings.redis_url, secret=settings.sealing_secret, instances=settings.instances
        ),
        # built once: every question searches this index
        faq_index=faq_index or FaqIndex(course),
    )
    # Someone taken out of the admin settings loses the role now, not at their next message.
    async with services.uow() as uow:
        await learners.demote_former_admins(uow, services.is_admin, clock())
    if course.audio:
        async with services.uow() as uow:
            await recordings.ship_content_audio(uow, services.audio, course.audio, clock())
    _freeze_what_lives_on()
    return services


def _freeze_what_lives_on() -> None:
    """Take what is alive now out of the cyclic garbage collector's reach, once a process.

    The course, its FAQ index and the catalogues are some 200,000 objects that live as long
    as the process; every full collection walked them all, about 170 ms, three times in ten
    seconds of lesson taps, each a pause for every learner (benchmarks.updates). Only once:
    freezing again would keep for good the cycles of whatever else is alive then (in the
    tests, the previous bot), and unfreezing would put them all back in the next collection.
    """
    if gc.get_freeze_count() == 0:
        gc.collect()
        gc.freeze()


async def close_services(services: Services) -> None:
    """Let the background work under way finish (it still sends), then close the database."""
    await services.background.wait()
    await services.engine.dispose()
