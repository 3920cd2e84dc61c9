"""Repositories: queries only, never commit; they return frozen dataclasses."""

from bot.db.repositories.announcements import (
    AnnouncementRecord,
    AnnouncementRepository,
    ClaimedCopy,
    Delivered,
)
from bot.db.repositories.cohorts import (
    BestScore,
    CohortRecord,
    CohortRepository,
    InvitationRecord,
    MemberRecord,
    MissedQuestion,
)
from bot.db.repositories.events import EventRepository
from bot.db.repositories.progress import ProgressRepository, SeenCard
from bot.db.repositories.reminders import (
    DueReminder,
    Outcome,
    ReminderCounts,
    ReminderRecord,
    ReminderRepository,
)
from bot.db.repositories.users import UserRecord, UserRepository

__all__ = [
    "AnnouncementRecord",
    "AnnouncementRepository",
    "BestScore",
    "ClaimedCopy",
    "CohortRecord",
    "CohortRepository",
    "Delivered",
    "DueReminder",
    "EventRepository",
    "InvitationRecord",
    "MemberRecord",
    "MissedQuestion",
    "Outcome",
    "ProgressRepository",
    "ReminderCounts",
    "ReminderRecord",
    "ReminderRepository",
    "SeenCard",
    "UserRecord",
    "UserRepository",
]
