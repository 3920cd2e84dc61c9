"""Telegram handlers, one module per feature, registered in one explicit order."""

from __future__ import annotations

from bot.channels.telegram.context import BotApplication
from handlers import (
    account,
    announcements,
    consultations,
    errors,
    fallback,
    faq,
    glossary,
    invitations,
    lessons,
    membership,
    menu,
    quizzes,
    reminders,
    start,
    trainers,
)


def register(app: BotApplication) -> None:
    """Add every handler. Order matters: within group 0 the first match wins.

    Feature handlers come first; `fallback` catches what none of them took (free text,
    unknown commands, stale buttons), so it must stay last.
    """
    features = (start, menu, lessons, glossary, account, reminders, invitations, quizzes)
    for feature in (*features, consultations, announcements, trainers, faq, membership):
        app.add_handlers(feature.handlers(), group=0)
    app.add_handlers(fallback.handlers(), group=0)
    app.add_error_handler(errors.on_error)
