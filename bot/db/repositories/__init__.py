"""Repositories: queries only, never commit; they return frozen dataclasses."""

from bot.db.repositories.events import EventRepository
from bot.db.repositories.faq import (
    DraftRecord,
    FaqRepository,
    FeedbackCount,
    QuestionRecord,
)
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
    "DraftRecord",
    "DueReminder",
    "EventRepository",
    "FaqRepository",
    "FeedbackCount",
    "Outcome",
    "ProgressRepository",
    "QuestionRecord",
    "ReminderCounts",
    "ReminderRecord",
    "ReminderRepository",
    "SeenCard",
    "UserRecord",
    "UserRepository",
]
