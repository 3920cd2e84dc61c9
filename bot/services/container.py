"""The typed dependency container, built once in post_init and reached via the context."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from bot.config import Settings
from bot.content import Course
from bot.db.uow import UnitOfWork
from bot.i18n import I18n
from bot.services.faq_search import FaqIndex
from bot.services.zones import ZoneIndex


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
    # built in post_init from the course; `faq` builds it on first use where nobody did
    faq_index: FaqIndex | None = None

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.session_factory)

    def is_admin(self, user_id: int) -> bool:
        return user_id in self.settings.admin_ids

    @property
    def faq(self) -> FaqIndex:
        if self.faq_index is None:
            self.faq_index = FaqIndex(self.course)
        return self.faq_index
