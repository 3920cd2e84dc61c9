"""Questions to a person against the in-memory unit of work: the limit, who answers whom."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.ratelimits.counters import LocalCounter
from bot.services import faq
from bot.services.faq import (
    NotYourQuestion,
    QuestionTooLong,
    ReplyTooLong,
    TakenByAnother,
    TooManyQuestions,
)
from bot.services.faq_search import FaqIndex
from tests.unit.fakes import FakeDatabase
from tests.unit.small_course import NOW, small_course

INDEX = FaqIndex(small_course())
LEARNER, OTHER, STAFF, SECOND_STAFF = 1, 2, 10, 20


@pytest.fixture
def db() -> FakeDatabase:
    db = FakeDatabase()
    db.add_user(LEARNER, NOW)
    db.add_user(OTHER, NOW)
    db.add_user(STAFF, NOW, role="trainer")
    db.add_user(SECOND_STAFF, NOW, role="admin")
    return db


def _limit() -> LocalCounter:
    return LocalCounter(faq.ASK_LIMIT, faq.ASK_WINDOW)


async def _ask(
    db: FakeDatabase,
    limit: LocalCounter,
    text: str = "Where do I send a complaint form?",
    **at: int,
) -> faq.QuestionRecord:
    user = db.committed.users[LEARNER]
    asked = await faq.send_to_person(
        db.uow(), user, "en", text, INDEX, NOW + timedelta(**at), limit, frozenset()
    )
    return asked.question


async def test_a_question_is_queued_with_what_the_faq_found(db: FakeDatabase) -> None:
    question = await _ask(db, _limit(), "  Where do I send a complaint form?  ")
    stored = db.committed.faq_questions[question.id]
    assert (stored.user_id, stored.status, stored.text) == (
        LEARNER,
        "open",
        "Where do I send a complaint form?",
    )
    assert stored.best_entry_id == "how-to-complain" and stored.best_score
    assert [(e.kind, e.data) for e in db.committed.events] == [
        ("faq_question", {"question": question.id})
    ]
    assert sorted(db.committed.faq_notices) == [
        (question.id, None, STAFF),
        (question.id, None, SECOND_STAFF),
    ], "one notice per staff member, in the question's commit, for the job to send"


async def test_the_sixth_question_in_an_hour_is_refused_and_stored_nowhere(
    db: FakeDatabase,
) -> None:
    limit = _limit()
    for minute in range(faq.ASK_LIMIT):
        await _ask(db, limit, minutes=minute)
    with pytest.raises(TooManyQuestions):
        await _ask(db, limit, minutes=30)
    assert len(db.committed.faq_questions) == faq.ASK_LIMIT
    assert len(db.committed.events) == faq.ASK_LIMIT
    await _ask(db, limit, minutes=60)
    assert len(db.committed.faq_questions) == faq.ASK_LIMIT + 1, "an hour after the first"


async def test_an_overlong_question_is_refused_without_using_up_a_try(db: FakeDatabase) -> None:
    limit = LocalCounter(1, faq.ASK_WINDOW)
    with pytest.raises(QuestionTooLong):
        await _ask(db, limit, "a" * (faq.MAX_QUESTION + 1))
    await _ask(db, limit, "a" * faq.MAX_QUESTION)
    assert len(db.committed.faq_questions) == 1


async def test_the_first_person_to_reply_takes_the_question(db: FakeDatabase) -> None:
    question = await _ask(db, _limit())
    replied = await faq.reply(db.uow(), question.id, STAFF, "Here is how.", NOW)
    assert (replied.status, replied.taken_by) == ("answered", STAFF)
    await faq.answer_back(db.uow(), question.id, LEARNER, "Thank you, and then?", NOW, frozenset())
    assert db.committed.faq_questions[question.id].status == "open", "open again for staff"
    with pytest.raises(TakenByAnother):
        await faq.reply(db.uow(), question.id, SECOND_STAFF, "Then wait.", NOW)
    again = await faq.reply(db.uow(), question.id, STAFF, "Then wait.", NOW)
    assert again.taken_by == STAFF
    assert [(m.sender_id, m.from_learner) for m in db.committed.faq_messages] == [
        (STAFF, False),
        (LEARNER, True),
        (STAFF, False),
    ], "the second person's reply reached nobody"


async def test_only_the_asker_answers_back(db: FakeDatabase) -> None:
    question = await _ask(db, _limit())
    await faq.reply(db.uow(), question.id, STAFF, "Here is how.", NOW)
    with pytest.raises(NotYourQuestion):
        await faq.answer_back(db.uow(), question.id, OTHER, "Me too", NOW, frozenset())
    assert db.committed.faq_questions[question.id].status == "answered"
    assert len(db.committed.faq_messages) == 1


async def test_an_overlong_reply_is_refused(db: FakeDatabase) -> None:
    question = await _ask(db, _limit())
    with pytest.raises(ReplyTooLong):
        await faq.reply(db.uow(), question.id, STAFF, "a" * (faq.MAX_REPLY + 1), NOW)
    with pytest.raises(ReplyTooLong):
        await faq.answer_back(
            db.uow(), question.id, LEARNER, "a" * (faq.MAX_REPLY + 1), NOW, frozenset()
        )
    assert db.committed.faq_questions[question.id].taken_by is None
    assert db.committed.faq_messages == []
