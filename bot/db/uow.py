"""One unit of work per update: one session, rolled back unless a service commits."""

from __future__ import annotations

from types import TracebackType
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.repositories import (
    AccountRepository,
    AnnouncementRepository,
    AnswerFileRepository,
    CertificateRepository,
    CohortRepository,
    ConsultationRepository,
    EventRepository,
    FaqRepository,
    FaqVoiceRepository,
    HeldRepository,
    ProcessedEventRepository,
    ProgressRepository,
    QuizRepository,
    RecordingRepository,
    ReminderRepository,
    UserRepository,
)
from bot.db.usercache import UserCache
from bot.sealing import Sealer


class UnitOfWork:
    """Async context manager giving repositories over one session.

    Services call `commit()` when their step is complete, so a learner's step is durable
    before the bot replies; anything not committed is rolled back on exit.
    """

    session: AsyncSession
    users: UserRepository
    accounts: AccountRepository
    progress: ProgressRepository
    events: EventRepository
    reminders: ReminderRepository
    quizzes: QuizRepository
    certificates: CertificateRepository
    consultations: ConsultationRepository
    cohorts: CohortRepository
    announcements: AnnouncementRepository
    faq: FaqRepository
    faq_voice: FaqVoiceRepository
    held: HeldRepository
    answer_files: AnswerFileRepository
    processed: ProcessedEventRepository
    recordings: RecordingRepository

    def __init__(
        self,
        session_factory: async_sessionmaker[Any],
        user_cache: UserCache | None = None,
        sealer: Sealer | None = None,
    ) -> None:
        """`sealer` opens the holding area of anonymous answers (bot.sealing)."""
        self._factory = session_factory
        self._user_cache = user_cache
        self._sealer = sealer

    async def __aenter__(self) -> UnitOfWork:
        self.session = self._factory()
        self.users = UserRepository(self.session, self._user_cache)
        self.accounts = AccountRepository(self.session, self._user_cache)
        self.progress = ProgressRepository(self.session)
        self.events = EventRepository(self.session)
        self.reminders = ReminderRepository(self.session)
        self.quizzes = QuizRepository(self.session)
        self.certificates = CertificateRepository(self.session)
        self.consultations = ConsultationRepository(self.session)
        self.cohorts = CohortRepository(self.session)
        self.announcements = AnnouncementRepository(self.session)
        self.faq = FaqRepository(self.session)
        self.faq_voice = FaqVoiceRepository(self.session, self._sealer)
        self.held = HeldRepository(self.session, self._sealer)
        self.answer_files = AnswerFileRepository(self.session, self._sealer)
        self.processed = ProcessedEventRepository(self.session)
        self.recordings = RecordingRepository(self.session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            await self.session.rollback()
        finally:
            await self.session.close()

    async def commit(self) -> None:
        await self.session.commit()

    async def rollback(self) -> None:
        await self.session.rollback()
