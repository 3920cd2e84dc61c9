"""A course small enough to reason about in a test: two modules, ids that say where a card is.

Built in code rather than loaded from content/, so a test's expectations (which card is
first, which lesson a question reviews) do not move when the real course is edited.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bot.content import Card, Course, Faq, FaqEntry, FaqGroup, Lesson, Module, Question

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)  # a Monday
# module id -> lesson ids, each lesson with two cards "<lesson>-1" and "<lesson>-2"
LAYOUT = {"m1": ("m1a", "m1b", "m1c"), "m2": ("m2a", "m2b")}


def _module(number: int, module_id: str, language: str) -> Module:
    lessons = tuple(
        Lesson(
            id=lesson_id,
            title=f"{language} {lesson_id}",
            sources=("https://aluminium-stewardship.org",),
            cards=(Card(f"{lesson_id}-1", "text"), Card(f"{lesson_id}-2", "text")),
        )
        for lesson_id in LAYOUT[module_id]
    )
    return Module(module_id, number, f"{language} {module_id}", "summary", lessons)


def _questions() -> tuple[Question, ...]:
    """Two questions a lesson; option 0 is right for even numbers, option 2 for odd ones."""
    bank = []
    for module_id, lessons in LAYOUT.items():
        for lesson_id in lessons:
            for n in (1, 2):
                bank.append(
                    Question(
                        id=f"{lesson_id}-q{n}",
                        module_id=module_id,
                        lesson_id=lesson_id,
                        text="Which one?",
                        options=("a", "b", "c"),
                        correct=0 if n % 2 == 0 else 2,
                        explanation="because",
                    )
                )
    return tuple(bank)


def small_course() -> Course:
    faq = Faq(
        groups=(FaqGroup("complaints", "Complaints"),),
        entries=(
            FaqEntry(
                "how-to-complain",
                "complaints",
                "How do I make a complaint?",
                "Write to the mechanism.",
                ("https://aluminium-stewardship.org",),
                keywords=("complaint form", "send a complaint"),
            ),
            FaqEntry(
                "cost",
                "complaints",
                "Does a complaint cost money?",
                "It is not known.",
                ("https://aluminium-stewardship.org",),
            ),
        ),
    )
    return Course(
        modules={
            language: tuple(_module(i + 1, m, language) for i, m in enumerate(LAYOUT))
            for language in ("en", "fr")
        },
        quizzes={"en": _questions()},
        faq={"en": faq},
    )
