"""Quizzes against the in-memory unit of work: which answers count, scoring, the pass mark."""

from __future__ import annotations

import random

import pytest

from bot.errors import StaleButton
from bot.services import quizzes
from bot.services.quizzes import PollToSend, ScoreCard
from tests.unit.fakes import FakeDatabase, Tables
from tests.unit.small_course import NOW, small_course

COURSE = small_course()
LEARNER, OTHER = 1, 2
PLATFORM = "telegram"


@pytest.fixture
def db() -> FakeDatabase:
    db = FakeDatabase()
    db.add_user(LEARNER, NOW)
    db.add_user(OTHER, NOW)
    return db


async def _start(
    db: FakeDatabase, module_id: str = "m1", *, resume: bool = True, user: int = LEARNER
) -> PollToSend:
    return await quizzes.start(
        db.uow(), COURSE, user, "en", module_id, NOW, random.Random(7), resume=resume
    )


async def _sent(db: FakeDatabase, poll: PollToSend) -> str:
    """Send the question as a poll; return the poll's reference."""
    ref = f"poll-{poll.attempt_id}-{poll.position}"
    await quizzes.poll_sent(db.uow(), poll, PLATFORM, ref, NOW)
    return ref


async def _answer(
    db: FakeDatabase, ref: str, options: tuple[int, ...], user: int = LEARNER
) -> PollToSend | ScoreCard | None:
    answered = await quizzes.take_answer(
        db.uow(), COURSE, user, "en", PLATFORM, ref, options, NOW, random.Random(7)
    )
    return answered.next if answered is not None else None


def _wrong(poll: PollToSend) -> int:
    return next(i for i in range(len(poll.options)) if i != poll.correct)


async def _run(db: FakeDatabase, right: int, module_id: str = "m1") -> ScoreCard:
    """Take a whole quiz, answering the first `right` questions correctly."""
    poll: PollToSend | ScoreCard | None = await _start(db, module_id, resume=False)
    n = 0
    while isinstance(poll, PollToSend):
        ref = await _sent(db, poll)
        poll = await _answer(db, ref, (poll.correct if n < right else _wrong(poll),))
        n += 1
    assert isinstance(poll, ScoreCard)
    return poll


def _state(tables: Tables) -> tuple[object, ...]:
    return (tables.attempts, tables.quiz_answers, tables.events)


def test_the_pass_mark_is_eighty_percent() -> None:
    assert quizzes.passes(4, 5) and quizzes.passes(5, 5) and quizzes.passes(8, 10)
    assert not quizzes.passes(3, 5) and not quizzes.passes(7, 9)
    assert not quizzes.passes(0, 0), "an empty quiz passes nobody"


async def test_a_quiz_draws_five_questions_over_every_lesson(db: FakeDatabase) -> None:
    poll = await _start(db)
    attempt = db.committed.attempts[poll.attempt_id]
    assert attempt.total == quizzes.QUIZ_SIZE == len(set(attempt.question_ids))
    drawn = [COURSE.question("en", q) for q in attempt.question_ids]
    assert {q.lesson_id for q in drawn if q is not None} == {"m1a", "m1b", "m1c"}
    assert poll.options[poll.correct] == poll.question.options[poll.question.correct]
    assert [e.kind for e in db.committed.events] == ["quiz_started"]


async def test_starting_again_resumes_the_running_attempt(db: FakeDatabase) -> None:
    first = await _start(db)
    ref = await _sent(db, first)
    second = await _answer(db, ref, (first.correct,))
    assert isinstance(second, PollToSend)
    again = await _start(db)
    assert (again.attempt_id, again.position) == (first.attempt_id, 1)
    assert len(db.committed.attempts) == 1


async def test_a_question_sent_again_keeps_its_option_order(db: FakeDatabase) -> None:
    """A channel that names a question by attempt and position sends it again under the
    same reference: the earlier copy, picked late, must still mean what it showed."""
    first = await _start(db)
    await quizzes.poll_sent(db.uow(), first, "whatsapp", "1:0", NOW)
    for seed in range(5):
        again = await quizzes.start(
            db.uow(), COURSE, LEARNER, "en", "m1", NOW, random.Random(seed)
        )
        assert again.order == first.order
        await quizzes.poll_sent(db.uow(), again, "whatsapp", "1:0", NOW)
    record = db.committed.polls[("whatsapp", "1:0")]
    assert record.option_order == first.order


async def test_a_new_start_abandons_the_running_attempt(db: FakeDatabase) -> None:
    first = await _start(db)
    fresh = await _start(db, resume=False)
    other_module = await _start(db, "m2")
    statuses = {a.id: a.status for a in db.committed.attempts.values()}
    assert statuses == {
        first.attempt_id: "abandoned",
        fresh.attempt_id: "abandoned",
        other_module.attempt_id: "running",
    }


async def test_an_unknown_module_is_a_stale_button(db: FakeDatabase) -> None:
    with pytest.raises(StaleButton):
        await _start(db, "m9")
    assert not db.committed.attempts


async def test_answers_that_do_not_count_are_ignored_and_change_nothing(
    db: FakeDatabase,
) -> None:
    poll = await _start(db)
    ref = await _sent(db, poll)
    before = _state(db.committed)
    assert await _answer(db, "no-such-poll", (0,)) is None
    assert await _answer(db, ref, ()) is None, "a retracted vote"
    assert await _answer(db, ref, (0, 1)) is None, "two options"
    assert await _answer(db, ref, (3,)) is None, "an option the poll does not have"
    assert await _answer(db, ref, (poll.correct,), user=OTHER) is None, "someone else's poll"
    assert _state(db.committed) == before


async def test_a_question_answered_twice_counts_once(db: FakeDatabase) -> None:
    poll = await _start(db)
    ref = await _sent(db, poll)
    assert isinstance(await _answer(db, ref, (poll.correct,)), PollToSend)
    before = _state(db.committed)
    uow = db.uow()
    again = await quizzes.take_answer(
        uow, COURSE, LEARNER, "en", PLATFORM, ref, (poll.correct,), NOW, random.Random(7)
    )
    assert again is None and uow.commits == 0
    assert _state(db.committed) == before
    assert db.committed.attempts[poll.attempt_id].score == 1


async def test_an_answer_to_an_abandoned_attempt_is_ignored(db: FakeDatabase) -> None:
    old = await _start(db)
    ref = await _sent(db, old)
    await _start(db, resume=False)
    assert await _answer(db, ref, (old.correct,)) is None
    assert not db.committed.quiz_answers


async def test_an_answer_to_an_earlier_question_is_ignored(db: FakeDatabase) -> None:
    """A poll of position 0 answered late, once the attempt moved on, must not count as the
    answer to position 1."""
    first = await _start(db)
    old_ref = await _sent(db, first)
    second = await _answer(db, old_ref, (first.correct,))
    assert isinstance(second, PollToSend) and second.position == 1
    db.committed.polls[(PLATFORM, "stale")] = db.committed.polls[(PLATFORM, old_ref)]
    assert await _answer(db, "stale", (first.correct,)) is None
    assert db.committed.attempts[first.attempt_id].position == 1


async def test_each_answer_is_committed_before_the_next_question(db: FakeDatabase) -> None:
    poll = await _start(db)
    ref = await _sent(db, poll)
    uow = db.uow()
    answered = await quizzes.take_answer(
        uow, COURSE, LEARNER, "en", PLATFORM, ref, (_wrong(poll),), NOW, random.Random(7)
    )
    assert answered is not None and answered.correct is False
    assert answered.question.id == db.committed.attempts[poll.attempt_id].question_ids[0]
    nxt = answered.next
    assert isinstance(nxt, PollToSend)
    assert (nxt.attempt_id, nxt.position, nxt.total) == (poll.attempt_id, 1, 5)
    assert nxt.question.id == db.committed.attempts[poll.attempt_id].question_ids[1]
    assert uow.commits == 1
    (answer,) = db.committed.quiz_answers.values()
    assert answer.correct is False and answer.chosen == poll.order[_wrong(poll)]


async def test_four_of_five_passes_and_the_score_card_reviews_the_misses(
    db: FakeDatabase,
) -> None:
    card = await _run(db, right=4)
    assert (card.score, card.total, card.passed) == (4, 5, True)
    attempt = next(iter(db.committed.attempts.values()))
    missed = COURSE.question("en", attempt.question_ids[4])
    assert missed is not None
    assert [lesson.id for lesson in card.review] == [missed.lesson_id]
    assert attempt.status == "finished" and attempt.finished_at == NOW
    assert [e.data for e in db.committed.events if e.kind == "quiz_finished"] == [
        {"module": "m1", "score": 4, "total": 5}
    ]


async def test_three_of_five_fails(db: FakeDatabase) -> None:
    card = await _run(db, right=3)
    assert (card.score, card.passed) == (3, False)
    assert len(card.review) >= 1
    order = [lesson.id for lesson in card.module.lessons]
    assert [lesson.id for lesson in card.review] == sorted(
        (lesson.id for lesson in card.review), key=order.index
    ), "in course order"


async def test_the_certificate_waits_for_every_module_passed(db: FakeDatabase) -> None:
    first = await _run(db, right=5, module_id="m1")
    assert first.passed and not first.all_passed
    failed = await _run(db, right=2, module_id="m2")
    assert not failed.passed and not failed.all_passed
    passed = await _run(db, right=4, module_id="m2")
    assert passed.total == 4, "a bank of four gives a quiz of four"
    assert passed.passed and passed.all_passed
    results = await quizzes.results(db.uow(), COURSE, LEARNER, "en")
    assert [(m.id, best) for m, best in results] == [("m1", (5, 5)), ("m2", (4, 4))]


async def test_a_later_worse_pass_does_not_replace_the_best(db: FakeDatabase) -> None:
    await _run(db, right=5)
    await _run(db, right=4)
    results = {m.id: best for m, best in await quizzes.results(db.uow(), COURSE, 1, "en")}
    assert results == {"m1": (5, 5), "m2": None}
