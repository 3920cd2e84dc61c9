"""The features, one module per feature; each adds its routes to one router.

A feature's module knows no channel: it reads the turn's event and answers with screens
through the turn's replies. `fallback` takes what no feature's route took (typed text and
files, unknown commands, stale buttons) and hands typed text to the feature that waits.
"""

from __future__ import annotations

from bot.conversation.router import Router
from handlers import (
    account,
    announcements,
    consultations,
    fallback,
    faq,
    glossary,
    invitations,
    lessons,
    menu,
    quizzes,
    recordings,
    reminders,
    start,
    trainers,
)

FEATURES = (
    start,
    menu,
    lessons,
    glossary,
    account,
    reminders,
    invitations,
    quizzes,
    consultations,
    announcements,
    trainers,
    faq,
    recordings,
    fallback,
)


def build_router() -> Router:
    """Every feature's routes in one router (a command or an action has one handler)."""
    router = Router()
    for feature in FEATURES:
        feature.routes(router)
    return router
