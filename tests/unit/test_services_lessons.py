"""Lessons against the in-memory unit of work: where a learner resumes, and what is kept."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.errors import StaleButton
from bot.services import lessons
from tests.unit.fakes import FakeDatabase
from tests.unit.small_course import NOW, small_course

COURSE = small_course()
LEARNER = 1


@pytest.fixture
def db() -> FakeDatabase:
    db = FakeDatabase()
    db.add_user(LEARNER, NOW)
    return db


async def _seen(db: FakeDatabase, *card_ids: str) -> None:
    """The learner opened these cards, a minute apart, in this order."""
    for i, card_id in enumerate(card_ids):
        await lessons.open_card(
            db.uow(), COURSE, LEARNER, "en", card_id, NOW + timedelta(minutes=i)
        )


async def test_a_card_is_committed_as_seen_before_it_is_shown(db: FakeDatabase) -> None:
    uow = db.uow()
    place = await lessons.open_card(uow, COURSE, LEARNER, "fr", "m1b-1", NOW)
    assert place.card.id == "m1b-1" and place.module.title == "fr m1", "in the reader's language"
    assert uow.commits == 1
    assert (LEARNER, "m1b-1") in db.committed.card_progress


async def test_an_unknown_card_is_a_stale_button_and_changes_nothing(db: FakeDatabase) -> None:
    uow = db.uow()
    with pytest.raises(StaleButton):
        await lessons.open_card(uow, COURSE, LEARNER, "en", "m9z-1", NOW)
    assert uow.commits == 0 and not uow.tables.card_progress


async def test_resume_opens_the_exact_card_last_seen(db: FakeDatabase) -> None:
    await _seen(db, "m1a-1", "m1a-2", "m2a-1", "m1b-2")
    place = await lessons.resume(db.uow(), COURSE, LEARNER, "en", NOW + timedelta(hours=1))
    assert place.card.id == "m1b-2"


async def test_going_back_to_an_old_card_makes_it_the_place_to_resume(db: FakeDatabase) -> None:
    await _seen(db, "m1a-1", "m1a-2", "m1b-1", "m1a-1")
    place = await lessons.resume(db.uow(), COURSE, LEARNER, "en", NOW + timedelta(hours=1))
    assert place.card.id == "m1a-1", "the last view counts, not the first"


async def test_resume_with_no_progress_starts_at_the_first_card(db: FakeDatabase) -> None:
    place = await lessons.resume(db.uow(), COURSE, LEARNER, "en", NOW)
    assert place.card.id == "m1a-1"
    assert db.committed.card_progress.keys() == {(LEARNER, "m1a-1")}


async def test_resume_past_a_card_the_course_no_longer_has_starts_over(db: FakeDatabase) -> None:
    uow = db.uow()
    await uow.progress.save_seen(LEARNER, "m1-removed", "m1", NOW)
    await uow.commit()
    place = await lessons.resume(db.uow(), COURSE, LEARNER, "en", NOW + timedelta(minutes=1))
    assert place.card.id == "m1a-1"


async def test_a_module_opens_where_the_learner_last_was_in_it(db: FakeDatabase) -> None:
    await _seen(db, "m1a-1", "m1b-2", "m2a-2", "m2b-1")
    later = NOW + timedelta(hours=1)
    assert (await lessons.open_module(db.uow(), COURSE, LEARNER, "en", "m1", later)).card.id == (
        "m1b-2"
    ), "not the newest card of the course, the newest of this module"
    assert (await lessons.open_module(db.uow(), COURSE, LEARNER, "en", "m2", later)).card.id == (
        "m2b-1"
    )


async def test_a_module_never_opened_starts_at_its_first_card(db: FakeDatabase) -> None:
    await _seen(db, "m1a-1", "m1a-2")
    place = await lessons.open_module(db.uow(), COURSE, LEARNER, "en", "m2", NOW)
    assert place.card.id == "m2a-1"


async def test_an_unknown_module_is_a_stale_button(db: FakeDatabase) -> None:
    uow = db.uow()
    with pytest.raises(StaleButton):
        await lessons.open_module(uow, COURSE, LEARNER, "en", "m9", NOW)
    with pytest.raises(StaleButton):
        await lessons.finish_module(uow, COURSE, LEARNER, "en", "m9", NOW)
    assert uow.commits == 0 and not uow.tables.events


async def test_finishing_a_module_is_logged_and_offers_the_next_one(db: FakeDatabase) -> None:
    uow = db.uow()
    finished = await lessons.finish_module(uow, COURSE, LEARNER, "fr", "m1", NOW)
    assert finished.module.title == "fr m1"
    assert finished.next_module is not None and finished.next_module.title == "fr m2"
    assert [(e.kind, e.data) for e in db.committed.events] == [
        ("module_finished", {"module": "m1"})
    ]
    last = await lessons.finish_module(db.uow(), COURSE, LEARNER, "fr", "m2", NOW)
    assert last.next_module is None


async def test_a_module_is_complete_only_when_every_card_was_seen(db: FakeDatabase) -> None:
    await _seen(db, "m1a-1", "m1a-2", "m1b-1", "m1b-2", "m1c-1", "m2a-1", "m2a-2", "m2b-1")
    items = await lessons.progress(db.uow(), COURSE, LEARNER, "en")
    assert [(p.module.id, p.seen, p.total, p.complete) for p in items] == [
        ("m1", 5, 6, False),
        ("m2", 3, 4, False),
    ]
    await _seen(db, "m1c-2", "m1c-2")
    items = await lessons.progress(db.uow(), COURSE, LEARNER, "en")
    assert [(p.seen, p.complete) for p in items] == [(6, True), (3, False)], "a card counts once"
