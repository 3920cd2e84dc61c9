"""Read `content/`, check it against the schema and the reference language, build a Course.

Every problem is collected (not just the first) and reported with its file and field, so one
run of `asi-bot content check` tells an author everything to fix.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from bot.content.audio import find_shipped_audio
from bot.content.languages import SHIPPED_NAMES, AddedLanguage, read_languages
from bot.content.model import (
    REFERENCE_LANGUAGE,
    Card,
    Course,
    Faq,
    FaqEntry,
    FaqGroup,
    GlossaryTerm,
    Lesson,
    Module,
    Question,
)
from bot.content.sources import DENYLIST_FILE, check_documents, read_denylist
from bot.content.spoken import read_spoken
from bot.content.texts import Path_, Text, counts_as_shown, course_texts, overlay
from bot.telegram_html import html_problems, visible_text

SCHEMA_VERSION = 1
CARD_LIMIT = 700
KEY_POINT_LIMIT = 200
DEFINITION_LIMIT = 300
MIN_LESSONS, MAX_LESSONS = 4, 8
MIN_CARDS, MAX_CARDS = 2, 6
MAX_IMAGE_BYTES = 5 * 1024 * 1024
# Telegram quiz polls: question <= 300, 2-10 options of <= 100, explanation <= 200 characters.
QUESTION_LIMIT, OPTION_LIMIT, EXPLANATION_LIMIT = 300, 100, 200
MIN_OPTIONS, MAX_OPTIONS = 2, 4
MIN_QUESTIONS = 10
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX = 40
CARD_TAGS = {"b", "i", "u", "s", "a", "code", "blockquote"}
_TAG_RE = re.compile(r"</?\s*([a-zA-Z][a-zA-Z0-9-]*)")
FAQ_ANSWER_LIMIT = 700
FAQ_QUESTION_LIMIT = 160
FAQ_KEYWORD_LIMIT = 120
# libyaml's parser where PyYAML was built with it (several times faster), else pure Python.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# The entries issue 5 asks for; more may be added, none of these may go missing.
REQUIRED_FAQ_IDS = (
    "what-is-it",
    "who-can-complain",
    "scope",
    "how-to-submit",
    "language-and-format",
    "anonymity",
    "retaliation",
    "cost",
    "help-writing",
    "group-complaint",
    "company-grievance-first",
    "what-happens-next",
    "timelines",
    "track-status",
    "face-to-face",
    "outcomes",
    "sanctions",
    "independence",
    "appeal",
    "publication",
    "courts-and-other-routes",
    "during-audit",
    "past-events",
    "oecd-ncp",
    "evidence",
    "effective-mechanism",
    "whistleblower",
)


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.message}"


class ContentError(Exception):
    """The content tree is invalid; `problems` lists every issue found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} content problem(s)")
        self.problems = problems


@dataclass
class _Checker:
    root: Path
    problems: list[Problem] = field(default_factory=list)
    # Every file read, as parsed, for the checks that look at all of them (the deny-list).
    documents: dict[Path, Any] = field(default_factory=dict)

    def add(self, path: Path, where: str, message: str) -> None:
        try:
            shown = str(path.relative_to(self.root.parent))
        except ValueError:
            shown = str(path)
        self.problems.append(Problem(shown, where, message))

    def text(self, path: Path, where: str, value: Any, *, limit: int | None = None) -> str:
        if not isinstance(value, str) or not value.strip():
            self.add(path, where, "must be a non-empty text")
            return ""
        if limit is not None and len(value) > limit:
            self.add(path, where, f"is {len(value)} characters, the limit is {limit}")
        return value.strip()

    def slug(self, path: Path, where: str, value: Any) -> str:
        if not isinstance(value, str) or not SLUG_RE.match(value) or len(value) > SLUG_MAX:
            self.add(path, where, f"must be a lowercase slug (a-z, 0-9, -) of <= {SLUG_MAX} chars")
            return str(value)
        return value

    def html(self, path: Path, where: str, value: str, limit: int) -> None:
        for issue in html_problems(value):
            self.add(path, where, f"invalid Telegram HTML: {issue}")
        for tag in {t.lower() for t in _TAG_RE.findall(value)} - CARD_TAGS:
            self.add(path, where, f"tag <{tag}> is not allowed in cards")
        shown = len(visible_text(value)) if not html_problems(value) else len(value)
        if shown > limit:
            self.add(path, where, f"is {shown} characters as shown, the limit is {limit}")


def _read_yaml(checker: _Checker, path: Path) -> dict[str, Any] | None:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        checker.add(path, "file", f"cannot be read as YAML: {err}".splitlines()[0])
        return None
    checker.documents[path] = data
    if not isinstance(data, dict):
        checker.add(path, "file", "must be a mapping at the top level")
        return None
    if data.get("schema_version") != SCHEMA_VERSION:
        checker.add(path, "schema_version", f"must be {SCHEMA_VERSION}")
    return data


def _items(checker: _Checker, path: Path, where: str, value: Any) -> list[Any]:
    if not isinstance(value, list) or not value:
        checker.add(path, where, "must be a non-empty list")
        return []
    return value


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    return ()


def _parse_card(checker: _Checker, path: Path, where: str, raw: Any) -> Card | None:
    if not isinstance(raw, dict):
        checker.add(path, where, "must be a mapping with id and text")
        return None
    card_id = checker.slug(path, f"{where}.id", raw.get("id"))
    text = checker.text(path, f"{where}.text", raw.get("text"))
    if text:
        checker.html(path, f"{where}.text", text, CARD_LIMIT)
    image: Path | None = None
    if raw.get("image") is not None:
        image = (checker.root / str(raw["image"])).resolve()
        if not image.is_file():
            checker.add(path, f"{where}.image", f"file {raw['image']} does not exist")
        elif image.suffix.lower() not in {".png", ".jpg", ".jpeg"}:
            checker.add(path, f"{where}.image", "must be a .png or .jpg file")
        elif image.stat().st_size > MAX_IMAGE_BYTES:
            checker.add(path, f"{where}.image", "is larger than 5 MB")
    return Card(id=card_id, text=text, image=image)


def _parse_lesson(checker: _Checker, path: Path, where: str, raw: Any) -> Lesson | None:
    if not isinstance(raw, dict):
        checker.add(path, where, "must be a mapping")
        return None
    lesson_id = checker.slug(path, f"{where}.id", raw.get("id"))
    title = checker.text(path, f"{where}.title", raw.get("title"), limit=120)
    sources = _strings(raw.get("sources"))
    if not sources:
        checker.add(path, f"{where}.sources", "must list at least one source URL")
    for i, url in enumerate(sources):
        if not re.match(r"^https?://\S+$", url):
            checker.add(path, f"{where}.sources[{i}]", "must be an http(s) URL")
    raw_cards = _items(checker, path, f"{where}.cards", raw.get("cards"))
    if raw_cards and not MIN_CARDS <= len(raw_cards) <= MAX_CARDS:
        checker.add(
            path, f"{where}.cards", f"has {len(raw_cards)} cards; {MIN_CARDS}-{MAX_CARDS} needed"
        )
    cards = [_parse_card(checker, path, f"{where}.cards[{i}]", c) for i, c in enumerate(raw_cards)]
    # Every lesson ends with the one line to remember.
    key_point = checker.text(path, f"{where}.key_point", raw.get("key_point"))
    if key_point:
        if "\n" in key_point:
            checker.add(path, f"{where}.key_point", "must be one line")
        checker.html(path, f"{where}.key_point", key_point, KEY_POINT_LIMIT)
    return Lesson(
        id=lesson_id,
        title=title,
        sources=sources,
        cards=tuple(c for c in cards if c is not None),
        key_point=key_point or None,
        terms=_strings(raw.get("terms")),
    )


def _parse_module(
    checker: _Checker, path: Path, raw: dict[str, Any] | None = None
) -> Module | None:
    data = _read_yaml(checker, path) if raw is None else raw
    if data is None:
        return None
    module_id = checker.slug(path, "id", data.get("id"))
    number = data.get("number")
    if not isinstance(number, int) or number < 1:
        checker.add(path, "number", "must be a positive whole number")
        number = 0
    raw_lessons = _items(checker, path, "lessons", data.get("lessons"))
    if raw_lessons and not MIN_LESSONS <= len(raw_lessons) <= MAX_LESSONS:
        checker.add(
            path,
            "lessons",
            f"has {len(raw_lessons)} lessons; {MIN_LESSONS}-{MAX_LESSONS} needed",
        )
    lessons = [
        _parse_lesson(checker, path, f"lessons[{i}]", raw) for i, raw in enumerate(raw_lessons)
    ]
    return Module(
        id=module_id,
        number=number,
        title=checker.text(path, "title", data.get("title"), limit=80),
        summary=checker.text(path, "summary", data.get("summary"), limit=400),
        lessons=tuple(lesson for lesson in lessons if lesson is not None),
    )


def _parse_glossary(
    checker: _Checker, path: Path, raw: dict[str, Any] | None = None
) -> tuple[GlossaryTerm, ...]:
    data = _read_yaml(checker, path) if raw is None else raw
    if data is None:
        return ()
    terms = []
    for i, raw in enumerate(_items(checker, path, "terms", data.get("terms"))):
        where = f"terms[{i}]"
        if not isinstance(raw, dict):
            checker.add(path, where, "must be a mapping")
            continue
        definition = checker.text(
            path, f"{where}.definition", raw.get("definition"), limit=DEFINITION_LIMIT
        )
        if definition:
            for issue in html_problems(definition):
                checker.add(path, f"{where}.definition", f"invalid Telegram HTML: {issue}")
        terms.append(
            GlossaryTerm(
                id=checker.slug(path, f"{where}.id", raw.get("id")),
                term=checker.text(path, f"{where}.term", raw.get("term"), limit=80),
                definition=definition,
                aliases=_strings(raw.get("aliases")),
            )
        )
    return tuple(terms)


def _plain(checker: _Checker, path: Path, where: str, value: Any, limit: int) -> str:
    """Poll texts are shown as plain text: no markup, no line breaks in options."""
    text = checker.text(path, where, value, limit=limit)
    if _TAG_RE.search(text) or re.search(r"&#?\w+;", text):
        checker.add(path, where, "is plain text: write no HTML tags or entities")
    return text


def _parse_question(
    checker: _Checker, path: Path, where: str, raw: Any, module: Module | None
) -> Question | None:
    if not isinstance(raw, dict):
        checker.add(path, where, "must be a mapping with id, lesson, question, options")
        return None
    question_id = checker.slug(path, f"{where}.id", raw.get("id"))
    lesson_id = str(raw.get("lesson"))
    if module is not None and lesson_id not in {lesson.id for lesson in module.lessons}:
        checker.add(path, f"{where}.lesson", f"{lesson_id!r} is not a lesson of {module.id}")
    raw_options = raw.get("options")
    if not isinstance(raw_options, list) or not MIN_OPTIONS <= len(raw_options) <= MAX_OPTIONS:
        checker.add(path, f"{where}.options", f"must list {MIN_OPTIONS}-{MAX_OPTIONS} options")
        raw_options = raw_options if isinstance(raw_options, list) else []
    options = tuple(
        _plain(checker, path, f"{where}.options[{i}]", option, OPTION_LIMIT)
        for i, option in enumerate(raw_options)
    )
    for i, option in enumerate(options):
        if "\n" in option:
            checker.add(path, f"{where}.options[{i}]", "must be one line")
    if len({o.casefold() for o in options}) != len(options):
        checker.add(path, f"{where}.options", "two options are the same")
    return Question(
        id=question_id,
        module_id=module.id if module is not None else "",
        lesson_id=lesson_id,
        text=_plain(checker, path, f"{where}.question", raw.get("question"), QUESTION_LIMIT),
        options=options,
        correct=0,  # the first option written is the right one
        explanation=_plain(
            checker, path, f"{where}.explanation", raw.get("explanation"), EXPLANATION_LIMIT
        ),
    )


def _parse_bank(
    checker: _Checker, path: Path, modules: dict[str, Module], raw: dict[str, Any] | None = None
) -> tuple[Question, ...]:
    data = _read_yaml(checker, path) if raw is None else raw
    if data is None:
        return ()
    module_id = str(data.get("module"))
    module = modules.get(module_id)
    if module is None:
        checker.add(path, "module", f"{module_id!r} is not a module of the course")
    elif not path.name.endswith(f"-{module_id}.yaml"):
        checker.add(path, "file", f"must be named <number>-{module_id}.yaml")
    raw_questions = _items(checker, path, "questions", data.get("questions"))
    parsed = [
        _parse_question(checker, path, f"questions[{i}]", raw, module)
        for i, raw in enumerate(raw_questions)
    ]
    return tuple(q for q in parsed if q is not None)


def _check_reference_bank(
    checker: _Checker, where: Path, modules: tuple[Module, ...], bank: tuple[Question, ...]
) -> None:
    """English sets the rules: enough questions per module, every lesson asked about."""
    for module in modules:
        questions = [q for q in bank if q.module_id == module.id]
        if len(questions) < MIN_QUESTIONS:
            checker.add(
                where,
                module.id,
                f"has {len(questions)} questions; at least {MIN_QUESTIONS} needed",
            )
        asked = {q.lesson_id for q in questions}
        for lesson in module.lessons:
            if lesson.id not in asked:
                checker.add(where, f"{module.id}/{lesson.id}", "no question covers this lesson")


def _bank_structure(bank: tuple[Question, ...]) -> list[tuple[str, str, str, int]]:
    return [(q.module_id, q.id, q.lesson_id, len(q.options)) for q in bank]


def _collect_banks(
    checker: _Checker,
    root: Path,
    by_language: dict[str, tuple[Module, ...]],
    added: tuple[AddedLanguage, ...] = (),
    taken: dict[str, set[tuple[str, Path_]]] | None = None,
) -> dict[str, tuple[Question, ...]]:
    """Read content/quizzes/<lang>/*.yaml; translations must mirror the English bank."""
    quizzes_root = root / "quizzes"
    if not quizzes_root.is_dir():
        return {}
    banks: dict[str, tuple[Question, ...]] = {}
    added_codes = {language.code: language for language in added}
    shipped = [p for p in quizzes_root.iterdir() if p.is_dir() and p.name not in added_codes]
    for lang_dir in sorted(shipped) + [quizzes_root / code for code in added_codes]:
        modules = by_language.get(lang_dir.name) or by_language.get(REFERENCE_LANGUAGE, ())
        by_id = {m.id: m for m in modules}
        order = {m.id: m.number for m in modules}
        if lang_dir.name in added_codes:
            new = added_codes[lang_dir.name]
            pairs = _laid_over_files(
                checker, quizzes_root, new, (taken or {}).setdefault(new.code, set())
            )
            questions = [q for f, doc in pairs for q in _parse_bank(checker, f, by_id, doc)]
        else:
            files = sorted(lang_dir.glob("*.yaml"))
            questions = [q for f in files for q in _parse_bank(checker, f, by_id)]
        questions.sort(key=lambda q: order.get(q.module_id, 0))
        seen: set[str] = set()
        for q in questions:
            if q.id in seen:
                checker.add(lang_dir, q.id, "question id is used twice")
            seen.add(q.id)
        banks[lang_dir.name] = tuple(questions)
    reference = banks.get(REFERENCE_LANGUAGE)
    if reference is None:
        checker.add(quizzes_root / REFERENCE_LANGUAGE, "folder", "the English bank is missing")
        return banks
    _check_reference_bank(
        checker,
        quizzes_root / REFERENCE_LANGUAGE,
        by_language.get(REFERENCE_LANGUAGE, ()),
        reference,
    )
    for language in by_language:
        if language not in banks:
            checker.add(quizzes_root / language, "folder", "the question bank is missing")
    expected = _bank_structure(reference)
    for language, bank in banks.items():
        if language != REFERENCE_LANGUAGE and _bank_structure(bank) != expected:
            want = {row[1]: row for row in expected}
            have = {row[1]: row for row in _bank_structure(bank)}
            missing = sorted(want.keys() - have.keys())
            extra = sorted(have.keys() - want.keys())
            changed = sorted(k for k in want.keys() & have.keys() if want[k] != have[k])
            checker.add(
                quizzes_root / language,
                "questions",
                f"differ from English: missing {missing or 'none'}, extra {extra or 'none'}, "
                f"other lesson or number of options {changed or 'none'}"
                + ("" if missing or extra or changed else ", order differs"),
            )
    return banks


def _parse_faq_entry(
    checker: _Checker, path: Path, where: str, raw: Any, groups: set[str]
) -> FaqEntry | None:
    if not isinstance(raw, dict):
        checker.add(path, where, "must be a mapping")
        return None
    entry_id = checker.slug(path, f"{where}.id", raw.get("id"))
    group = str(raw.get("group"))
    if group not in groups:
        checker.add(path, f"{where}.group", f"group {group!r} is not listed under groups")
    question = checker.text(path, f"{where}.question", raw.get("question"))
    if question:
        if "<" in question or "&" in question or "\n" in question:
            checker.add(path, f"{where}.question", "must be one line of plain text (a button)")
        if len(question) > FAQ_QUESTION_LIMIT:
            checker.add(
                path,
                f"{where}.question",
                f"is {len(question)} characters, the limit is {FAQ_QUESTION_LIMIT}",
            )
    answer = checker.text(path, f"{where}.answer", raw.get("answer"))
    if answer:
        checker.html(path, f"{where}.answer", answer, FAQ_ANSWER_LIMIT)
    detail: str | None = None
    if raw.get("detail") is not None:
        detail = checker.text(path, f"{where}.detail", raw.get("detail"))
        if detail:
            checker.html(path, f"{where}.detail", detail, FAQ_ANSWER_LIMIT)
    sources = _strings(raw.get("sources"))
    if not sources:
        checker.add(path, f"{where}.sources", "must list at least one source URL")
    for i, url in enumerate(sources):
        if not re.match(r"^https?://\S+$", url):
            checker.add(path, f"{where}.sources[{i}]", "must be an http(s) URL")
    keywords = _strings(raw.get("keywords"))
    for i, keyword in enumerate(keywords):
        if not keyword.strip() or len(keyword) > FAQ_KEYWORD_LIMIT:
            checker.add(
                path, f"{where}.keywords[{i}]", f"must be 1-{FAQ_KEYWORD_LIMIT} characters"
            )
    return FaqEntry(
        id=entry_id,
        group=group,
        question=question,
        answer=answer,
        sources=sources,
        related=_strings(raw.get("related")),
        detail=detail or None,
        keywords=keywords,
    )


def _parse_faq(checker: _Checker, path: Path, raw: dict[str, Any] | None = None) -> Faq | None:
    data = _read_yaml(checker, path) if raw is None else raw
    if data is None:
        return None
    groups: list[FaqGroup] = []
    for i, raw in enumerate(_items(checker, path, "groups", data.get("groups"))):
        if not isinstance(raw, dict):
            checker.add(path, f"groups[{i}]", "must be a mapping with id and title")
            continue
        groups.append(
            FaqGroup(
                id=checker.slug(path, f"groups[{i}].id", raw.get("id")),
                title=checker.text(path, f"groups[{i}].title", raw.get("title"), limit=40),
            )
        )
    group_ids = {g.id for g in groups}
    entries = [
        _parse_faq_entry(checker, path, f"entries[{i}]", raw, group_ids)
        for i, raw in enumerate(_items(checker, path, "entries", data.get("entries")))
    ]
    off_topic = _strings(data.get("off_topic"))
    for i, text in enumerate(off_topic):
        if not text.strip() or len(text) > FAQ_KEYWORD_LIMIT:
            checker.add(path, f"off_topic[{i}]", f"must be 1-{FAQ_KEYWORD_LIMIT} characters")
    faq = Faq(tuple(groups), tuple(e for e in entries if e is not None), off_topic)
    ids = [e.id for e in faq.entries]
    for entry_id in sorted({i for i in ids if ids.count(i) > 1}):
        checker.add(path, entry_id, "id is used twice")
    for entry in faq.entries:
        for related in entry.related:
            if related not in ids or related == entry.id:
                checker.add(path, f"{entry.id}.related", f"{related!r} is not another entry")
    for group in groups:
        if not faq.in_group(group.id):
            checker.add(path, f"groups.{group.id}", "has no entries")
    return faq


def _collect_faq(
    checker: _Checker,
    faq_root: Path,
    added: tuple[AddedLanguage, ...] = (),
    taken: dict[str, set[tuple[str, Path_]]] | None = None,
) -> dict[str, Faq]:
    """Every language's FAQ; ids, groups and links must be the same as in English."""
    faqs: dict[str, Faq] = {}
    codes = {language.code for language in added}
    for path in sorted(faq_root.glob("*.yaml")):
        faq = _parse_faq(checker, path) if path.stem not in codes else None
        if faq is not None:
            faqs[path.stem] = faq
    for new in added:
        doc = _laid_over_file(
            checker,
            faq_root,
            new,
            f"{new.bridge}.yaml",
            (taken or {}).setdefault(new.code, set()),
        )
        faq = _parse_faq(checker, faq_root / f"{new.code}.yaml", doc) if doc else None
        if faq is not None:
            faqs[new.code] = faq
    reference = faqs.get(REFERENCE_LANGUAGE)
    if reference is None:
        checker.add(faq_root / f"{REFERENCE_LANGUAGE}.yaml", "file", "the English FAQ is missing")
        return faqs
    missing = [i for i in REQUIRED_FAQ_IDS if reference.entry(i) is None]
    if missing:
        checker.add(faq_root / f"{REFERENCE_LANGUAGE}.yaml", "entries", f"missing {missing}")
    shape = [(e.id, e.group, e.related) for e in reference.entries]
    for language, faq in faqs.items():
        if language == REFERENCE_LANGUAGE:
            continue
        where = faq_root / f"{language}.yaml"
        if [g.id for g in faq.groups] != [g.id for g in reference.groups]:
            checker.add(where, "groups", "group ids differ from English (or their order)")
        got = [(e.id, e.group, e.related) for e in faq.entries]
        if got != shape:
            want_ids, have_ids = [e[0] for e in shape], [e[0] for e in got]
            if want_ids != have_ids:
                gone = sorted(set(want_ids) - set(have_ids))
                extra = sorted(set(have_ids) - set(want_ids))
                checker.add(
                    where,
                    "entries",
                    f"ids differ from English: missing {gone or 'none'}, extra {extra or 'none'}"
                    + ("" if gone or extra else " (order differs)"),
                )
            else:
                for want, have in zip(shape, got, strict=True):
                    if want != have:
                        checker.add(where, have[0], "group or related ids differ from English")
    return faqs


def _structure(modules: Iterable[Module]) -> list[tuple[str, str, tuple[str, ...]]]:
    return [
        (m.id, lesson.id, tuple(c.id for c in lesson.cards))
        for m in modules
        for lesson in m.lessons
    ]


def _check_unique(checker: _Checker, modules: list[tuple[Path, Module]]) -> None:
    seen: dict[str, str] = {}
    for path, module in modules:
        keys = [module.id]
        for lesson in module.lessons:
            keys += [lesson.id, *(card.id for card in lesson.cards)]
        for key in keys:
            if key in seen:
                checker.add(path, key, f"id is used twice (also in module {seen[key]})")
            seen[key] = module.id


def collect(content_dir: Path) -> tuple[Course | None, list[Problem]]:
    """Parse and check the whole tree; the course is None when nothing usable was found."""
    root = content_dir.resolve()
    checker = _Checker(root)
    modules_root = root / "modules"
    if not (modules_root / REFERENCE_LANGUAGE).is_dir():
        checker.add(modules_root / REFERENCE_LANGUAGE, "folder", "the English course is missing")
        return None, checker.problems

    added = read_languages(root, lambda path, where, message: checker.add(path, where, message))
    added_codes = {language.code: language for language in added}
    # The texts each added language translates (file template, path); the rest is bridged.
    taken: dict[str, set[tuple[str, Path_]]] = {language.code: set() for language in added}
    by_language: dict[str, tuple[Module, ...]] = {}
    shipped = [p for p in modules_root.iterdir() if p.is_dir() and p.name not in added_codes]
    for lang_dir in sorted(shipped) + [modules_root / code for code in added_codes]:
        if lang_dir.name in added_codes:
            new = added_codes[lang_dir.name]
            laid = _laid_over_files(checker, modules_root, new, taken[new.code])
            pairs = [(f, _parse_module(checker, f, doc)) for f, doc in laid]
        else:
            files = sorted(
                lang_dir.glob("*.yaml"), key=lambda p: (len(p.name.split("-")[0]), p.name)
            )
            pairs = [(f, _parse_module(checker, f)) for f in files]
        parsed = sorted(((f, m) for f, m in pairs if m is not None), key=lambda p: p[1].number)
        _check_unique(checker, parsed)
        if parsed:
            by_language[lang_dir.name] = tuple(m for _, m in parsed)

    reference = by_language.get(REFERENCE_LANGUAGE, ())
    expected = _structure(reference)
    for language, modules in by_language.items():
        if language == REFERENCE_LANGUAGE:
            continue
        got = _structure(modules)
        if got != expected:
            _report_structure(checker, modules_root / language, expected, got)

    glossary: dict[str, tuple[GlossaryTerm, ...]] = {}
    glossary_root = root / "glossary"
    if glossary_root.is_dir():
        for path in sorted(glossary_root.glob("*.yaml")):
            if path.stem not in added_codes:
                glossary[path.stem] = _parse_glossary(checker, path)
        for new in added:
            doc = _laid_over_file(
                checker, glossary_root, new, f"{new.bridge}.yaml", taken[new.code]
            )
            if doc is not None:
                path = glossary_root / f"{new.code}.yaml"
                glossary[new.code] = _parse_glossary(checker, path, doc)
        reference_ids = [t.id for t in glossary.get(REFERENCE_LANGUAGE, ())]
        for language, terms in glossary.items():
            ids = [t.id for t in terms]
            if len(set(ids)) != len(ids):
                checker.add(glossary_root / f"{language}.yaml", "terms", "an id is used twice")
            if language != REFERENCE_LANGUAGE and sorted(ids) != sorted(reference_ids):
                missing = sorted(set(reference_ids) - set(ids))
                extra = sorted(set(ids) - set(reference_ids))
                checker.add(
                    glossary_root / f"{language}.yaml",
                    "terms",
                    f"differs from English: missing {missing or 'none'}, extra {extra or 'none'}",
                )
    _check_terms(checker, modules_root / REFERENCE_LANGUAGE, reference, glossary)
    quizzes = _collect_banks(checker, root, by_language, added, taken)
    faq: dict[str, Faq] = {}
    if (root / "faq").is_dir():
        faq = _collect_faq(checker, root / "faq", added, taken)
    _check_sources(checker, root)
    if not reference:
        return None, checker.problems
    course = Course(modules=by_language, glossary=glossary, quizzes=quizzes, faq=faq)
    if added:
        course = _with_added(checker, root, course, added, taken)
    spoken = read_spoken(root, added, checker.add)
    if spoken:
        course = replace(course, spoken=spoken)
    audio = find_shipped_audio(root, course, checker.add)
    if audio:
        course = replace(course, audio=audio)
    return course, checker.problems


def _laid_over_file(
    checker: _Checker,
    folder: Path,
    language: AddedLanguage,
    name: str,
    taken: set[tuple[str, Path_]],
) -> dict[str, Any] | None:
    """The bridge's file `folder/<bridge name>` with the language's translations laid on it.

    `name` is the bridge file's path inside `folder` (`fr.yaml`, `fr/1-value-chain.yaml`);
    the translation is the same path with the language's code instead.
    """
    bridge_path = folder / name
    base = checker.documents.get(bridge_path)
    if not isinstance(base, dict):
        return None
    own = name.replace(language.bridge, "{lang}", 1)
    path = folder / own.format(lang=language.code)
    over = _read_yaml(checker, path) if path.is_file() else {}
    if over is None:
        return None
    merged, texts_taken = overlay(
        base, over, lambda where, message: checker.add(path, where, message)
    )
    template = f"{folder.name}/{own}"
    taken.update((template, text_path) for text_path in texts_taken)
    return dict(merged)


def _laid_over_files(
    checker: _Checker, folder: Path, language: AddedLanguage, taken: set[tuple[str, Path_]]
) -> list[tuple[Path, dict[str, Any]]]:
    """Every file of the bridge's `folder/<bridge>/` laid over (modules, question banks)."""
    own_dir = folder / language.code
    bridge_names = {p.name for p in (folder / language.bridge).glob("*.yaml")}
    for stray in sorted(own_dir.glob("*.yaml")):
        if stray.name not in bridge_names:
            checker.add(stray, "file", f"has no counterpart in {language.bridge}/")
    pairs = []
    for name in sorted(bridge_names, key=lambda n: (len(n.split("-")[0]), n)):
        doc = _laid_over_file(checker, folder, language, f"{language.bridge}/{name}", taken)
        if doc is not None:
            pairs.append((own_dir / name, doc))
    return pairs


def _with_added(
    checker: _Checker,
    root: Path,
    course: Course,
    added: tuple[AddedLanguage, ...],
    taken: dict[str, set[tuple[str, Path_]]],
) -> Course:
    """Mark what each added language still shows in its bridge language; a quiz question, a
    glossary term or an FAQ answer is translated whole or not at all (never half and half)."""
    shown = [t for t in course_texts(course, REFERENCE_LANGUAGE) if counts_as_shown(t)]
    untranslated: dict[str, frozenset[str]] = {}
    complete: dict[str, tuple[str, ...]] = {}
    for language in added:
        done = taken.get(language.code, set())
        missing = [t for t in shown if (t.file, t.path) not in done]
        untranslated[language.code] = frozenset(t.key for t in missing)
        units: dict[str, list[Text]] = {}
        for text in shown:
            if text.unit:
                units.setdefault(text.unit, []).append(text)
        for members in units.values():
            absent = [t for t in members if t in missing]
            if absent and len(absent) < len(members):
                first = absent[0]
                checker.add(
                    root / first.file.format(lang=language.code),
                    first.field,
                    "is missing: translate all the texts of this item or none of them",
                )
        gaps = {t.module for t in missing}
        complete[language.code] = tuple(
            m.id for m in course.modules_in(REFERENCE_LANGUAGE) if m.id not in gaps
        )
    names = {**SHIPPED_NAMES, **{language.code: language.name for language in added}}
    return replace(
        course,
        added=added,
        untranslated=untranslated,
        complete_modules=complete,
        names=names,
    )


def _check_sources(checker: _Checker, root: Path) -> None:
    """No text of any content file may point to a host on content/sources-denylist.yaml."""
    hosts = read_denylist(root / DENYLIST_FILE, checker.add)
    if not hosts:
        return
    # Consultations are checked by bot.content.consultations; read them here for the list.
    for path in sorted((root / "consultations").glob("*.yaml")):
        if path not in checker.documents:
            _read_yaml(_Checker(root, documents=checker.documents), path)
    check_documents(checker.documents, hosts, checker.add)


def _check_terms(
    checker: _Checker,
    where: Path,
    modules: tuple[Module, ...],
    glossary: dict[str, tuple[GlossaryTerm, ...]],
) -> None:
    """Every term a lesson introduces must be defined in the English glossary."""
    defined = {term.id for term in glossary.get(REFERENCE_LANGUAGE, ())}
    for module in modules:
        for lesson in module.lessons:
            for term in lesson.terms:
                if term not in defined:
                    checker.add(
                        where,
                        f"{module.id}/{lesson.id}.terms",
                        f"glossary term {term!r} is used but not defined",
                    )


def _report_structure(
    checker: _Checker,
    where: Path,
    expected: list[tuple[str, str, tuple[str, ...]]],
    got: list[tuple[str, str, tuple[str, ...]]],
) -> None:
    """Say how a translation's tree differs from English, module by module, in order."""
    want_modules = list(dict.fromkeys(m for m, _, _ in expected))
    have_modules = set(m for m, _, _ in got)
    for module in want_modules:
        if module not in have_modules:
            checker.add(where, module, "module is missing (it exists in English)")
    for module in sorted(have_modules - set(want_modules)):
        checker.add(where, module, "module does not exist in English")
    want = {(m, lesson): cards for m, lesson, cards in expected}
    have = {(m, lesson): cards for m, lesson, cards in got}
    for key in sorted(want.keys() - have.keys()):
        if key[0] in have_modules:
            checker.add(where, f"{key[0]}/{key[1]}", "lesson is missing (it exists in English)")
    for key in sorted(have.keys() - want.keys()):
        if key[0] in want_modules:
            checker.add(where, f"{key[0]}/{key[1]}", "lesson does not exist in English")
    for key in sorted(want.keys() & have.keys()):
        if want[key] != have[key]:
            checker.add(
                where,
                f"{key[0]}/{key[1]}.cards",
                f"card ids {list(have[key])} differ from English {list(want[key])}",
            )
    common = [k[:2] for k in expected if k[:2] in have]
    if common != [k[:2] for k in got if k[:2] in want]:
        checker.add(where, "lessons", "lessons are in a different order than in English")


def load_course(content_dir: Path) -> Course:
    """Load the course or raise ContentError listing every problem."""
    course, problems = collect(content_dir)
    if problems or course is None:
        raise ContentError(problems)
    return course
