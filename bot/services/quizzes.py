"""Module quizzes: draw questions, take answers from polls, score, and the admins' figures.

Channel-free: a handler asks for the question to send, sends it (a Telegram quiz poll, a
WhatsApp list), then calls `poll_sent` with the channel's reference to it; the answer (a
poll answer, a picked choice) comes back through `take_answer`. Every step is committed
before the next question is sent, so a crash or restart never loses an answer.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

from bot.content import Course, Lesson, Module, Question
from bot.content.model import question_key
from bot.db.repositories import AttemptRecord
from bot.db.uow import UnitOfWork
from bot.errors import StaleButton

QUIZ_SIZE = 5
PASS_PERCENT = 80


def passes(score: int, total: int) -> bool:
    return total > 0 and score * 100 >= PASS_PERCENT * total


@dataclass(frozen=True, slots=True)
class PollToSend:
    """One question of an attempt, options in the order shown; `correct` indexes that order."""

    attempt_id: int
    position: int
    total: int
    question: Question
    order: tuple[int, ...]  # order[i] = bank index of the option shown at place i
    # The bridge language's name when the question is not translated yet into the learner's
    # language and is shown in the bridge instead.
    shown_in: str | None = None

    @property
    def options(self) -> tuple[str, ...]:
        return tuple(self.question.options[i] for i in self.order)

    @property
    def correct(self) -> int:
        return self.order.index(self.question.correct)


@dataclass(frozen=True, slots=True)
class ScoreCard:
    module: Module
    score: int
    total: int
    passed: bool
    review: tuple[Lesson, ...]  # lessons behind the wrong answers, in course order
    all_passed: bool  # every module's quiz passed: the certificate is offered


@dataclass(frozen=True, slots=True)
class Answered:
    """An answer taken: whether it was right and the question it answered (its right option
    and explanation, for a channel whose questions do not show them), then what comes next."""

    correct: bool
    question: Question
    next: PollToSend | ScoreCard


@dataclass(frozen=True, slots=True)
class QuestionStat:
    question: Question
    answered: int
    correct: int

    @property
    def share(self) -> float:
        return self.correct / self.answered if self.answered else 0.0


@dataclass(frozen=True, slots=True)
class ModuleStat:
    module: Module
    attempts: int
    finished: int
    passed: int


@dataclass(frozen=True, slots=True)
class QuizStats:
    questions: tuple[QuestionStat, ...]  # weakest first
    modules: tuple[ModuleStat, ...]


def draw(bank: tuple[Question, ...], rng: random.Random, size: int = QUIZ_SIZE) -> list[str]:
    """Pick `size` questions, spread over as many lessons as possible."""
    by_lesson: dict[str, list[Question]] = {}
    for question in bank:
        by_lesson.setdefault(question.lesson_id, []).append(question)
    pools = list(by_lesson.values())
    for pool in pools:
        rng.shuffle(pool)
    rng.shuffle(pools)
    picked: list[str] = []
    while len(picked) < min(size, len(bank)):
        for pool in pools:
            if pool and len(picked) < size:
                picked.append(pool.pop().id)
    rng.shuffle(picked)
    return picked


def _to_send(
    course: Course,
    language: str,
    attempt: AttemptRecord,
    rng: random.Random,
    sent: tuple[int, ...] | None = None,
) -> PollToSend:
    """The attempt's current question, its options shuffled, or in the order `sent` before
    (when it still fits the question): an earlier copy of the question, answered after it
    was sent again, must still mean the option it showed."""
    question = course.question(language, attempt.question_ids[attempt.position])
    if question is None:  # the bank changed under a running attempt: it cannot go on
        raise StaleButton(attempt.question_ids[attempt.position])
    order = list(range(len(question.options)))
    if sent is not None and sorted(sent) == order:
        order = list(sent)
    else:
        rng.shuffle(order)
    return PollToSend(
        attempt.id,
        attempt.position,
        attempt.total,
        question,
        tuple(order),
        course.shown_in(language, question_key(question.id)),
    )


async def start(
    uow: UnitOfWork,
    course: Course,
    user_id: int,
    language: str,
    module_id: str,
    now: datetime,
    rng: random.Random,
    *,
    resume: bool = True,
) -> PollToSend:
    """The question to send: the current one of a running attempt at this module (`resume`),
    else the first of a new draw; any other running attempt is abandoned."""
    if course.module(language, module_id) is None:
        raise StaleButton(module_id)
    running = await uow.quizzes.running(user_id)
    if resume and running is not None and running.module_id == module_id:
        sent = await uow.quizzes.order_sent(running.id, running.position)
        return _to_send(course, language, running, rng, sent)
    bank = course.questions(language, module_id)
    if not bank:
        raise StaleButton(module_id)
    await uow.quizzes.abandon_running(user_id)
    attempt = await uow.quizzes.add_attempt(user_id, module_id, draw(bank, rng), now)
    await uow.events.add(user_id, "quiz_started", now, {"module": module_id})
    await uow.commit()
    return _to_send(course, language, attempt, rng)


async def poll_sent(
    uow: UnitOfWork, poll: PollToSend, platform: str, ref: str, now: datetime
) -> None:
    """Remember which attempt and question a sent question asks, by the channel's
    reference to it (a Telegram poll answer carries only the poll's id)."""
    await uow.quizzes.add_poll(
        platform, ref, poll.attempt_id, poll.position, list(poll.order), now
    )
    await uow.commit()


async def take_answer(
    uow: UnitOfWork,
    course: Course,
    user_id: int,
    language: str,
    platform: str,
    ref: str,
    option_ids: tuple[int, ...],
    now: datetime,
    rng: random.Random,
) -> Answered | None:
    """Record an answer; return whether it was right with the next question or the score
    card, or None when the answer is ignored (unknown poll, someone else's, an old or
    abandoned attempt, a question already answered, a retracted vote)."""
    poll = await uow.quizzes.poll(platform, ref)
    if poll is None or len(option_ids) != 1 or not 0 <= option_ids[0] < len(poll.option_order):
        return None
    attempt = await uow.quizzes.get(poll.attempt_id)
    if (
        attempt is None
        or attempt.user_id != user_id
        or attempt.status != "running"
        or attempt.position != poll.position
    ):
        return None
    question_id = attempt.question_ids[poll.position]
    question = course.question(language, question_id)
    if question is None:
        return None
    chosen = poll.option_order[option_ids[0]]
    correct = chosen == question.correct
    finished = attempt.position + 1 >= attempt.total
    score = attempt.score + (1 if correct else 0)
    passed = passes(score, attempt.total) if finished else None
    if not await uow.quizzes.record_answer(
        attempt, question_id, chosen, correct, now, finished=finished, passed=passed
    ):
        return None
    if finished:
        await uow.events.add(
            user_id,
            "quiz_finished",
            now,
            {"module": attempt.module_id, "score": score, "total": attempt.total},
        )
    await uow.commit()
    if not finished:
        moved = await uow.quizzes.get(attempt.id)
        assert moved is not None
        return Answered(correct, question, _to_send(course, language, moved, rng))
    card = await score_card(uow, course, user_id, language, attempt.id)
    return Answered(correct, question, card)


async def score_card(
    uow: UnitOfWork, course: Course, user_id: int, language: str, attempt_id: int
) -> ScoreCard:
    attempt = await uow.quizzes.get(attempt_id)
    module = course.module(language, attempt.module_id) if attempt else None
    if attempt is None or module is None:
        raise StaleButton(str(attempt_id))
    wrong = {
        q.lesson_id
        for a in await uow.quizzes.answers(attempt_id)
        if not a.correct and (q := course.question(language, a.question_id)) is not None
    }
    best = await uow.quizzes.best_results(user_id)
    return ScoreCard(
        module=module,
        score=attempt.score,
        total=attempt.total,
        passed=bool(attempt.passed),
        review=tuple(lesson for lesson in module.lessons if lesson.id in wrong),
        all_passed=all(m.id in best for m in course.modules_in(language)),
    )


async def results(
    uow: UnitOfWork, course: Course, user_id: int, language: str
) -> list[tuple[Module, tuple[int, int] | None]]:
    """Each module with the learner's best passed score, or None."""
    best = await uow.quizzes.best_results(user_id)
    return [(m, best.get(m.id)) for m in course.modules_in(language)]


async def stats(uow: UnitOfWork, course: Course, language: str) -> QuizStats:
    """Per question the share answered correctly (weakest first); per module pass rates."""
    questions = []
    for count in await uow.quizzes.question_counts():
        question = course.question(language, count.question_id)
        if question is not None and count.answered:
            questions.append(QuestionStat(question, count.answered, count.correct))
    questions.sort(key=lambda s: (s.share, -s.answered, s.question.id))
    by_module = {c.module_id: c for c in await uow.quizzes.module_counts()}
    modules = []
    for module in course.modules_in(language):
        c = by_module.get(module.id)
        modules.append(
            ModuleStat(
                module, c.attempts if c else 0, c.finished if c else 0, c.passed if c else 0
            )
        )
    return QuizStats(tuple(questions), tuple(modules))
