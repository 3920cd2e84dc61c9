"""Module quizzes end to end: quiz polls, PollAnswer, the score card, retries, stale and
duplicate answers, a restart mid-quiz, the offers in lessons, and /quizstats."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp

from bot.db.repositories import AttemptRecord
from bot.services.quizzes import QUIZ_SIZE
from tests.conftest import free_port
from tests.e2e.conftest import ADMIN, USERS, onboard
from tests.e2e.harness import Harness
from tests.e2e.test_playground import Page, playground

MODULE = "value-chain"


def last_poll(bot: Harness, user: int) -> dict[str, Any]:
    polls = [m["poll"] for m in bot.messages(user) if "poll" in m]
    assert polls, "no poll was sent"
    return polls[-1]


def poll_count(bot: Harness, user: int) -> int:
    return sum(1 for m in bot.messages(user) if "poll" in m)


async def answer(bot: Harness, user: int, *, right: bool, expect_reply: bool = True) -> None:
    poll = last_poll(bot, user)
    correct = poll["correct_option_ids"][0]
    choice = correct if right else (correct + 1) % len(poll["options"])
    await bot.vote(user, poll["id"], [choice], expect_reply=expect_reply)


async def attempts(bot: Harness, user: int) -> list[AttemptRecord]:
    async with bot.services.uow() as uow:
        uid = await bot.uid(user)
        running = await uow.quizzes.running(uid)
        found = []
        for attempt_id in range(1, 50):
            record = await uow.quizzes.get(attempt_id)
            if record is not None and record.user_id == uid:
                found.append(record)
        assert running is None or running in found
        return found


async def test_a_passed_quiz_shows_polls_explanations_and_the_score_card(bot: Harness) -> None:
    user = USERS["en"]
    await onboard(bot, user, "en")
    await bot.press(user, "m:quizzes")
    assert "Each module has a quiz of 5 questions" in bot.text(user)
    assert ("📝 1. The aluminium value chain", f"qs:{MODULE}") in bot.buttons(user)
    await bot.press(user, f"qs:{MODULE}")
    poll = last_poll(bot, user)
    assert poll["type"] == "quiz" and poll["is_anonymous"] is False
    assert poll["question"].startswith("1/5. ") and poll["explanation"]
    questions = {q.id: q for q in bot.services.course.questions("en", MODULE)}
    texts = {q.text: q for q in questions.values()}
    shown = texts[poll["question"].removeprefix("1/5. ")]
    assert sorted(o["text"] for o in poll["options"]) == sorted(shown.options)
    assert poll["options"][poll["correct_option_ids"][0]]["text"] == shown.options[0]
    assert poll["explanation"] == shown.explanation

    for _ in range(QUIZ_SIZE):
        await answer(bot, user, right=True)
    assert poll_count(bot, user) == QUIZ_SIZE
    assert "5/5 — passed" in bot.text(user)
    assert ("🔁 Retry", f"qr:{MODULE}") in bot.buttons(user)
    assert not [d for _, d in bot.buttons(user) if d.startswith("c:")], "nothing to review"

    (attempt,) = await attempts(bot, user)
    assert attempt.status == "finished" and attempt.passed and attempt.score == 5
    assert attempt.finished_at is not None and len(set(attempt.question_ids)) == QUIZ_SIZE
    async with bot.services.uow() as uow:
        stored = await uow.quizzes.answers(attempt.id)
    assert [a.correct for a in stored] == [True] * QUIZ_SIZE
    assert [a.question_id for a in stored] == list(attempt.question_ids)
    await bot.press(user, "m:quizzes")
    assert "passed, 5/5" in bot.text(user)


async def test_a_failed_quiz_points_to_lessons_and_a_retry_draws_again(bot: Harness) -> None:
    user = USERS["fr"]
    t = bot.services.i18n.translator("fr")
    await onboard(bot, user, "fr")
    await bot.press(user, f"qs:{MODULE}")
    await answer(bot, user, right=True)
    await answer(bot, user, right=True)
    await answer(bot, user, right=True)
    await answer(bot, user, right=False)
    await answer(bot, user, right=True)
    assert t.gettext("{score}/{total} — not passed yet").format(score=4, total=5) not in bot.text(
        user
    )
    assert "4/5" in bot.text(user), "4 of 5 is 80%: passed"

    await bot.press(user, f"qr:{MODULE}")
    for _ in range(QUIZ_SIZE):
        await answer(bot, user, right=False)
    card = bot.text(user)
    assert t.gettext("{score}/{total} — not passed yet").format(score=0, total=5) in card
    first, second = await attempts(bot, user)
    assert first.passed and first.score == 4 and second.passed is False and second.score == 0
    course = bot.services.course
    wrong_lessons = {course.question("fr", q).lesson_id for q in second.question_ids}  # type: ignore[union-attr]
    review = [d for _, d in bot.buttons(user) if d.startswith("c:")]
    module = course.module("fr", MODULE)
    assert module is not None
    expected = [f"c:{les.cards[0].id}" for les in module.lessons if les.id in wrong_lessons]
    assert review == expected, "one button per lesson behind a wrong answer, in course order"
    await bot.press(user, review[0])
    assert bot.last(user).get("text"), "the button opens the lesson"

    await bot.press(user, f"qr:{MODULE}", message_id=bot.last(user)["message_id"])
    third = (await attempts(bot, user))[-1]
    assert third.status == "running" and third.id != second.id


async def test_stale_and_duplicate_answers_are_ignored(bot: Harness) -> None:
    user = USERS["pt"]
    await onboard(bot, user, "pt")
    await bot.press(user, f"qs:{MODULE}")
    old_poll = last_poll(bot, user)
    await bot.press(user, f"qr:{MODULE}")  # a new draw abandons the first attempt
    first, second = await attempts(bot, user)
    assert first.status == "abandoned" and second.status == "running"
    polls = poll_count(bot, user)
    await bot.vote(user, old_poll["id"], [0], expect_reply=False)
    assert poll_count(bot, user) == polls, "an answer to an abandoned attempt sends nothing"

    current = last_poll(bot, user)
    await answer(bot, user, right=True)
    assert poll_count(bot, user) == polls + 1
    # Telegram delivers the same PollAnswer again, then a forged second answer to question 1
    mark = len(bot.standin.requests)
    for option in ([current["correct_option_ids"][0]], [1 - current["correct_option_ids"][0]]):
        await bot.standin.send_update(
            {
                "poll_answer": {
                    "poll_id": current["id"],
                    "user": {"id": user, "is_bot": False, "first_name": "Learner pt"},
                    "option_ids": option,
                    "option_persistent_ids": [str(i) for i in option],
                }
            }
        )
    await bot._settle(user, mark, expect_reply=False)
    assert poll_count(bot, user) == polls + 1, "no extra question"
    first, second = await attempts(bot, user)
    assert second.position == 1 and second.score == 1
    async with bot.services.uow() as uow:
        assert len(await uow.quizzes.answers(second.id)) == 1
        assert await uow.quizzes.answers(first.id) == []


async def test_after_a_restart_mid_quiz_the_next_question_comes(bot: Harness) -> None:
    user = USERS["hi"]
    await onboard(bot, user, "hi")
    await bot.press(user, f"qs:{MODULE}")
    await answer(bot, user, right=True)
    await answer(bot, user, right=False)
    await bot.restart()
    await answer(bot, user, right=True)  # the poll sent before the restart
    assert poll_count(bot, user) == 4
    assert last_poll(bot, user)["question"].startswith("4/5. ")
    # opening the quiz again goes on where it stood, with the same question
    await bot.press(user, f"qs:{MODULE}", message_id=bot.last(user)["message_id"] - 1)
    assert last_poll(bot, user)["question"].startswith("4/5. ")
    await answer(bot, user, right=True)
    await answer(bot, user, right=True)
    (attempt,) = await attempts(bot, user)
    assert attempt.status == "finished" and attempt.score == 4 and attempt.passed


async def test_lessons_offer_the_quiz_before_and_after(bot: Harness) -> None:
    user = USERS["en"]
    await onboard(bot, user, "en")
    await bot.press(user, f"mod:{MODULE}")
    assert ("📝 Test yourself first", f"qs:{MODULE}") in bot.buttons(user)
    await bot.press(user, f"fin:{MODULE}")
    assert bot.buttons(user)[0] == ("📝 Take the quiz", f"qs:{MODULE}")
    await bot.press(user, f"qs:{MODULE}")
    assert last_poll(bot, user)["question"].startswith("1/5. ")
    intro = bot.last(user)["message_id"] - 1
    await bot.press(user, "qs:no-such-module", message_id=intro)
    (edited,) = [m for m in bot.messages(user) if m["message_id"] == intro]
    assert "This button is out of date" in edited["text"], "a forged module id changes nothing"


async def test_quizstats_for_admins_only(bot: Harness) -> None:
    user = USERS["en"]
    await onboard(bot, user, "en")
    await bot.press(user, f"qs:{MODULE}")
    await answer(bot, user, right=False)
    wrong_text = last_poll(bot, user)
    await answer(bot, user, right=True)
    del wrong_text
    await bot.say(user, "/quizstats")
    assert "I don't know that command" in bot.text(user)

    await onboard(bot, ADMIN, "en")
    await bot.say(ADMIN, "/quizstats")
    text = bot.text(ADMIN)
    assert "1. The aluminium value chain: 1 attempts, 0 finished, pass rate –" in text
    lines = [line for line in text.splitlines() if line.startswith(("0%", "100%"))]
    assert lines[0].startswith("0% (0/1)") and lines[1].startswith("100% (1/1)"), lines


async def test_the_playground_shows_answerable_polls_and_verifies_codes(tmp_path: Path) -> None:
    """A person at the playground page takes a quiz and opens a verification link."""
    async with (
        playground(tmp_path / "playground.db", free_port()) as base,
        aiohttp.ClientSession() as http,
    ):
        page = Page(http, base, 1004)  # the playground's English-speaking learner
        await page.send("/start")
        await page.press(await page.wait_bot(lambda m: "lang:en" in str(m)), "lang:en")
        await page.press(await page.wait_bot(lambda m: "ok" in str(m)), "ok")
        menu = await page.wait_bot(lambda m: "r:no" in str(m.get("reply_markup")))
        await page.press(menu, "r:no")
        menu = await page.wait_bot(lambda m: "m:quizzes" in str(m.get("reply_markup")))
        await page.press(menu, "m:quizzes")
        quizzes = await page.wait_bot(lambda m: f"qs:{MODULE}" in str(m.get("reply_markup")))
        await page.press(quizzes, f"qs:{MODULE}")
        for number in range(1, QUIZ_SIZE + 1):
            poll = (await page.wait_bot(_numbered(number)))["poll"]
            async with http.post(
                f"{base}/pg/poll",
                json={"user_id": 1004, "poll_id": poll["id"], "option_ids": [0]},
            ) as response:
                assert response.status == 200
        card = await page.wait_bot(lambda m: f"qr:{MODULE}" in str(m.get("reply_markup")))
        assert f"/{QUIZ_SIZE} — " in card["text"]

        async with http.get(f"{base}/verify/ABCD-EFGH-JKMN") as response:
            assert response.status == 404
            assert "No certificate has this code" in await response.text()


def _numbered(number: int) -> Callable[[dict[str, Any]], bool]:
    """Matches the poll of question `number`."""
    prefix = f"{number}/{QUIZ_SIZE}. "
    return lambda message: str(message.get("poll", {}).get("question", "")).startswith(prefix)
