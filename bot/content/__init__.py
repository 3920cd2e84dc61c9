"""The course as validated, immutable data loaded once at start-up."""

from bot.content.loader import ContentError, load_course
from bot.content.model import (
    Card,
    CardPlace,
    Course,
    Faq,
    FaqEntry,
    FaqGroup,
    GlossaryTerm,
    Lesson,
    Module,
    Question,
)

__all__ = [
    "Card",
    "CardPlace",
    "ContentError",
    "Course",
    "Faq",
    "FaqEntry",
    "FaqGroup",
    "GlossaryTerm",
    "Lesson",
    "Module",
    "Question",
    "load_course",
]
