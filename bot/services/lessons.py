"""Lessons and progress: open a card, resume, list modules, summarise progress.

A card is recorded as seen, and committed, before the caller renders it, so a crash after
the reply was sent never loses the learner's place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.content import CardPlace, Course, Module
from bot.db.uow import UnitOfWork
from bot.errors import StaleButton


@dataclass(frozen=True, slots=True)
class ModuleProgress:
    module: Module
    seen: int
    total: int

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.seen >= self.total


@dataclass(frozen=True, slots=True)
class ModuleFinished:
    module: Module
    next_module: Module | None


async def open_card(
    uow: UnitOfWork, course: Course, user_id: int, language: str, card_id: str, now: datetime
) -> CardPlace:
    """Show a card by id; unknown ids (stale or forged buttons) change nothing."""
    place = course.place(language, card_id)
    if place is None:
        raise StaleButton(card_id)
    # card_progress keeps first and last view of each card; a log row per tap would double
    # the writes of the busiest path for nothing the analytics lacks.
    await uow.progress.save_seen(user_id, card_id, place.module.id, now)
    await uow.commit()
    return place


async def resume(
    uow: UnitOfWork, course: Course, user_id: int, language: str, now: datetime
) -> CardPlace:
    """The exact card where the learner stopped, or the first card of the course."""
    last = await uow.progress.last_seen(user_id)
    card_id = last.card_id if last and course.has_card(last.card_id) else None
    if card_id is None:
        first_module = course.modules_in(language)[0]
        card_id = first_module.card_ids[0]
    return await open_card(uow, course, user_id, language, card_id, now)


async def open_module(
    uow: UnitOfWork, course: Course, user_id: int, language: str, module_id: str, now: datetime
) -> CardPlace:
    """Enter a module where the learner last was in it, or at its start."""
    first = course.first_card(module_id)
    if first is None:
        raise StaleButton(module_id)
    last = await uow.progress.last_seen(user_id, module_id)
    card_id = last.card_id if last and course.has_card(last.card_id) else first
    return await open_card(uow, course, user_id, language, card_id, now)


async def finish_module(
    uow: UnitOfWork, course: Course, user_id: int, language: str, module_id: str, now: datetime
) -> ModuleFinished:
    module = course.module(language, module_id)
    if module is None:
        raise StaleButton(module_id)
    await uow.events.add(user_id, "module_finished", now, {"module": module_id})
    await uow.commit()
    following = course.next_module(module_id)
    return ModuleFinished(
        module=module,
        next_module=course.module(language, following.id) if following else None,
    )


async def progress(
    uow: UnitOfWork, course: Course, user_id: int, language: str
) -> list[ModuleProgress]:
    seen = await uow.progress.seen_card_ids(user_id)
    return [
        ModuleProgress(module=m, seen=len(seen & set(m.card_ids)), total=len(m.card_ids))
        for m in course.modules_in(language)
    ]
