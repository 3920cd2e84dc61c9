"""Every text of the course a translator translates, with where it lives and its limit.

One enumeration serves the spreadsheet export, the import (which file and field a row goes
to, and which row a checker's problem belongs to), the fallback of a partial language, and
the coverage figures. A text's `path` names list items by id (not position), so a partial
translation file can hold just the items it translates and still be laid over its bridge.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from bot.content import loader
from bot.content.model import Course, card_key, faq_answer_key, key_point_key, question_key

# Lists whose items carry an `id`: a partial file names the items it translates by it.
ID_LISTS = frozenset({"lessons", "cards", "terms", "questions", "groups", "entries", "sections"})
# The key naming an item where it is not `id` (a consultation's sections go by clause).
ITEM_KEYS = {"sections": "clause"}
# Keys a translation file may repeat but never changes: the bridge's values are kept.
FIXED_KEYS = frozenset({"schema_version", "id", "module", "number", "clause"})
# Texts whose cell holds one item a line (search aids and aliases, never shown as a whole).
LINE_LISTS = frozenset({"aliases", "keywords", "off_topic"})

PathPart = str | int
Path_ = tuple[PathPart, ...]


class TextKind(StrEnum):
    MODULE = "module"  # module titles and summaries
    LESSON = "lesson"  # lesson titles
    CARD = "card"
    KEY_POINT = "key point"
    QUIZ = "quiz"
    GLOSSARY = "glossary"
    FAQ = "faq"
    CONSULTATION = "consultation"


class Markup(StrEnum):
    HTML = "Telegram HTML: <b> <i> <u> <s> <a href> <code> <blockquote>"
    SHORT_HTML = "Telegram HTML: <b> <i> <u> <s> <a href>"
    PLAIN = "plain text, one line"
    PLAIN_LINES = "plain text"
    LINES = "one item a line"


@dataclass(frozen=True, slots=True)
class Text:
    key: str  # stable id of the text: "card:vc-stages-1"
    kind: TextKind
    where: str  # where a learner meets it, in plain words
    limit: int | None
    markup: Markup
    file: str  # relative to content/, with {lang} for the language
    field: str  # the content checker's name for it: "lessons[0].cards[1].text"
    path: Path_  # by ids: ("lessons", "vc-stages", "cards", "vc-stages-1", "text")
    value: str
    module: str | None = None  # the module it belongs to (for "a module is complete")
    unit: str | None = None  # texts translated together or not at all (a quiz question)


def course_texts(course: Course, language: str) -> Iterator[Text]:
    """Every text in `language`, in the order a learner meets them (files, then fields)."""
    for module in course.modules_in(language):
        file = f"modules/{{lang}}/{module.number}-{module.id}.yaml"
        label = f"Module {module.number}"
        yield Text(
            f"module:{module.id}:title",
            TextKind.MODULE,
            f"{label}: title",
            80,
            Markup.PLAIN,
            file,
            "title",
            ("title",),
            module.title,
            module.id,
        )
        yield Text(
            f"module:{module.id}:summary",
            TextKind.MODULE,
            f"{label}: summary",
            400,
            Markup.PLAIN_LINES,
            file,
            "summary",
            ("summary",),
            module.summary,
            module.id,
        )
        for i, lesson in enumerate(module.lessons):
            at = f"{label}, lesson {i + 1}"
            lesson_path: Path_ = ("lessons", lesson.id)
            yield Text(
                f"lesson:{lesson.id}:title",
                TextKind.LESSON,
                f"{at}: title",
                120,
                Markup.PLAIN,
                file,
                f"lessons[{i}].title",
                (*lesson_path, "title"),
                lesson.title,
                module.id,
            )
            for j, card in enumerate(lesson.cards):
                yield Text(
                    card_key(card.id),
                    TextKind.CARD,
                    f"{at}, card {j + 1}",
                    loader.CARD_LIMIT,
                    Markup.HTML,
                    file,
                    f"lessons[{i}].cards[{j}].text",
                    (*lesson_path, "cards", card.id, "text"),
                    card.text,
                    module.id,
                )
            if lesson.key_point:
                yield Text(
                    key_point_key(lesson.id),
                    TextKind.KEY_POINT,
                    f"{at}: key point (one line)",
                    loader.KEY_POINT_LIMIT,
                    Markup.HTML,
                    file,
                    f"lessons[{i}].key_point",
                    (*lesson_path, "key_point"),
                    lesson.key_point,
                    module.id,
                )
        yield from _quiz_texts(course, language, module.id, module.number)
    yield from _glossary_texts(course, language)
    yield from _faq_texts(course, language)


def _quiz_texts(course: Course, language: str, module_id: str, number: int) -> Iterator[Text]:
    file = f"quizzes/{{lang}}/{number}-{module_id}.yaml"
    for i, q in enumerate(course.questions(language, module_id)):
        at = f"Module {number} quiz, question {i + 1}"
        base: Path_ = ("questions", q.id)
        unit = f"question:{q.id}"
        yield Text(
            question_key(q.id),
            TextKind.QUIZ,
            f"{at}: the question",
            loader.QUESTION_LIMIT,
            Markup.PLAIN_LINES,
            file,
            f"questions[{i}].question",
            (*base, "question"),
            q.text,
            module_id,
            unit,
        )
        for k, option in enumerate(q.options):
            right = " (the right answer)" if k == q.correct else ""
            yield Text(
                f"{unit}:option:{k + 1}",
                TextKind.QUIZ,
                f"{at}: option {k + 1}{right}",
                loader.OPTION_LIMIT,
                Markup.PLAIN,
                file,
                f"questions[{i}].options[{k}]",
                (*base, "options", k),
                option,
                module_id,
                unit,
            )
        yield Text(
            f"{unit}:explanation",
            TextKind.QUIZ,
            f"{at}: why the answer is right",
            loader.EXPLANATION_LIMIT,
            Markup.PLAIN_LINES,
            file,
            f"questions[{i}].explanation",
            (*base, "explanation"),
            q.explanation,
            module_id,
            unit,
        )


def _glossary_texts(course: Course, language: str) -> Iterator[Text]:
    file = "glossary/{lang}.yaml"
    for i, term in enumerate(course.terms(language)):
        unit = f"term:{term.id}"
        at = f"Glossary, term {i + 1}"
        yield Text(
            f"{unit}:term",
            TextKind.GLOSSARY,
            f"{at}: the word",
            80,
            Markup.PLAIN,
            file,
            f"terms[{i}].term",
            ("terms", term.id, "term"),
            term.term,
            None,
            unit,
        )
        yield Text(
            f"{unit}:definition",
            TextKind.GLOSSARY,
            f"{at}: its meaning",
            loader.DEFINITION_LIMIT,
            Markup.HTML,
            file,
            f"terms[{i}].definition",
            ("terms", term.id, "definition"),
            term.definition,
            None,
            unit,
        )
        yield Text(
            f"{unit}:aliases",
            TextKind.GLOSSARY,
            f"{at}: other words people type (never shown)",
            None,
            Markup.LINES,
            file,
            f"terms[{i}].aliases",
            ("terms", term.id, "aliases"),
            "\n".join(term.aliases),
        )


def _faq_texts(course: Course, language: str) -> Iterator[Text]:
    file = "faq/{lang}.yaml"
    faq = course.faq_in(language)
    for i, group in enumerate(faq.groups):
        yield Text(
            f"faq-group:{group.id}:title",
            TextKind.FAQ,
            f"FAQ topic {i + 1}: button",
            40,
            Markup.PLAIN,
            file,
            f"groups[{i}].title",
            ("groups", group.id, "title"),
            group.title,
        )
    for i, entry in enumerate(faq.entries):
        unit = f"faq:{entry.id}"
        at = f"FAQ question {i + 1}"
        base: Path_ = ("entries", entry.id)
        yield Text(
            f"{unit}:question",
            TextKind.FAQ,
            f"{at}: the question (a button)",
            loader.FAQ_QUESTION_LIMIT,
            Markup.PLAIN,
            file,
            f"entries[{i}].question",
            (*base, "question"),
            entry.question,
            None,
            unit,
        )
        yield Text(
            faq_answer_key(entry.id),
            TextKind.FAQ,
            f"{at}: the answer",
            loader.FAQ_ANSWER_LIMIT,
            Markup.HTML,
            file,
            f"entries[{i}].answer",
            (*base, "answer"),
            entry.answer,
            None,
            unit,
        )
        if entry.detail:
            yield Text(
                f"{unit}:detail",
                TextKind.FAQ,
                f"{at}: more detail",
                loader.FAQ_ANSWER_LIMIT,
                Markup.HTML,
                file,
                f"entries[{i}].detail",
                (*base, "detail"),
                entry.detail,
            )
        yield Text(
            f"{unit}:keywords",
            TextKind.FAQ,
            f"{at}: other ways people ask it (never shown)",
            loader.FAQ_KEYWORD_LIMIT,
            Markup.LINES,
            file,
            f"entries[{i}].keywords",
            (*base, "keywords"),
            "\n".join(entry.keywords),
        )
    yield Text(
        "faq:off-topic",
        TextKind.FAQ,
        "FAQ: everyday messages it does not answer (never shown)",
        loader.FAQ_KEYWORD_LIMIT,
        Markup.LINES,
        file,
        "off_topic",
        ("off_topic",),
        "\n".join(faq.off_topic),
    )


def counts_as_shown(text: Text) -> bool:
    """Texts a learner reads (search aids are not), and that English has."""
    return text.markup is not Markup.LINES and bool(text.value.strip())


def build_document(texts: list[tuple[Text, str]], header: dict[str, Any]) -> dict[str, Any]:
    """One translation file holding just the given texts, laid out like a full file."""
    doc: dict[str, Any] = dict(header)
    for text, value in texts:
        node: Any = doc
        parts = text.path
        i = 0
        while i < len(parts) - 1:
            name = parts[i]
            if name in ID_LISTS:
                items = node.setdefault(name, [])
                id_key = ITEM_KEYS.get(str(name), "id")
                item = next((x for x in items if x[id_key] == parts[i + 1]), None)
                if item is None:
                    item = {id_key: parts[i + 1]}
                    items.append(item)
                node, i = item, i + 2
                continue
            if isinstance(parts[i + 1], int):  # an option of a question
                node.setdefault(name, []).append(value)
                break
            node = node.setdefault(name, {})
            i += 1
        else:
            last = parts[-1]
            if last in LINE_LISTS:
                node[last] = [line.strip() for line in value.splitlines() if line.strip()]
            else:
                node[last] = value
    return doc


Report = Callable[[str, str], None]  # (field, message)


def overlay(base: Any, over: Any, report: Report) -> tuple[Any, set[Path_]]:
    """`base` (the bridge's file) with the texts of `over` (a partial translation) laid on it.

    Returns the merged document and the paths of the texts taken from `over`; an item or
    field the bridge does not have is reported, never added.
    """
    taken: set[Path_] = set()
    merged = _overlay_dict(base, over, (), "", report, taken)
    return merged, taken


def _overlay_dict(
    base: dict[str, Any], over: Any, path: Path_, where: str, report: Report, taken: set[Path_]
) -> dict[str, Any]:
    if not isinstance(over, dict):
        report(where or "file", "must be a mapping like the bridge language's file")
        return base
    merged = dict(base)
    for key, value in over.items():
        at = f"{where}.{key}" if where else str(key)
        if key in FIXED_KEYS or value is None or value == "":
            continue
        if key not in base:
            report(at, "is not in the bridge language's file")
        elif key in ID_LISTS:
            merged[key] = _overlay_items(
                base[key], value, (*path, key), at, report, taken, ITEM_KEYS.get(key, "id")
            )
        elif isinstance(base[key], list):
            if not isinstance(value, list):
                report(at, "must be a list")
                continue
            merged[key] = value
            taken.add((*path, key))
            taken.update((*path, key, k) for k in range(len(value)))
        elif isinstance(base[key], str):
            merged[key] = value
            taken.add((*path, key))
        else:
            report(at, "cannot be translated")
    return merged


def _overlay_items(
    base: Any,
    over: Any,
    path: Path_,
    where: str,
    report: Report,
    taken: set[Path_],
    id_key: str,
) -> Any:
    if not isinstance(base, list) or not isinstance(over, list):
        report(where, f"must be a list of items with {id_key}s")
        return base
    by_id = {str(item.get(id_key)): item for item in over if isinstance(item, dict)}
    known = {str(item.get(id_key)) for item in base if isinstance(item, dict)}
    for item_id in sorted(by_id.keys() - known):
        report(f"{where}.{item_id}", "has no such item in the bridge language")
    return [
        _overlay_dict(
            item,
            by_id[str(item.get(id_key))],
            (*path, str(item.get(id_key))),
            f"{where}[{i}]",
            report,
            taken,
        )
        if isinstance(item, dict) and str(item.get(id_key)) in by_id
        else item
        for i, item in enumerate(base)
    ]
