"""Frozen course objects and the lookups the services need.

The English tree fixes the structure (ids and order); other languages only supply words. Ids
are stable slugs so that progress rows and callback data survive content edits.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bot.content.languages import AddedLanguage
from bot.content.spoken import SpokenLanguage

if TYPE_CHECKING:
    from bot.content.audio import ShippedAudio

REFERENCE_LANGUAGE = "en"


def card_key(card_id: str) -> str:
    """The id of a card's text among the texts a translator translates."""
    return f"card:{card_id}"


def key_point_key(lesson_id: str) -> str:
    return f"lesson:{lesson_id}:key_point"


def question_key(question_id: str) -> str:
    """A quiz question's text (its options and explanation are translated with it)."""
    return f"question:{question_id}:question"


def faq_answer_key(entry_id: str) -> str:
    return f"faq:{entry_id}:answer"


@dataclass(frozen=True, slots=True)
class Card:
    id: str
    text: str
    image: Path | None = None


@dataclass(frozen=True, slots=True)
class Lesson:
    id: str
    title: str
    sources: tuple[str, ...]
    cards: tuple[Card, ...]
    key_point: str | None = None
    terms: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Module:
    id: str
    number: int
    title: str
    summary: str
    lessons: tuple[Lesson, ...]

    @property
    def card_ids(self) -> tuple[str, ...]:
        return tuple(card.id for lesson in self.lessons for card in lesson.cards)


@dataclass(frozen=True, slots=True)
class GlossaryTerm:
    id: str
    term: str
    definition: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Question:
    """One quiz question; `correct` indexes `options` as written (the bot shuffles per attempt)."""

    id: str
    module_id: str
    lesson_id: str
    text: str
    options: tuple[str, ...]
    correct: int
    explanation: str


@dataclass(frozen=True, slots=True)
class FaqGroup:
    id: str
    title: str


@dataclass(frozen=True, slots=True)
class FaqEntry:
    """One question and answer about the complaints mechanism, in one language."""

    id: str
    group: str
    question: str
    answer: str
    sources: tuple[str, ...]
    related: tuple[str, ...] = ()
    detail: str | None = None
    keywords: tuple[str, ...] = ()  # other ways people ask it: search aids, never shown


@dataclass(frozen=True)
class Faq:
    """The FAQ of one language: groups for browsing, entries in the order authors gave.

    `off_topic` are everyday messages the FAQ does not answer (jobs at the mine, school fees,
    greetings): search aids, never shown, that let the search tell a question that merely
    shares a word with an entry from one the entry answers.
    """

    groups: tuple[FaqGroup, ...]
    entries: tuple[FaqEntry, ...]
    off_topic: tuple[str, ...] = ()

    def entry(self, entry_id: str) -> FaqEntry | None:
        return next((e for e in self.entries if e.id == entry_id), None)

    def group(self, group_id: str) -> FaqGroup | None:
        return next((g for g in self.groups if g.id == group_id), None)

    def in_group(self, group_id: str) -> tuple[FaqEntry, ...]:
        return tuple(e for e in self.entries if e.group == group_id)


@dataclass(frozen=True, slots=True)
class CardPlace:
    """Where a card sits in the course, in the reader's language."""

    module: Module
    lesson: Lesson
    card: Card
    lesson_index: int  # 0-based within the module
    card_index: int  # 0-based within the lesson
    previous_id: str | None
    next_id: str | None
    # The bridge language's name where the card text (or the key point) is not translated
    # yet into the reader's language and is shown in that bridge language instead.
    card_shown_in: str | None = None
    key_point_shown_in: str | None = None

    @property
    def is_last_in_lesson(self) -> bool:
        return self.card_index == len(self.lesson.cards) - 1


@dataclass(frozen=True, slots=True)
class _Position:
    module_index: int
    lesson_index: int
    card_index: int
    order_index: int


@dataclass(frozen=True)
class Course:
    """All languages of the course; the reference language defines the structure."""

    modules: Mapping[str, tuple[Module, ...]]  # language -> modules in order
    glossary: Mapping[str, tuple[GlossaryTerm, ...]] = field(default_factory=dict)
    quizzes: Mapping[str, tuple[Question, ...]] = field(default_factory=dict)  # language -> bank
    faq: Mapping[str, Faq] = field(default_factory=dict)  # language -> FAQ
    # Languages translators added (content/languages.yaml), each with a bridge language whose
    # words stand in for every text not translated yet; the keys of those texts (see
    # bot.content.texts); the modules translated in full; every language's own name.
    added: tuple[AddedLanguage, ...] = ()
    untranslated: Mapping[str, frozenset[str]] = field(default_factory=dict)
    complete_modules: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    names: Mapping[str, str] = field(default_factory=dict)
    # Languages with recorded audio and no written text (content/languages.yaml `spoken`)
    spoken: tuple[SpokenLanguage, ...] = ()
    # Recordings shipped in content/audio/<lang>/<card-id>.ogg (bot.content.audio)
    audio: tuple[ShippedAudio, ...] = ()
    _positions: dict[str, _Position] = field(default_factory=dict, init=False, repr=False)
    _order: tuple[str, ...] = field(default=(), init=False, repr=False)

    def __post_init__(self) -> None:
        order: list[str] = []
        for m_i, module in enumerate(self.modules.get(REFERENCE_LANGUAGE, ())):
            for l_i, lesson in enumerate(module.lessons):
                for c_i, card in enumerate(lesson.cards):
                    self._positions[card.id] = _Position(m_i, l_i, c_i, len(order))
                    order.append(card.id)
        object.__setattr__(self, "_order", tuple(order))

    def ready_languages(self) -> tuple[AddedLanguage, ...]:
        """Added languages with at least one module translated in full: the picker offers
        them once their interface is translated too (I18n checks that)."""
        return tuple(a for a in self.added if self.complete_modules.get(a.code))

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self.modules)

    def modules_in(self, language: str) -> tuple[Module, ...]:
        """Modules in `language`, falling back to the reference language."""
        return self.modules.get(language) or self.modules[REFERENCE_LANGUAGE]

    def module(self, language: str, module_id: str) -> Module | None:
        return next((m for m in self.modules_in(language) if m.id == module_id), None)

    def has_card(self, card_id: str) -> bool:
        return card_id in self._positions

    def place(self, language: str, card_id: str) -> CardPlace | None:
        """Locate a card for display; None for an id the course does not have (forged data)."""
        pos = self._positions.get(card_id)
        if pos is None:
            return None
        module = self.modules_in(language)[pos.module_index]
        lesson = module.lessons[pos.lesson_index]
        index = pos.order_index
        module_ids = set(module.card_ids)
        card = lesson.cards[pos.card_index]
        previous_id = self._order[index - 1] if index > 0 else None
        next_id = self._order[index + 1] if index + 1 < len(self._order) else None
        return CardPlace(
            module=module,
            lesson=lesson,
            card=card,
            lesson_index=pos.lesson_index,
            card_index=pos.card_index,
            previous_id=previous_id if previous_id in module_ids else None,
            next_id=next_id if next_id in module_ids else None,
            card_shown_in=self.shown_in(language, card_key(card.id)),
            key_point_shown_in=self.shown_in(language, key_point_key(lesson.id)),
        )

    def shown_in(self, language: str, key: str) -> str | None:
        """The bridge language's name where the text `key` (see bot.content.texts) is not
        translated yet into `language` and is shown in the bridge instead; else None."""
        if key not in self.untranslated.get(language, frozenset()):
            return None
        return next((self.names[a.bridge] for a in self.added if a.code == language), None)

    def first_card(self, module_id: str) -> str | None:
        module = self.module(REFERENCE_LANGUAGE, module_id)
        return module.card_ids[0] if module and module.card_ids else None

    def next_module(self, module_id: str) -> Module | None:
        modules = self.modules[REFERENCE_LANGUAGE]
        ids = [m.id for m in modules]
        if module_id not in ids or ids.index(module_id) + 1 >= len(ids):
            return None
        return modules[ids.index(module_id) + 1]

    def questions(self, language: str, module_id: str) -> tuple[Question, ...]:
        """A module's question bank in `language`, falling back to the reference language."""
        bank = self.quizzes.get(language) or self.quizzes.get(REFERENCE_LANGUAGE, ())
        return tuple(q for q in bank if q.module_id == module_id)

    def question(self, language: str, question_id: str) -> Question | None:
        """One question for display; None for an id the course does not have."""
        bank = self.quizzes.get(language) or self.quizzes.get(REFERENCE_LANGUAGE, ())
        return next((q for q in bank if q.id == question_id), None)

    def terms(self, language: str) -> tuple[GlossaryTerm, ...]:
        return self.glossary.get(language) or self.glossary.get(REFERENCE_LANGUAGE, ())

    def faq_in(self, language: str) -> Faq:
        """The FAQ in `language`, falling back to the reference language (or an empty one)."""
        return self.faq.get(language) or self.faq.get(REFERENCE_LANGUAGE) or Faq((), ())
