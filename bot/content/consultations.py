"""Consultations on draft Standards: one YAML file each under `content/consultations/`.

A file holds every language (en, fr, hi, pt) with the same sections, so a translator sees the
whole consultation at once and the checker can compare sections clause by clause. The parsed
form is also what the bot stores when an admin publishes a consultation (`as_data`), so a
published consultation stays readable even if its file later changes or goes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import yaml

from bot.config import SUPPORTED_LANGUAGES
from bot.content.languages import AddedLanguage, read_languages
from bot.content.loader import YAML_LOADER, Problem
from bot.content.model import REFERENCE_LANGUAGE
from bot.content.texts import Markup, Path_, Text, TextKind, overlay
from bot.telegram_html import html_problems, visible_text

SCHEMA_VERSION = 1
SUMMARY_LIMIT = 700
TITLE_LIMIT = 120
QUESTION_LIMIT = 300
MAX_SECTIONS = 20
MAX_DRAFT_BYTES = 20 * 1024 * 1024
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX = 40
CLAUSE_RE = re.compile(r"^[0-9]{1,3}(?:\.[0-9]{1,3}){0,3}$")
URL_RE = re.compile(r"^https://[^\s/]+\.[^\s]+$")
ALLOWED_TAGS = {"b", "i", "u", "s", "a"}
_TAG_RE = re.compile(r"</?\s*([a-zA-Z][a-zA-Z0-9-]*)")
_SOFT_BREAK_RE = re.compile(r"(?<!\n)[ \t]*\n[ \t]*(?!\n)")


@dataclass(frozen=True, slots=True)
class Section:
    clause: str
    title: str
    summary: str
    question: str | None


@dataclass(frozen=True, slots=True)
class ConsultationText:
    """One language's words."""

    title: str
    summary: str
    sections: tuple[Section, ...]


@dataclass(frozen=True, slots=True)
class ConsultationSpec:
    """A consultation as authored: its id, dates, draft and words in every language.

    `opens_at` is 00:00 UTC on the open date; `closes_at` is the end of the close date
    (00:00 UTC the day after), so "open until 30 June" includes 30 June.
    """

    id: str
    practice: bool
    opens_at: datetime
    closes_at: datetime
    draft_url: str | None
    draft_file: str | None  # path relative to content/
    texts: dict[str, ConsultationText]
    # Per added language, the paths (as in `texts.overlay`) its own file translates; every
    # other text of that language is its bridge's. Not stored with a published consultation.
    translated: Mapping[str, frozenset[Path_]] = field(default_factory=dict)

    def text(self, language: str) -> ConsultationText:
        return self.texts.get(language) or self.texts[REFERENCE_LANGUAGE]

    @property
    def clauses(self) -> tuple[str, ...]:
        return tuple(s.clause for s in self.texts[REFERENCE_LANGUAGE].sections)

    def as_data(self) -> dict[str, Any]:
        """The plain data stored with a published consultation (see `from_data`)."""
        return {
            "id": self.id,
            "practice": self.practice,
            "opens_at": self.opens_at.isoformat(),
            "closes_at": self.closes_at.isoformat(),
            "draft_url": self.draft_url,
            "draft_file": self.draft_file,
            "texts": {
                language: {
                    "title": text.title,
                    "summary": text.summary,
                    "sections": [
                        {
                            "clause": s.clause,
                            "title": s.title,
                            "summary": s.summary,
                            "question": s.question,
                        }
                        for s in text.sections
                    ],
                }
                for language, text in self.texts.items()
            },
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> ConsultationSpec:
        return cls(
            id=data["id"],
            practice=bool(data["practice"]),
            opens_at=datetime.fromisoformat(data["opens_at"]),
            closes_at=datetime.fromisoformat(data["closes_at"]),
            draft_url=data.get("draft_url"),
            draft_file=data.get("draft_file"),
            texts={
                language: ConsultationText(
                    title=text["title"],
                    summary=text["summary"],
                    sections=tuple(Section(**s) for s in text["sections"]),
                )
                for language, text in data["texts"].items()
            },
        )


class _Checker:
    def __init__(self, root: Path, path: Path) -> None:
        self.root = root
        self.path = path
        self.problems: list[Problem] = []
        try:
            self.shown = str(path.relative_to(root.parent))
        except ValueError:
            self.shown = str(path)

    def add(self, where: str, message: str) -> None:
        self.problems.append(Problem(self.shown, where, message))

    def problem(self, message: str) -> Problem:
        return Problem(self.shown, "file", message)

    def text(self, where: str, value: Any, limit: int, *, html: bool = False) -> str:
        if not isinstance(value, str) or not value.strip():
            self.add(where, "must be a non-empty text")
            return ""
        # Lines wrapped in the file are one paragraph; a blank line starts a new one.
        value = _SOFT_BREAK_RE.sub(" ", value.strip())
        issues = html_problems(value)
        for issue in issues:
            self.add(where, f"invalid Telegram HTML: {issue}")
        tags = {t.lower() for t in _TAG_RE.findall(value)}
        if not html and tags:
            self.add(where, "must be plain text (no HTML tags)")
        for tag in tags - ALLOWED_TAGS:
            if html:
                self.add(where, f"tag <{tag}> is not allowed")
        shown = len(visible_text(value)) if not issues else len(value)
        if shown > limit:
            self.add(where, f"is {shown} characters as shown, the limit is {limit}")
        return value


def _day(checker: _Checker, where: str, value: Any) -> date | None:
    if isinstance(value, datetime) or not isinstance(value, date):
        checker.add(where, "must be a date written YYYY-MM-DD")
        return None
    return value


def _parse_text(
    checker: _Checker, language: str, raw: Any, where: str | None = None
) -> ConsultationText | None:
    """One language's words; `where` prefixes the fields named in problems."""
    where = f"languages.{language}" if where is None else where
    at_top = f"{where}." if where else ""
    if not isinstance(raw, dict):
        checker.add(where, "must be a mapping with title, summary and sections")
        return None
    title = checker.text(f"{at_top}title", raw.get("title"), TITLE_LIMIT)
    summary = checker.text(f"{at_top}summary", raw.get("summary"), SUMMARY_LIMIT, html=True)
    raw_sections = raw.get("sections")
    if not isinstance(raw_sections, list) or not raw_sections:
        checker.add(f"{at_top}sections", "must be a non-empty list")
        raw_sections = []
    if len(raw_sections) > MAX_SECTIONS:
        checker.add(f"{at_top}sections", f"has {len(raw_sections)}; at most {MAX_SECTIONS}")
    sections = []
    for i, item in enumerate(raw_sections):
        at = f"{at_top}sections[{i}]"
        if not isinstance(item, dict):
            checker.add(at, "must be a mapping with clause, title and summary")
            continue
        clause = item.get("clause")
        clause = str(clause) if isinstance(clause, str | int | float) else ""
        if not CLAUSE_RE.match(clause):
            checker.add(f"{at}.clause", "must be a clause number such as 3 or 9.4 (in quotes)")
        question = item.get("question")
        sections.append(
            Section(
                clause=clause,
                title=checker.text(f"{at}.title", item.get("title"), TITLE_LIMIT),
                summary=checker.text(
                    f"{at}.summary", item.get("summary"), SUMMARY_LIMIT, html=True
                ),
                question=(
                    checker.text(f"{at}.question", question, QUESTION_LIMIT)
                    if question is not None
                    else None
                ),
            )
        )
    clauses = [s.clause for s in sections]
    if len(set(clauses)) != len(clauses):
        checker.add(f"{at_top}sections", "a clause number is used twice")
    return ConsultationText(title=title, summary=summary, sections=tuple(sections))


def parse_file(
    root: Path, path: Path, added: tuple[AddedLanguage, ...] = ()
) -> tuple[ConsultationSpec | None, list[Problem]]:
    """Parse and check one consultation file and its added languages' translations (each in
    `consultations/<code>/<id>.yaml`, laid over its bridge); every problem is listed."""
    checker = _Checker(root, path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        checker.add("file", f"cannot be read as YAML: {err}".splitlines()[0])
        return None, checker.problems
    if not isinstance(data, dict):
        checker.add("file", "must be a mapping at the top level")
        return None, checker.problems
    if data.get("schema_version") != SCHEMA_VERSION:
        checker.add("schema_version", f"must be {SCHEMA_VERSION}")
    slug = data.get("id")
    if not isinstance(slug, str) or not SLUG_RE.match(slug) or len(slug) > SLUG_MAX:
        checker.add("id", f"must be a lowercase slug (a-z, 0-9, -) of <= {SLUG_MAX} chars")
        slug = ""
    elif slug != path.stem:
        checker.add("id", f"must match the file name ({path.stem})")
    practice = data.get("practice", False)
    if not isinstance(practice, bool):
        checker.add("practice", "must be true or false")
    opens = _day(checker, "opens", data.get("opens"))
    closes = _day(checker, "closes", data.get("closes"))
    if opens and closes and closes <= opens:
        checker.add("closes", "must be after the open date")
    draft_url, draft_file = _draft(checker, root, data.get("draft"))
    raw_languages = data.get("languages")
    if not isinstance(raw_languages, dict):
        checker.add("languages", "must be a mapping of en, fr, hi and pt")
        raw_languages = {}
    texts: dict[str, ConsultationText] = {}
    for language in SUPPORTED_LANGUAGES:
        if language not in raw_languages:
            checker.add(f"languages.{language}", "is missing")
            continue
        parsed = _parse_text(checker, language, raw_languages[language])
        if parsed is not None:
            texts[language] = parsed
    for extra in sorted(set(map(str, raw_languages)) - set(SUPPORTED_LANGUAGES)):
        checker.add(f"languages.{extra}", "is not a language of the bot")
    reference = texts.get(REFERENCE_LANGUAGE)
    if reference is not None:
        want = [s.clause for s in reference.sections]
        for language, text in texts.items():
            got = [s.clause for s in text.sections]
            if got != want:
                checker.add(
                    f"languages.{language}.sections",
                    f"clauses {got} differ from English {want}",
                )
    translated: dict[str, frozenset[Path_]] = {}
    for new in added:
        if new.bridge not in texts or not slug:
            continue
        own = root / "consultations" / new.code / f"{slug}.yaml"
        parsed, taken, own_problems = _parse_added(root, own, raw_languages[new.bridge])
        checker.problems += own_problems
        texts[new.code] = parsed or texts[new.bridge]
        translated[new.code] = taken
    if checker.problems or opens is None or closes is None or reference is None:
        return None, checker.problems
    return (
        ConsultationSpec(
            id=slug,
            practice=bool(practice),
            opens_at=datetime.combine(opens, time(), UTC),
            closes_at=datetime.combine(closes, time(), UTC) + timedelta(days=1),
            draft_url=draft_url,
            draft_file=draft_file,
            texts=texts,
            translated=translated,
        ),
        [],
    )


def _parse_added(
    root: Path, path: Path, bridge: Any
) -> tuple[ConsultationText | None, frozenset[Path_], list[Problem]]:
    """An added language's (partial) file laid over its bridge's words, checked alike."""
    if not path.is_file():
        return None, frozenset(), []
    checker = _Checker(root, path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        checker.add("file", f"cannot be read as YAML: {err}".splitlines()[0])
        return None, frozenset(), checker.problems
    if isinstance(data, dict) and data.get("id") not in (None, path.stem):
        checker.add("id", f"must match the file name ({path.stem})")
    merged, taken = overlay(bridge, data, checker.add)
    parsed = _parse_text(checker, path.parent.name, merged, where="")
    return parsed, frozenset(taken), checker.problems


def _draft(checker: _Checker, root: Path, value: Any) -> tuple[str | None, str | None]:
    if not isinstance(value, str) or not value.strip():
        checker.add("draft", "must be an https:// link or a file under content/")
        return None, None
    value = value.strip()
    if value.startswith("https://"):
        if not URL_RE.match(value):
            checker.add("draft", "is not a valid https:// link")
        return value, None
    if "://" in value:
        checker.add("draft", "links must start with https://")
        return None, None
    path = (root / value).resolve()
    if not path.is_relative_to(root.resolve()):
        checker.add("draft", "the file must be under content/")
    elif not path.is_file():
        checker.add("draft", f"file {value} does not exist")
    elif path.stat().st_size > MAX_DRAFT_BYTES:
        checker.add("draft", "is larger than 20 MB")
    return None, value


def collect_consultations(content_dir: Path) -> tuple[dict[str, ConsultationSpec], list[Problem]]:
    """Every consultation file under `content/consultations/`, with the problems found."""
    root = content_dir.resolve()
    folder = root / "consultations"
    specs: dict[str, ConsultationSpec] = {}
    problems: list[Problem] = []
    if not folder.is_dir():
        return specs, problems
    # The course's checker reports problems of languages.yaml itself.
    added = read_languages(root, lambda path, where, message: None)
    for path in sorted(folder.glob("*.yaml")):
        spec, found = parse_file(root, path, added)
        problems += found
        if spec is not None:
            specs[spec.id] = spec
    codes = {language.code for language in added}
    for stray in sorted(folder.glob("*/*.yaml")):
        if stray.parent.name not in codes:
            problems.append(_Checker(root, stray).problem("is not in an added language's folder"))
        elif stray.stem not in specs and not (folder / f"{stray.stem}.yaml").is_file():
            problems.append(_Checker(root, stray).problem("has no consultation of that id"))
    return specs, problems


def consultation_texts(spec: ConsultationSpec, language: str) -> Iterator[Text]:
    """A consultation's texts in `language`, as a translator's spreadsheet lists them."""
    words = spec.text(language)
    file = f"consultations/{{lang}}/{spec.id}.yaml"
    at = f"Consultation {spec.id}"
    unit = f"consultation:{spec.id}"
    yield Text(
        f"{unit}:title",
        TextKind.CONSULTATION,
        f"{at}: title",
        TITLE_LIMIT,
        Markup.PLAIN,
        file,
        "title",
        ("title",),
        words.title,
    )
    yield Text(
        f"{unit}:summary",
        TextKind.CONSULTATION,
        f"{at}: summary",
        SUMMARY_LIMIT,
        Markup.SHORT_HTML,
        file,
        "summary",
        ("summary",),
        words.summary,
    )
    for i, section in enumerate(words.sections):
        where = f"{at}, section {section.clause}"
        base: Path_ = ("sections", section.clause)
        parts: list[tuple[str, str, int, Markup, str | None]] = [
            ("title", "title", TITLE_LIMIT, Markup.PLAIN, section.title),
            ("summary", "summary", SUMMARY_LIMIT, Markup.SHORT_HTML, section.summary),
            ("question", "the question asked", QUESTION_LIMIT, Markup.PLAIN, section.question),
        ]
        for name, label, limit, markup, value in parts:
            if value is None:
                continue
            yield Text(
                f"{unit}:section:{section.clause}:{name}",
                TextKind.CONSULTATION,
                f"{where}: {label}",
                limit,
                markup,
                file,
                f"sections[{i}].{name}",
                (*base, name),
                value,
            )
