"""Repositories: queries only, never commit; they return frozen dataclasses."""

from bot.db.repositories.accounts import AccountRecord, AccountRepository
from bot.db.repositories.announcements import (
    AnnouncementContent,
    AnnouncementRecord,
    AnnouncementRepository,
    ClaimedCopy,
    Delivered,
)
from bot.db.repositories.answer_files import AnswerFileRepository
from bot.db.repositories.certificates import CertificateRecord, CertificateRepository
from bot.db.repositories.cohorts import (
    BestScore,
    CohortRecord,
    CohortRepository,
    InvitationRecord,
    MemberRecord,
    MissedQuestion,
)
from bot.db.repositories.consultations import (
    ConsultationAnswerRecord,
    ConsultationRecord,
    ConsultationRepository,
    Recipient,
)
from bot.db.repositories.events import EventRepository
from bot.db.repositories.faq import (
    ClaimedNotice,
    DraftRecord,
    FaqRepository,
    FeedbackCount,
    MessageRecord,
    QuestionRecord,
)
from bot.db.repositories.faq_voice import FaqVoiceRepository
from bot.db.repositories.held import HeldRepository, HeldRow
from bot.db.repositories.processed import ProcessedEventRepository
from bot.db.repositories.progress import ProgressRepository, SeenCard
from bot.db.repositories.quizzes import (
    AnswerRecord,
    AttemptRecord,
    ModuleCount,
    PollRecord,
    QuestionCount,
    QuizRepository,
)
from bot.db.repositories.recordings import NewRecording, RecordingRecord, RecordingRepository
from bot.db.repositories.reminders import (
    DueReminder,
    Outcome,
    ReminderCounts,
    ReminderRecord,
    ReminderRepository,
)
from bot.db.repositories.users import UserRecord, UserRepository

__all__ = [
    "AccountRecord",
    "AccountRepository",
    "AnnouncementContent",
    "AnnouncementRecord",
    "AnnouncementRepository",
    "AnswerFileRepository",
    "AnswerRecord",
    "AttemptRecord",
    "BestScore",
    "CertificateRecord",
    "CertificateRepository",
    "ClaimedCopy",
    "ClaimedNotice",
    "CohortRecord",
    "CohortRepository",
    "ConsultationAnswerRecord",
    "ConsultationRecord",
    "ConsultationRepository",
    "Delivered",
    "DraftRecord",
    "DueReminder",
    "EventRepository",
    "FaqRepository",
    "FaqVoiceRepository",
    "FeedbackCount",
    "HeldRepository",
    "HeldRow",
    "InvitationRecord",
    "MemberRecord",
    "MessageRecord",
    "MissedQuestion",
    "ModuleCount",
    "NewRecording",
    "Outcome",
    "PollRecord",
    "ProcessedEventRepository",
    "ProgressRepository",
    "QuestionCount",
    "QuestionRecord",
    "QuizRepository",
    "Recipient",
    "RecordingRecord",
    "RecordingRepository",
    "ReminderCounts",
    "ReminderRecord",
    "ReminderRepository",
    "SeenCard",
    "UserRecord",
    "UserRepository",
]
