"""Announcements against the in-memory unit of work: whose draft, whose cohorts, how many."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from bot.db.repositories import AnnouncementContent
from bot.errors import NotYourCohort, StaleButton
from bot.services import announcements, cohorts
from tests.unit.fakes import FakeDatabase
from tests.unit.small_course import NOW

TRAINER, OTHER_TRAINER, ADMIN = 10, 20, 30
LATER = NOW + timedelta(hours=2)


@pytest.fixture
def db() -> FakeDatabase:
    db = FakeDatabase()
    db.add_user(TRAINER, NOW, role="trainer")
    db.add_user(OTHER_TRAINER, NOW, role="trainer")
    db.add_user(ADMIN, NOW, role="admin")
    for learner in (1, 2, 3, 4):
        db.add_user(learner, NOW)
    db.add_user(5, NOW, consent=False)  # never finished onboarding
    return db


async def _cohort(db: FakeDatabase, trainer: int, *members: int) -> int:
    card = await cohorts.create_cohort(db.uow(), trainer, f"c{trainer}", "en", None, NOW)
    for member in members:
        await cohorts.join(db.uow(), member, card.code, f"m{member}", NOW)
    return card.cohort.id


async def _draft(db: FakeDatabase, author: int = TRAINER) -> int:
    content = AnnouncementContent("text", "Meeting on <b>Friday</b>")
    return await announcements.start_draft(db.uow(), author, content, NOW)


async def test_a_draft_counts_the_members_of_the_chosen_cohorts_once(db: FakeDatabase) -> None:
    a = await _cohort(db, TRAINER, 1, 2)
    b = await _cohort(db, TRAINER, 2, 3, TRAINER)
    draft_id = await _draft(db)
    draft = await announcements.draft(db.uow(), TRAINER, draft_id, False)
    assert draft.audience == 0 and [c.id for c in draft.cohorts] == [a, b]
    draft = await announcements.toggle_cohort(db.uow(), TRAINER, draft_id, a, False)
    assert draft.audience == 2
    draft = await announcements.toggle_cohort(db.uow(), TRAINER, draft_id, b, False)
    assert draft.audience == 3, "learner 2 is in both; the author is not their own audience"
    draft = await announcements.toggle_cohort(db.uow(), TRAINER, draft_id, a, False)
    assert draft.announcement.cohort_ids == [b] and draft.audience == 2


async def test_another_trainers_cohort_cannot_be_chosen(db: FakeDatabase) -> None:
    theirs = await _cohort(db, OTHER_TRAINER, 4)
    draft_id = await _draft(db)
    for cohort_id in (theirs, 999):
        with pytest.raises(NotYourCohort):
            await announcements.toggle_cohort(db.uow(), TRAINER, draft_id, cohort_id, True)
    assert db.committed.announcements[draft_id].cohort_ids == []


async def test_a_cohort_given_away_no_longer_counts(db: FakeDatabase) -> None:
    """The audience is the author's cohorts at sending time, not the ids on the draft."""
    a = await _cohort(db, TRAINER, 1, 2)
    draft_id = await _draft(db)
    await announcements.toggle_cohort(db.uow(), TRAINER, draft_id, a, False)
    db.committed.cohorts[a] = replace(db.committed.cohorts[a], trainer_id=OTHER_TRAINER)
    assert (await announcements.draft(db.uow(), TRAINER, draft_id, False)).audience == 0


async def test_only_the_author_sees_or_changes_a_draft(db: FakeDatabase) -> None:
    a = await _cohort(db, TRAINER, 1)
    draft_id = await _draft(db)
    with pytest.raises(StaleButton):
        await announcements.draft(db.uow(), OTHER_TRAINER, draft_id, False)
    with pytest.raises(StaleButton):
        await announcements.toggle_cohort(db.uow(), OTHER_TRAINER, draft_id, a, False)
    with pytest.raises(StaleButton):
        await announcements.toggle_everyone(db.uow(), ADMIN, draft_id, True)
    with pytest.raises(StaleButton):
        await announcements.send_at(db.uow(), OTHER_TRAINER, draft_id, LATER, False)
    with pytest.raises(StaleButton):
        await announcements.cancel(db.uow(), OTHER_TRAINER, draft_id)
    with pytest.raises(StaleButton):
        await announcements.draft(db.uow(), TRAINER, 424242, False)
    assert db.committed.announcements[draft_id].status == "draft"


async def test_only_admins_send_to_everyone(db: FakeDatabase) -> None:
    trainer_draft = await _draft(db)
    with pytest.raises(StaleButton):
        await announcements.toggle_everyone(db.uow(), TRAINER, trainer_draft, False)
    assert not db.committed.announcements[trainer_draft].everyone
    admin_draft = await _draft(db, ADMIN)
    draft = await announcements.toggle_everyone(db.uow(), ADMIN, admin_draft, True)
    # everyone who agreed to the terms, the author left out: trainers 10, 20, learners 1-4
    assert draft.announcement.everyone and draft.audience == 6
    assert (await announcements.draft(db.uow(), ADMIN, admin_draft, False)).audience == 0, (
        "an author who is no longer an admin reaches no one through 'everyone'"
    )
    with pytest.raises(StaleButton):
        await announcements.send_at(db.uow(), ADMIN, admin_draft, LATER, False)


async def test_sending_schedules_once(db: FakeDatabase) -> None:
    a = await _cohort(db, TRAINER, 1)
    draft_id = await _draft(db)
    with pytest.raises(StaleButton):
        await announcements.send_at(db.uow(), TRAINER, draft_id, LATER, False)
    await announcements.toggle_cohort(db.uow(), TRAINER, draft_id, a, False)
    sent = await announcements.send_at(db.uow(), TRAINER, draft_id, LATER, False, "msg-9")
    assert sent.announcement.status == "scheduled"
    stored = db.committed.announcements[draft_id]
    assert (stored.status, stored.scheduled_at, stored.progress_ref) == (
        "scheduled",
        LATER,
        "msg-9",
    )
    with pytest.raises(StaleButton):
        await announcements.send_at(db.uow(), TRAINER, draft_id, NOW, False)
    with pytest.raises(StaleButton):
        await announcements.toggle_cohort(db.uow(), TRAINER, draft_id, a, False)
    assert db.committed.announcements[draft_id].scheduled_at == LATER


async def test_cancelling_works_until_delivery_starts(db: FakeDatabase) -> None:
    a = await _cohort(db, TRAINER, 1)
    draft_id, scheduled_id, started_id = await _draft(db), await _draft(db), await _draft(db)
    for announcement_id in (scheduled_id, started_id):
        await announcements.toggle_cohort(db.uow(), TRAINER, announcement_id, a, False)
        await announcements.send_at(db.uow(), TRAINER, announcement_id, LATER, False)
    row = db.committed.announcements[started_id]
    db.committed.announcements[started_id] = replace(row, status="sending", started_at=LATER)
    assert await announcements.cancel(db.uow(), TRAINER, draft_id)
    assert await announcements.cancel(db.uow(), TRAINER, scheduled_id)
    assert not await announcements.cancel(db.uow(), TRAINER, started_id)
    assert [
        db.committed.announcements[i].status for i in (draft_id, scheduled_id, started_id)
    ] == [
        "cancelled",
        "cancelled",
        "sending",
    ]
