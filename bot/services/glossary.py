"""Glossary: A-Z pages and lookup of a typed word, tolerant of case and accents."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from bot.content import Course, GlossaryTerm

PER_PAGE = 8


@dataclass(frozen=True, slots=True)
class GlossaryPage:
    terms: tuple[GlossaryTerm, ...]
    page: int  # 0-based
    pages: int


def normalise(text: str) -> str:
    """Casefold and drop Latin accents, so 'resume', 'Résumé' and 'RÉSUMÉ' meet."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().strip())
    kept: list[str] = []
    for char in decomposed:
        if unicodedata.combining(char) and kept and kept[-1].isascii():
            continue  # an accent on a Latin letter; Devanagari signs are kept
        kept.append(char)
    return " ".join(unicodedata.normalize("NFC", "".join(kept)).split())


def sorted_terms(course: Course, language: str) -> tuple[GlossaryTerm, ...]:
    """Terms in the alphabetical order of the reader's language."""
    return tuple(sorted(course.terms(language), key=lambda term: normalise(term.term)))


def page(course: Course, language: str, number: int) -> GlossaryPage | None:
    """One page of terms; None for a page that does not exist (a stale button)."""
    terms = sorted_terms(course, language)
    pages = max(1, -(-len(terms) // PER_PAGE))
    if not 0 <= number < pages:
        return None
    start = number * PER_PAGE
    return GlossaryPage(terms[start : start + PER_PAGE], number, pages)


def page_of(course: Course, language: str, term_id: str) -> int:
    ids = [term.id for term in sorted_terms(course, language)]
    return ids.index(term_id) // PER_PAGE if term_id in ids else 0


def find(course: Course, language: str, term_id: str) -> GlossaryTerm | None:
    return next((t for t in course.terms(language) if t.id == term_id), None)


def lookup(course: Course, language: str, query: str) -> GlossaryTerm | None:
    """The term whose name, alias or id the text is, in the reader's language then English."""
    wanted = normalise(query)
    if not wanted or len(wanted) > 80:
        return None
    for terms in (course.terms(language), course.terms("en")):
        for term in terms:
            names = (term.term, term.id, term.id.replace("-", " "), *term.aliases)
            if wanted in {normalise(name) for name in names}:
                return find(course, language, term.id) or term
    return None
