"""The typed dependency container, built once in post_init and reached via the context."""

from __future__ import annotations

import asyncio
import functools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from bot.audio_store import AudioStore, DirectoryStore
from bot.config import Settings
from bot.content import Course
from bot.content.consultations import ConsultationSpec
from bot.conversation.background import Background
from bot.conversation.ports import Channels
from bot.db.locks import PersonLocks
from bot.db.uow import UnitOfWork
from bot.db.usercache import UserCache
from bot.i18n import I18n
from bot.ratelimits.counters import Counter
from bot.ratelimits.rates import Rates
from bot.sealing import Sealer
from bot.services import faq
from bot.services.answer_limit import MAX_PER_WINDOW, WINDOW, AnswerLimit
from bot.services.faq_search import FaqIndex
from bot.services.holding import BatchPolicy
from bot.services.recordings import RecordedTargets
from bot.services.zones import ZoneIndex

# Verification tries: 10 per 10 minutes per Telegram user (/verify) and per client address
# (GET /verify/{code}); enough for honest use, far too few to guess a code.
VERIFY_LIMIT, VERIFY_WINDOW = 10, timedelta(minutes=10)


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    settings: Settings
    course: Course
    i18n: I18n
    engine: AsyncEngine
    session_factory: async_sessionmaker[Any]
    clock: Callable[[], datetime] = utc_now
    # error kind -> last time admins were told, so a storm of one error is one message a minute
    admin_alerts: dict[str, datetime] = field(default_factory=dict)
    zones: ZoneIndex = field(default_factory=ZoneIndex)
    user_cache: UserCache = field(default_factory=UserCache)
    # Set when the application begins to stop, before polling ends: long jobs (announcement
    # delivery) hand their remaining work back instead of sending on while the bot winds down.
    stopping: asyncio.Event = field(default_factory=asyncio.Event)
    # Draws quiz questions and shuffles options (codes come from `secrets`, not from here).
    rng: random.Random = field(default_factory=random.Random)
    # the rate limits: in this process, or in Redis for every process (bot.ratelimits)
    rates: Rates = field(default_factory=Rates)
    # consultation files found at start-up, by id (content/consultations/)
    consultation_files: dict[str, ConsultationSpec] = field(default_factory=dict)
    # built in post_init from the course; `faq` builds it on first use where nobody did
    faq_index: FaqIndex | None = None
    # when held anonymous answers are written in a batch (see services/holding)
    batch_policy: BatchPolicy = field(default_factory=BatchPolicy)
    # the messaging channels this process runs (bot.conversation.ports), by platform
    channels: Channels = field(default_factory=Channels)
    # long work people asked for (exports, charts, packs), run beside the turns
    background: Background = field(default_factory=Background)
    # (recording, platform) -> held while a recording is uploaded to that channel, so the
    # learners pressing Listen meanwhile wait for its id instead of uploading it again
    uploading: dict[tuple[int, str], asyncio.Lock] = field(default_factory=dict)
    # which cards have an approved recording, as this process last read it
    recorded: RecordedTargets = field(default_factory=RecordedTargets)

    def upload_lock(self, recording_id: int, platform: str) -> asyncio.Lock:
        return self.uploading.setdefault((recording_id, platform), asyncio.Lock())

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.session_factory, self.user_cache, self.sealer)

    @functools.cached_property
    def audio(self) -> AudioStore:
        """Where recordings' files are kept (AUDIO_DIR; see bot.audio_store for others)."""
        return DirectoryStore(self.settings.audio_dir)

    @functools.cached_property
    def verify_in_bot(self) -> Counter:
        """/verify guesses per person."""
        return self.rates.counter("verify-bot", VERIFY_LIMIT, VERIFY_WINDOW)

    @functools.cached_property
    def verify_on_web(self) -> Counter:
        """GET /verify/{code} guesses per client address."""
        return self.rates.counter("verify-web", VERIFY_LIMIT, VERIFY_WINDOW)

    @functools.cached_property
    def ask_limit(self) -> Counter:
        """Questions to a person per learner (see services/faq)."""
        return self.rates.counter("ask", faq.ASK_LIMIT, faq.ASK_WINDOW)

    @functools.cached_property
    def answer_limit(self) -> AnswerLimit:
        """Consultation answers per person in the last hour (see services/answer_limit)."""
        return AnswerLimit(self.rates.counter("answers", MAX_PER_WINDOW, WINDOW))

    async def forget_person(self, user_id: int) -> None:
        """Drop a person who deleted their data from every in-memory limit and cache of
        this process (and from the shared limits in Redis)."""
        self.user_cache.unlink_user(user_id)
        await self.rates.forget(str(user_id))

    @functools.cached_property
    def person_locks(self) -> PersonLocks:
        """One turn per person at a time across processes (bot.db.locks)."""
        return PersonLocks(self.engine, instances=self.settings.instances)

    @functools.cached_property
    def sealer(self) -> Sealer | None:
        """Seals what waits in the database (bot.sealing) with SEALING_KEY, or the token,
        which every process of a deployment shares and the database never holds."""
        secret = self.settings.sealing_secret
        return Sealer.from_token(secret) if secret else None

    def is_admin(self, platform: str, external_id: str) -> bool:
        """Whether an account is named an admin in the settings (Settings.names_admin)."""
        return self.settings.names_admin(platform, external_id)

    @property
    def faq(self) -> FaqIndex:
        if self.faq_index is None:
            self.faq_index = FaqIndex(self.course)
        return self.faq_index
