"""Figures about the course for authors: coverage per language and reading statistics."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.content.consultations import ConsultationSpec, consultation_texts
from bot.content.model import REFERENCE_LANGUAGE, Course, Module
from bot.content.texts import TextKind, counts_as_shown, course_texts
from bot.telegram_html import visible_text

# Second-language readers on a phone read slowly; 120 words a minute is a careful estimate.
WORDS_PER_MINUTE = 120


@dataclass(frozen=True, slots=True)
class Coverage:
    language: str
    modules: int
    cards: int
    terms: int
    reference_modules: int
    reference_cards: int
    reference_terms: int

    @property
    def percent(self) -> float:
        total = self.reference_cards + self.reference_terms
        return 100.0 * (self.cards + self.terms) / total if total else 100.0


@dataclass(frozen=True, slots=True)
class ModuleStats:
    language: str
    number: int
    module_id: str
    lessons: int
    cards: int
    characters: int
    words: int
    reading_ease: float | None  # Flesch, English only
    lowest_card_ease: float | None

    @property
    def minutes(self) -> float:
        return self.words / WORDS_PER_MINUTE


def coverage(course: Course) -> list[Coverage]:
    """How much of the English course and glossary each language has."""
    reference = course.modules[REFERENCE_LANGUAGE]
    ref_cards = {c for m in reference for c in m.card_ids}
    ref_terms = {t.id for t in course.glossary.get(REFERENCE_LANGUAGE, ())}
    rows = []
    for language in course.languages:
        modules = course.modules.get(language, ())
        cards = {c for m in modules for c in m.card_ids} & ref_cards
        terms = {t.id for t in course.glossary.get(language, ())} & ref_terms
        rows.append(
            Coverage(
                language,
                len(modules),
                len(cards),
                len(terms),
                len(reference),
                len(ref_cards),
                len(ref_terms),
            )
        )
    return rows


def _flesch(text: str) -> float:
    import textstat  # offline: textstat 0.7.3 counts syllables with pyphen's dictionaries

    return float(textstat.flesch_reading_ease(text))


def module_stats(language: str, module: Module) -> ModuleStats:
    texts = [visible_text(card.text) for lesson in module.lessons for card in lesson.cards]
    ease = lowest = None
    if language == REFERENCE_LANGUAGE and texts:
        ease = _flesch("\n".join(texts))
        lowest = min(_flesch(text) for text in texts)
    return ModuleStats(
        language=language,
        number=module.number,
        module_id=module.id,
        lessons=len(module.lessons),
        cards=len(texts),
        characters=sum(len(text) for text in texts),
        words=sum(len(text.split()) for text in texts),
        reading_ease=ease,
        lowest_card_ease=lowest,
    )


def course_stats(course: Course) -> list[ModuleStats]:
    return [
        module_stats(language, module)
        for language in course.languages
        for module in course.modules[language]
    ]


def kind_coverage(
    course: Course, consultations: Iterable[ConsultationSpec] = ()
) -> dict[str, dict[TextKind, tuple[int, int]]]:
    """Per language and kind of text: (translated, all) of the texts a learner reads."""
    specs = tuple(consultations)
    shown = [t for t in course_texts(course, REFERENCE_LANGUAGE) if counts_as_shown(t)]
    shown += [t for spec in specs for t in consultation_texts(spec, REFERENCE_LANGUAGE)]
    totals: dict[TextKind, int] = dict.fromkeys(TextKind, 0)
    for text in shown:
        totals[text.kind] += 1
    rows: dict[str, dict[TextKind, tuple[int, int]]] = {}
    for language in course.languages:
        missing = set(course.untranslated.get(language, frozenset()))
        for spec in specs:
            own = spec.translated.get(language)
            if own is not None:
                missing |= {t.key for t in consultation_texts(spec, language) if t.path not in own}
        done: dict[TextKind, int] = dict.fromkeys(TextKind, 0)
        for text in shown:
            if text.key not in missing:
                done[text.kind] += 1
        rows[language] = {kind: (done[kind], totals[kind]) for kind in TextKind}
    return rows
