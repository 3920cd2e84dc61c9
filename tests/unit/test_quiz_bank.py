"""The question bank format: what `asi-bot content check` accepts and refuses."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from bot.content import load_course
from bot.content.loader import collect
from tests.unit.test_content import MODULE, _tree

QUESTION = """\
  - id: q-{n}
    lesson: s-{lesson}
    question: Question {n}?
    options:
      - Right {n}
      - Wrong {n}
    explanation: Because of lesson {lesson}.
"""
LESSONS = ("one", "two", "three", "four")


def _bank(count: int = 10) -> str:
    body = "".join(QUESTION.format(n=n, lesson=LESSONS[n % 4]) for n in range(count))
    return "schema_version: 1\nmodule: sample\nquestions:\n" + body


def _problems(tmp_path: Path, files: dict[str, str]) -> list[str]:
    _, problems = collect(_tree(tmp_path, {"modules/en/1-sample.yaml": MODULE, **files}))
    return [str(p) for p in problems]


def test_the_real_banks_cover_every_lesson_in_every_language() -> None:
    course = load_course(PROJECT_ROOT / "content")
    assert set(course.quizzes) == set(course.languages)
    for language in course.languages:
        for module in course.modules_in(language):
            questions = course.questions(language, module.id)
            assert len(questions) >= 10
            assert {q.lesson_id for q in questions} == {lesson.id for lesson in module.lessons}
            for q in questions:
                assert len(q.text) <= 300 and len(q.explanation) <= 200
                assert 2 <= len(q.options) <= 4 and all(len(o) <= 100 for o in q.options)
                assert q.correct == 0
    first = course.questions("en", "value-chain")[0]
    assert course.question("en", first.id) == first
    assert course.question("en", "no-such-question") is None


def test_a_valid_bank_loads(tmp_path: Path) -> None:
    course = load_course(
        _tree(tmp_path, {"modules/en/1-sample.yaml": MODULE, "quizzes/en/1-sample.yaml": _bank()})
    )
    questions = course.questions("en", "sample")
    assert len(questions) == 10
    assert questions[1].options == ("Right 1", "Wrong 1") and questions[1].correct == 0
    assert questions[1].lesson_id == "s-two" and questions[1].module_id == "sample"
    assert course.questions("fr", "sample") == questions, "falls back to English"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("question: Question 3?", "question: " + "x" * 301), "limit is 300"),
        (("      - Wrong 3\n", "      - " + "w" * 101 + "\n"), "limit is 100"),
        (("explanation: Because of lesson four.", "explanation: " + "e" * 201), "limit is 200"),
        (("      - Wrong 3\n", ""), "2-4 options"),
        (("      - Wrong 3\n", "      - a\n      - b\n      - c\n      - d\n"), "2-4 options"),
        (("      - Wrong 3\n", "      - right 3\n"), "two options are the same"),
        (("question: Question 3?", "question: <b>Question</b>"), "plain text"),
        (("      - Wrong 3\n", "      - Yes\n"), "non-empty text"),
        (("lesson: s-four", "lesson: s-five"), "is not a lesson of sample"),
        (("id: q-4", "id: q-3"), "used twice"),
        (("module: sample", "module: other"), "not a module"),
    ],
)
def test_bank_problems_are_reported(
    tmp_path: Path, change: tuple[str, str], expected: str
) -> None:
    problems = _problems(tmp_path, {"quizzes/en/1-sample.yaml": _bank().replace(*change, 1)})
    assert any(expected in p for p in problems), problems


def test_ten_questions_and_every_lesson_are_required(tmp_path: Path) -> None:
    problems = _problems(tmp_path, {"quizzes/en/1-sample.yaml": _bank(3)})
    assert any("has 3 questions; at least 10 needed" in p for p in problems), problems
    assert any("sample/s-four: no question covers this lesson" in p for p in problems)


def test_every_language_of_the_course_needs_a_bank(tmp_path: Path) -> None:
    problems = _problems(
        tmp_path, {"modules/fr/1-sample.yaml": MODULE, "quizzes/en/1-sample.yaml": _bank()}
    )
    assert any("quizzes/fr: folder: the question bank is missing" in p for p in problems)


def test_a_translated_bank_must_mirror_english(tmp_path: Path) -> None:
    french = _bank().replace("lesson: s-one", "lesson: s-two", 1)
    problems = _problems(
        tmp_path,
        {
            "modules/fr/1-sample.yaml": MODULE,
            "quizzes/en/1-sample.yaml": _bank(),
            "quizzes/fr/1-sample.yaml": french,
        },
    )
    assert any("differ from English" in p and "q-0" in p for p in problems), problems
