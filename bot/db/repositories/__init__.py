"""Repositories: queries only, never commit; they return frozen dataclasses."""

from bot.db.repositories.consultations import (
    AnswerRecord,
    ConsultationRecord,
    ConsultationRepository,
    Recipient,
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
    "AnswerRecord",
    "ConsultationRecord",
    "ConsultationRepository",
    "DueReminder",
    "EventRepository",
    "Outcome",
    "ProgressRepository",
    "Recipient",
    "ReminderCounts",
    "ReminderRecord",
    "ReminderRepository",
    "SeenCard",
    "UserRecord",
    "UserRepository",
]
