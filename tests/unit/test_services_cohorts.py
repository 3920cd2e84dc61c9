"""Cohorts and invitations against the in-memory unit of work: who may join, who sees what."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.errors import (
    BadCohortText,
    ExpiredInvitation,
    InvalidInvitation,
    NotYourCohort,
    StaleButton,
)
from bot.services import cohorts
from bot.services.cohorts import CohortCard
from tests.unit.fakes import FakeDatabase
from tests.unit.small_course import NOW, small_course

TRAINER, OTHER_TRAINER, ADMIN, LEARNER, SECOND = 10, 20, 30, 1, 2


@pytest.fixture
def db() -> FakeDatabase:
    db = FakeDatabase()
    db.add_user(TRAINER, NOW, role="trainer")
    db.add_user(OTHER_TRAINER, NOW, role="trainer")
    db.add_user(ADMIN, NOW, role="admin")
    db.add_user(LEARNER, NOW)
    db.add_user(SECOND, NOW)
    return db


async def _cohort(db: FakeDatabase, trainer: int = TRAINER) -> CohortCard:
    return await cohorts.create_cohort(db.uow(), trainer, "  Village\tnorth ", "fr", None, NOW)


async def test_a_cohort_is_created_with_a_code_valid_for_ninety_days(db: FakeDatabase) -> None:
    card = await _cohort(db)
    assert card.cohort.name == "Village north" and card.cohort.language == "fr"
    assert cohorts.CODE_RE.match(card.code)
    assert card.expires_at == NOW + timedelta(days=90)
    assert db.committed.invitations[card.code].cohort_id == card.cohort.id


async def test_a_cohort_needs_a_known_language_and_a_real_name(db: FakeDatabase) -> None:
    with pytest.raises(StaleButton):
        await cohorts.create_cohort(db.uow(), TRAINER, "Name", "xx", None, NOW)
    with pytest.raises(BadCohortText):
        await cohorts.create_cohort(db.uow(), TRAINER, " \u200b ", "en", None, NOW)
    assert not db.committed.cohorts and not db.committed.invitations


async def test_joining_twice_adds_the_member_once(db: FakeDatabase) -> None:
    card = await _cohort(db)
    cohort, added = await cohorts.join(db.uow(), LEARNER, card.code, "Ana", NOW)
    assert added and cohort.id == card.cohort.id
    cohort, added = await cohorts.join(db.uow(), LEARNER, card.code, "Ana", NOW)
    assert not added
    assert [e.kind for e in db.committed.events] == ["cohort_joined"]
    assert (await cohorts.own_cohort(db.uow(), TRAINER, card.cohort.id)).members == 1


async def test_a_cohort_code_serves_many_learners(db: FakeDatabase) -> None:
    card = await _cohort(db)
    await cohorts.join(db.uow(), LEARNER, card.code, "Ana", NOW)
    _, added = await cohorts.join(db.uow(), SECOND, card.code, "Bo", NOW + timedelta(days=1))
    assert added


@pytest.mark.parametrize("code", ["short", "x" * 16 + "!", "../../etc/passwd0", ""])
async def test_a_malformed_code_is_invalid(db: FakeDatabase, code: str) -> None:
    with pytest.raises(InvalidInvitation):
        await cohorts.join(db.uow(), LEARNER, code, "Ana", NOW)


async def test_a_well_formed_code_never_issued_is_invalid(db: FakeDatabase) -> None:
    await _cohort(db)
    with pytest.raises(InvalidInvitation):
        await cohorts.join(db.uow(), LEARNER, cohorts.new_code(), "Ana", NOW)
    assert not db.committed.members


async def test_an_expired_code_is_refused(db: FakeDatabase) -> None:
    card = await _cohort(db)
    assert card.expires_at is not None
    with pytest.raises(ExpiredInvitation):
        await cohorts.join(db.uow(), LEARNER, card.code, "Ana", card.expires_at)
    await cohorts.join(db.uow(), LEARNER, card.code, "Ana", card.expires_at - timedelta(seconds=1))


async def test_a_renewed_code_replaces_the_old_one(db: FakeDatabase) -> None:
    card = await _cohort(db)
    same = await cohorts.cohort_card(db.uow(), TRAINER, card.cohort.id, NOW)
    assert same.code == card.code, "no renewal asked: the live code"
    renewed = await cohorts.cohort_card(db.uow(), TRAINER, card.cohort.id, NOW, renew=True)
    assert renewed.code != card.code
    with pytest.raises(ExpiredInvitation):
        await cohorts.join(db.uow(), LEARNER, card.code, "Ana", NOW)
    _, added = await cohorts.join(db.uow(), LEARNER, renewed.code, "Ana", NOW)
    assert added


async def test_a_dead_code_is_replaced_when_the_card_is_shown(db: FakeDatabase) -> None:
    card = await _cohort(db)
    later = NOW + timedelta(days=91)
    fresh = await cohorts.cohort_card(db.uow(), TRAINER, card.cohort.id, later)
    assert fresh.code != card.code and fresh.expires_at == later + timedelta(days=90)


async def test_a_trainer_code_does_not_join_a_cohort(db: FakeDatabase) -> None:
    code = await cohorts.invite_trainer(db.uow(), ADMIN, NOW)
    with pytest.raises(InvalidInvitation):
        await cohorts.join(db.uow(), LEARNER, code, "Ana", NOW)
    card = await _cohort(db)
    user = db.committed.users[LEARNER]
    with pytest.raises(InvalidInvitation):
        await cohorts.become_trainer(db.uow(), user, card.code, NOW)
    assert db.committed.users[LEARNER].role == "learner"


async def test_a_trainer_invitation_works_once(db: FakeDatabase) -> None:
    code = await cohorts.invite_trainer(db.uow(), ADMIN, NOW)
    await cohorts.become_trainer(db.uow(), db.committed.users[LEARNER], code, NOW)
    assert db.committed.users[LEARNER].role == "trainer"
    assert db.committed.invitations[code].used_by == LEARNER
    with pytest.raises(ExpiredInvitation):
        await cohorts.become_trainer(db.uow(), db.committed.users[SECOND], code, NOW)
    assert db.committed.users[SECOND].role == "learner"


async def test_a_trainer_invitation_expires_after_a_week(db: FakeDatabase) -> None:
    code = await cohorts.invite_trainer(db.uow(), ADMIN, NOW)
    with pytest.raises(ExpiredInvitation):
        await cohorts.become_trainer(
            db.uow(), db.committed.users[LEARNER], code, NOW + timedelta(days=7)
        )
    assert db.committed.invitations[code].used_by is None


async def test_an_admin_who_opens_a_trainer_code_stays_admin(db: FakeDatabase) -> None:
    code = await cohorts.invite_trainer(db.uow(), ADMIN, NOW)
    await cohorts.become_trainer(db.uow(), db.committed.users[ADMIN], code, NOW)
    assert db.committed.users[ADMIN].role == "admin"


async def test_only_trainers_lose_the_trainer_role(db: FakeDatabase) -> None:
    assert await cohorts.remove_trainer(db.uow(), TRAINER, NOW)
    assert db.committed.users[TRAINER].role == "learner"
    assert not await cohorts.remove_trainer(db.uow(), ADMIN, NOW)
    assert not await cohorts.remove_trainer(db.uow(), 999, NOW)
    assert db.committed.users[ADMIN].role == "admin"


async def test_a_trainer_reaches_only_their_own_cohorts(db: FakeDatabase) -> None:
    mine = await _cohort(db)
    theirs = await _cohort(db, OTHER_TRAINER)
    course = small_course()
    assert [c.id for c in await cohorts.cohorts_of(db.uow(), TRAINER)] == [mine.cohort.id]
    for cohort_id in (theirs.cohort.id, 424242):
        with pytest.raises(NotYourCohort):
            await cohorts.own_cohort(db.uow(), TRAINER, cohort_id)
        with pytest.raises(NotYourCohort):
            await cohorts.cohort_card(db.uow(), TRAINER, cohort_id, NOW, renew=True)
        with pytest.raises(NotYourCohort):
            await cohorts.cohort_progress(db.uow(), course, TRAINER, cohort_id)
        with pytest.raises(NotYourCohort):
            await cohorts.most_missed(db.uow(), course, TRAINER, cohort_id)
    assert db.committed.invitations[theirs.code].revoked_at is None, "their code still works"


async def test_leaving_is_true_once(db: FakeDatabase) -> None:
    card = await _cohort(db)
    await cohorts.join(db.uow(), LEARNER, card.code, "Ana", NOW)
    assert [c.id for c in await cohorts.my_cohorts(db.uow(), LEARNER)] == [card.cohort.id]
    assert await cohorts.leave(db.uow(), LEARNER, card.cohort.id, NOW)
    assert not await cohorts.leave(db.uow(), LEARNER, card.cohort.id, NOW)
    assert [e.kind for e in db.committed.events] == ["cohort_joined", "cohort_left"]
    assert await cohorts.my_cohorts(db.uow(), LEARNER) == []
