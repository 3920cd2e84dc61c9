"""Consultation answers against the in-memory unit of work: when, whose, how many.

`check_answer` and the hourly counter on their own are tested in test_consultations.py;
here the rules `submit`, `change_answer` and `withdraw` apply around them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.content.consultations import ConsultationSpec, ConsultationText, Section
from bot.errors import StaleButton
from bot.ratelimits.counters import LocalCounter
from bot.services import consultations
from bot.services.answer_limit import WINDOW, AnswerLimit
from bot.services.consultations import (
    AlreadyPublished,
    Answer,
    CloseDatePassed,
    ConsultationClosed,
    NotOpenYet,
    TooManyAnswers,
)
from tests.unit.fakes import FakeDatabase

OPENS = datetime(2027, 3, 1, tzinfo=UTC)
CLOSES = datetime(2027, 4, 30, tzinfo=UTC)
DURING = OPENS + timedelta(days=3, hours=10, minutes=17)
AUTHOR, OTHER = 1, 2
SPEC = ConsultationSpec(
    id="c-1",
    practice=True,
    opens_at=OPENS,
    closes_at=CLOSES,
    draft_url="https://aluminium-stewardship.org/asi-standards",
    draft_file=None,
    texts={
        "en": ConsultationText(
            "Draft",
            "What changes.",
            (Section("1", "One", "s", "Q?"), Section("2", "Two", "s", "Q?")),
        )
    },
)
TEXT = Answer("text", text="More time to answer, please.")


@pytest.fixture
async def db() -> FakeDatabase:
    db = FakeDatabase()
    db.add_user(AUTHOR, OPENS)
    db.add_user(OTHER, OPENS)
    await consultations.publish(db.uow(), {"c-1": SPEC}, "c-1", OPENS - timedelta(days=1))
    return db


def _id(db: FakeDatabase) -> int:
    (consultation_id,) = db.committed.consultations
    return consultation_id


async def _submit(
    db: FakeDatabase,
    *,
    limit: AnswerLimit | None = None,
    anonymous: bool = False,
    user: int = AUTHOR,
    now: datetime = DURING,
    section: int = 0,
    stance: str = "concern",
) -> consultations.Receipt:
    return await consultations.submit(
        db.uow(),
        AnswerLimit() if limit is None else limit,
        consultation_id=_id(db),
        section=section,
        stance=stance,
        answer=TEXT,
        language="en",
        user_id=user,
        anonymous=anonymous,
        author_name="Ana" if not anonymous else None,
        now=now,
    )


async def test_publishing_before_the_open_date_schedules(db: FakeDatabase) -> None:
    assert db.committed.consultations[_id(db)].status == "scheduled"
    with pytest.raises(AlreadyPublished):
        await consultations.publish(db.uow(), {"c-1": SPEC}, "c-1", DURING)
    with pytest.raises(CloseDatePassed):
        await consultations.publish(db.uow(), {"c-2": SPEC}, "c-2", CLOSES)
    with pytest.raises(StaleButton):
        await consultations.publish(db.uow(), {"c-1": SPEC}, "c-9", DURING)
    assert len(db.committed.consultations) == 1


async def test_a_named_answer_is_stored_with_its_author_and_only_the_date(
    db: FakeDatabase,
) -> None:
    receipt = await _submit(db)
    (stored,) = db.committed.consultation_answers.values()
    assert (stored.user_id, stored.author_name, stored.text) == (AUTHOR, "Ana", TEXT.text)
    assert stored.submitted_on == DURING.date()
    assert receipt.reference == consultations.reference(_id(db), stored.number)
    assert not receipt.anonymous and receipt.closes_at == CLOSES
    assert db.committed.events == [], "no answer goes to the event log"


async def test_an_anonymous_answer_is_held_sealed_and_names_nobody(db: FakeDatabase) -> None:
    receipt = await _submit(db, anonymous=True)
    assert receipt.anonymous
    assert db.committed.consultation_answers == {}, "not written while its author is about"
    (row,) = await db.uow().held.all()
    assert row.payload is not None
    assert "user_id" not in row.payload and "author_name" not in row.payload
    assert consultations.reference(_id(db), row.payload["number"]) == receipt.reference
    assert str(AUTHOR) != row.payload["author"], "the author is a keyed pseudonym"
    assert db.committed.events == []
    assert await consultations.my_answers(db.uow(), AUTHOR) == [], "nobody can find it again"


async def test_answers_come_only_while_the_consultation_is_open(db: FakeDatabase) -> None:
    with pytest.raises(NotOpenYet):
        await _submit(db, now=OPENS - timedelta(seconds=1))
    with pytest.raises(ConsultationClosed):
        await _submit(db, now=CLOSES)
    with pytest.raises(ConsultationClosed):
        await _submit(db, now=CLOSES, anonymous=True)
    await _submit(db, now=OPENS)
    await _submit(db, now=CLOSES - timedelta(seconds=1))
    assert len(db.committed.consultation_answers) == 2
    assert db.committed.held == {}


@pytest.mark.parametrize(("section", "stance"), [(2, "agree"), (-1, "agree"), (0, "love")])
async def test_a_forged_section_or_stance_is_a_stale_button(
    db: FakeDatabase, section: int, stance: str
) -> None:
    with pytest.raises(StaleButton):
        await _submit(db, section=section, stance=stance)
    assert db.committed.consultation_answers == {}


async def test_the_hourly_limit_counts_stored_answers_only(db: FakeDatabase) -> None:
    limit = AnswerLimit(LocalCounter(2, WINDOW))
    with pytest.raises(ConsultationClosed):
        await _submit(db, limit=limit, now=CLOSES)
    await _submit(db, limit=limit)
    await _submit(db, limit=limit, anonymous=True)
    with pytest.raises(TooManyAnswers):
        await _submit(db, limit=limit)
    with pytest.raises(TooManyAnswers):
        await _submit(db, limit=limit, anonymous=True)
    assert len(db.committed.consultation_answers) == 1 and len(db.committed.held) == 1
    await _submit(db, limit=limit, user=OTHER)
    await _submit(db, limit=limit, now=DURING + timedelta(hours=1))


async def test_only_the_author_changes_a_named_answer_while_open(db: FakeDatabase) -> None:
    receipt = await _submit(db)
    ((_, number),) = db.committed.consultation_answers
    new = Answer("voice", file_id="VOICE-1", mime_type="audio/ogg", file_platform="telegram")

    async def change(user: int, now: datetime, limit: AnswerLimit | None = None) -> str:
        changed = await consultations.change_answer(
            db.uow(),
            AnswerLimit() if limit is None else limit,
            user_id=user,
            consultation_id=_id(db),
            number=number,
            answer=new,
            now=now,
        )
        return changed.reference

    with pytest.raises(StaleButton):
        await change(OTHER, DURING)
    with pytest.raises(ConsultationClosed):
        await change(AUTHOR, CLOSES)
    full = AnswerLimit(LocalCounter(1, WINDOW))
    await full.note(AUTHOR, DURING)
    with pytest.raises(TooManyAnswers):
        await change(AUTHOR, DURING, full)
    assert db.committed.consultation_answers[(_id(db), number)].kind == "text"
    later = DURING + timedelta(days=2)
    assert await change(AUTHOR, later) == receipt.reference, "the same reference"
    stored = db.committed.consultation_answers[(_id(db), number)]
    assert (stored.kind, stored.text, stored.file_id, stored.stance) == (
        "voice",
        None,
        "VOICE-1",
        "concern",
    )
    assert stored.submitted_on == later.date()


async def test_only_the_author_withdraws_a_named_answer_before_the_close(
    db: FakeDatabase,
) -> None:
    receipt = await _submit(db)
    ((_, number),) = db.committed.consultation_answers
    with pytest.raises(StaleButton):
        await consultations.withdraw(db.uow(), OTHER, _id(db), number, DURING)
    with pytest.raises(ConsultationClosed):
        await consultations.withdraw(db.uow(), AUTHOR, _id(db), number, CLOSES)
    with pytest.raises(StaleButton):
        await consultations.withdraw(db.uow(), AUTHOR, _id(db), number + 1, DURING)
    assert len(db.committed.consultation_answers) == 1
    assert await consultations.withdraw(db.uow(), AUTHOR, _id(db), number, DURING) == (
        receipt.reference
    )
    assert db.committed.consultation_answers == {}
    with pytest.raises(StaleButton):
        await consultations.withdraw(db.uow(), AUTHOR, _id(db), number, DURING)
