"""A translator's round trip: the course out as a spreadsheet and a PO file, and back in.

The spreadsheet (one row a text: its id, where a learner meets it, its limit and rules, the
English and bridge-language words, the translation so far) suits people who work in Excel or
LibreOffice; interface strings go in a gettext PO file, which translation tools read and
which keeps plural forms. An import is checked in full on a copy of `content/` by the same
checker as `asi-bot content check` before one file is written, and every problem names its
row (or its PO line).
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from babel.messages.catalog import Catalog
from babel.messages.pofile import PoFileError, read_po, write_po
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font

from bot.config import SUPPORTED_LANGUAGES
from bot.content.consultations import ConsultationSpec, collect_consultations, consultation_texts
from bot.content.languages import CODE_RE, SHIPPED_NAMES, AddedLanguage, write_language
from bot.content.loader import Problem, collect
from bot.content.model import REFERENCE_LANGUAGE, Course
from bot.content.texts import Text, build_document, course_texts
from bot.i18n import TEMPLATE, catalogue_path
from bot.telegram_html import html_problems

TEXTS_SHEET, LANGUAGE_SHEET = "Texts", "Language"
HEADER = ("id", "kind", "where", "limit", "rules", "English", "bridge", "translation")
_PLACEHOLDER_RE = re.compile(r"\{\w*\}")
_TAG_RE = re.compile(r"</?\s*([a-zA-Z][a-zA-Z0-9-]*)")


@dataclass(frozen=True, slots=True)
class ImportProblem:
    file: str
    row: str  # "row 12 (card:vc-stages-1)", "line 40", or "" for the whole file
    message: str

    def __str__(self) -> str:
        return (
            f"{self.file}: {self.row}: {self.message}"
            if self.row
            else (f"{self.file}: {self.message}")
        )


class TranslationError(Exception):
    """The files cannot be imported; `problems` lists every one found."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@dataclass(frozen=True, slots=True)
class _Content:
    course: Course
    consultations: tuple[ConsultationSpec, ...]

    def texts(self, language: str) -> list[Text]:
        """Every text a translator translates: the course's, then the consultations'."""
        found = list(course_texts(self.course, language))
        for spec in self.consultations:
            found += consultation_texts(spec, language)
        return found


def _load(content_dir: Path) -> _Content:
    course, problems = collect(content_dir)
    specs, consultation_problems = collect_consultations(content_dir)
    problems = problems + consultation_problems
    if problems or course is None:
        raise TranslationError([ImportProblem(str(p.file), p.field, p.message) for p in problems])
    return _Content(course, tuple(specs.values()))


def _texts_by_key(content: _Content, language: str) -> dict[str, str]:
    """The texts `language` itself has (none of those it shows in its bridge)."""
    skipped = content.course.untranslated.get(language, frozenset())
    found = {
        t.key: t.value for t in course_texts(content.course, language) if t.key not in skipped
    }
    for spec in content.consultations:
        own = spec.translated.get(language)
        for text in consultation_texts(spec, language):
            if own is None or text.path in own:
                found[text.key] = text.value
    return found


def export(
    content_dir: Path,
    locales_dir: Path,
    language: str,
    out_dir: Path,
    bridge: str | None = None,
    name: str | None = None,
) -> tuple[Path, Path]:
    """Write `<out_dir>/<language>.xlsx` and `<language>.po`; return their paths."""
    content = _load(content_dir)
    course = content.course
    known = next((a for a in course.added if a.code == language), None)
    bridge = bridge or (known.bridge if known else REFERENCE_LANGUAGE)
    name = name or (known.name if known else SHIPPED_NAMES.get(language, language))
    if not CODE_RE.match(language) or bridge not in SUPPORTED_LANGUAGES:
        raise TranslationError(
            [ImportProblem(language, "", "needs a 2-3 letter code and a shipped bridge")]
        )
    english = content.texts(REFERENCE_LANGUAGE)
    bridged = _texts_by_key(content, bridge)
    current = _texts_by_key(content, language) if language in course.modules else {}
    out_dir.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    about = book.active
    assert about is not None
    about.title = LANGUAGE_SHEET
    for row in (
        ("code", language),
        ("name", name),
        ("bridge", bridge),
        (),
        (
            "How to",
            "Write each translation in the last column of the Texts sheet. Leave a "
            "cell empty where you have no translation yet: learners then read the bridge "
            "language there. Keep the id column as it is.",
        ),
    ):
        about.append(row)
    about.column_dimensions["B"].width = 90
    sheet = book.create_sheet(TEXTS_SHEET)
    sheet.append([*HEADER[:6], f"{SHIPPED_NAMES[bridge]} ({bridge})", f"{name} ({language})"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for text in english:
        sheet.append(
            [
                text.key,
                str(text.kind),
                text.where,
                text.limit,
                str(text.markup),
                text.value,
                bridged.get(text.key, ""),
                current.get(text.key, ""),
            ]
        )
    for column, width in zip("ABCDEFGH", (28, 10, 34, 7, 24, 60, 60, 60), strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row[5:]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "B2"
    xlsx = out_dir / f"{language}.xlsx"
    book.save(xlsx)
    po = out_dir / f"{language}.po"
    po.write_bytes(_interface_po(locales_dir, language, bridge))
    return xlsx, po


def _read_catalog(path: Path, language: str | None) -> Catalog:
    from bot.i18n import babel_locale

    with path.open("rb") as handle:
        return read_po(handle, locale=babel_locale(language) if language else None)


def _interface_po(locales_dir: Path, language: str, bridge: str) -> bytes:
    """The template with the translations so far and, as a note, the bridge's words."""
    from io import BytesIO

    from bot.i18n import babel_locale

    template = _read_catalog(locales_dir / TEMPLATE, None)
    own_path = catalogue_path(locales_dir, language)
    own = _read_catalog(own_path, language) if own_path.is_file() else None
    bridge_path = catalogue_path(locales_dir, bridge)
    bridged = _read_catalog(bridge_path, bridge) if bridge_path.is_file() else None
    catalog = Catalog(locale=babel_locale(language), project="asi-learning-bot", fuzzy=False)
    for message in template:
        if not message.id:
            continue
        found = own.get(message.id, context=message.context) if own else None
        hint = bridged.get(message.id, context=message.context) if bridged else None
        comments = list(message.auto_comments)
        if hint is not None and hint.string:
            shown = hint.string if isinstance(hint.string, str) else " | ".join(hint.string)
            comments.append(f"{bridge}: {shown}")
        string: Any = (
            found.string
            if found is not None and not found.fuzzy
            else (("",) * 2 if isinstance(message.id, tuple) else "")
        )
        catalog.add(
            message.id,
            string,
            context=message.context,
            auto_comments=comments,
            flags=message.flags,
        )
    buffer = BytesIO()
    write_po(buffer, catalog, width=99, omit_header=False)
    text = buffer.getvalue().decode("utf-8")
    # Babel leaves the header's language empty for a code CLDR does not know.
    known = catalog.locale_identifier or ""
    text = text.replace(f'"Language: {known}\\n"', f'"Language: {language}\\n"')
    return text.encode("utf-8")


# --- import --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Row:
    number: int
    text: Text
    value: str


def import_files(content_dir: Path, locales_dir: Path, files: Iterable[Path]) -> list[str]:
    """Check the spreadsheet and/or PO file; write them only when nothing is wrong.

    Returns what was written; raises TranslationError with every problem otherwise."""
    content = _load(content_dir)
    problems: list[ImportProblem] = []
    language: AddedLanguage | None = None
    rows: list[_Row] = []
    numbers: dict[str, int] = {}
    sheet_name = ""
    po_file: Path | None = None
    po_language: str | None = None
    for path in files:
        if path.suffix.lower() == ".xlsx":
            language, rows, numbers = _read_sheet(content, path, problems)
            sheet_name = path.name
        elif path.suffix.lower() == ".po":
            po_file = path
        else:
            problems.append(ImportProblem(path.name, "", "is neither an .xlsx nor a .po file"))
    if po_file is not None:
        po_language = _check_po(locales_dir, po_file, language, problems)
    code = language.code if language else po_language
    if code in SUPPORTED_LANGUAGES:
        problems.append(
            ImportProblem(code, "", "is a shipped language: edit its content/ files directly")
        )
    with tempfile.TemporaryDirectory(prefix="asi-import-") as scratch:
        staged = Path(scratch) / content_dir.name
        written: list[str] = []
        files_written: list[str] = []
        if language is not None and language.code not in SUPPORTED_LANGUAGES:
            shutil.copytree(content_dir, staged)
            files_written = _stage(staged, language, rows)
            _check_staged(staged, content, language, sheet_name, numbers, problems)
        if problems:
            raise TranslationError(problems)
        if language is not None:
            _replace_language(content_dir, staged, language, files_written)
            written += [str(content_dir / f) for f in files_written]
        if po_file is not None and code is not None:
            target = catalogue_path(locales_dir, code)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(po_file, target)
            written.append(str(target))
    return written


def _read_sheet(
    content: _Content, path: Path, problems: list[ImportProblem]
) -> tuple[AddedLanguage | None, list[_Row], dict[str, int]]:
    name = path.name
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (OSError, ValueError, KeyError) as err:  # not a readable XLSX file
        problems.append(ImportProblem(name, "", f"cannot be read as a spreadsheet ({err})"))
        return None, [], {}
    if LANGUAGE_SHEET not in book.sheetnames or TEXTS_SHEET not in book.sheetnames:
        problems.append(
            ImportProblem(name, "", f"needs the sheets {LANGUAGE_SHEET} and {TEXTS_SHEET}")
        )
        return None, [], {}
    about = {
        str(row[0]).strip(): str(row[1]).strip() if len(row) > 1 and row[1] is not None else ""
        for row in book[LANGUAGE_SHEET].iter_rows(values_only=True)
        if row and row[0] is not None
    }
    code, language_name, bridge = (
        about.get("code", ""),
        about.get("name", ""),
        about.get("bridge", ""),
    )
    language: AddedLanguage | None = AddedLanguage(code, language_name or code, bridge)
    if not CODE_RE.match(code):
        problems.append(ImportProblem(name, f"{LANGUAGE_SHEET} code", "must be 2-3 letters"))
        language = None
    if bridge not in SUPPORTED_LANGUAGES:
        problems.append(
            ImportProblem(
                name,
                f"{LANGUAGE_SHEET} bridge",
                f"must be one of {', '.join(SUPPORTED_LANGUAGES)}",
            )
        )
        language = None
    english = {t.key: t for t in content.texts(REFERENCE_LANGUAGE)}
    rows: list[_Row] = []
    seen: dict[str, int] = {}
    sheet = book[TEXTS_SHEET]
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        if number == 1:
            if [str(c or "").strip() for c in row[:6]] != list(HEADER[:6]):
                problems.append(
                    ImportProblem(name, "row 1", f"the columns must be {', '.join(HEADER)}")
                )
                return language, [], {}
            continue
        key = str(row[0] or "").strip() if row else ""
        raw = row[7] if len(row) > 7 else None
        value = "" if raw is None else str(raw).replace("\r\n", "\n").strip()
        if not key:
            if value:
                problems.append(ImportProblem(name, f"row {number}", "has no id"))
            continue
        where = f"row {number} ({key})"
        if key not in english:
            problems.append(ImportProblem(name, where, "is not a text of the course"))
            continue
        if key in seen:
            problems.append(ImportProblem(name, where, f"repeats row {seen[key]}"))
            continue
        seen[key] = number
        if value:
            rows.append(_Row(number, english[key], value))
    book.close()
    return language, rows, seen


class _BlockDumper(yaml.SafeDumper):
    """Writes texts of several lines as `|-` blocks, as authors write them by hand."""


def _text_block(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_BlockDumper.add_representer(str, _text_block)


_FOLDERS = ("modules", "quizzes", "consultations")  # <folder>/<lang>/… for each language
_FILES = ("glossary", "faq")  # <folder>/<lang>.yaml


def _remove_language(content_dir: Path, code: str) -> None:
    for folder in _FOLDERS:
        shutil.rmtree(content_dir / folder / code, ignore_errors=True)
    for folder in _FILES:
        (content_dir / folder / f"{code}.yaml").unlink(missing_ok=True)


def _stage(staged: Path, language: AddedLanguage, rows: list[_Row]) -> list[str]:
    """Write the language's files into the staged copy; return them (relative paths)."""
    _remove_language(staged, language.code)
    by_file: dict[str, list[_Row]] = {}
    for row in rows:
        by_file.setdefault(row.text.file.format(lang=language.code), []).append(row)
    for relative, file_rows in by_file.items():
        header: dict[str, Any] = {"schema_version": 1}
        module = file_rows[0].text.module
        if relative.startswith("modules/") and module:
            header["id"] = module
        elif relative.startswith("quizzes/") and module:
            header["module"] = module
        elif relative.startswith("consultations/"):
            header["id"] = Path(relative).stem
        doc = build_document([(r.text, r.value) for r in file_rows], header)
        target = staged / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(
            yaml.dump(doc, Dumper=_BlockDumper, allow_unicode=True, sort_keys=False, width=99),
            encoding="utf-8",
        )
    write_language(staged, language)
    return [*sorted(by_file), "languages.yaml"]


def _check_staged(
    staged: Path,
    content: _Content,
    language: AddedLanguage,
    sheet: str,
    numbers: dict[str, int],
    problems: list[ImportProblem],
) -> None:
    """Run the content check on the staged copy; give each problem the row it comes from."""
    _, found = collect(staged)
    _, consultation_problems = collect_consultations(staged)
    found = found + consultation_problems
    # English as it was: a broken row may leave the staged copy unreadable, never English.
    english = content.texts(REFERENCE_LANGUAGE)
    place: dict[tuple[str, str], Text] = {
        (f"{staged.name}/{t.file.format(lang=language.code)}", t.field): t for t in english
    }
    for problem in found:
        text = _text_of(place, problem)
        if text is None:
            problems.append(ImportProblem(problem.file, problem.field, problem.message))
            continue
        row = numbers.get(text.key)
        at = f"{TEXTS_SHEET} row {row} ({text.key})" if row else f"({text.key})"
        problems.append(ImportProblem(sheet, at, problem.message))


def _text_of(place: dict[tuple[str, str], Text], problem: Problem) -> Text | None:
    field = problem.field
    while field:
        found = place.get((problem.file, field))
        if found is not None:
            return found
        cut = max(field.rfind("."), field.rfind("["))
        field = field[:cut] if cut > 0 else ""
    return None


def _replace_language(
    content_dir: Path, staged: Path, language: AddedLanguage, files: list[str]
) -> None:
    _remove_language(content_dir, language.code)
    for relative in files:
        target = content_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(staged / relative, target)


def _check_po(
    locales_dir: Path,
    path: Path,
    language: AddedLanguage | None,
    problems: list[ImportProblem],
) -> str | None:
    """Every string known, placeholders kept, markup valid, nothing fuzzy; the file's code."""
    name = path.name
    try:
        with path.open("rb") as handle:
            catalog = read_po(handle, abort_invalid=True)
    except (PoFileError, OSError, UnicodeDecodeError) as err:
        problems.append(ImportProblem(name, "", f"cannot be read as a PO file ({err})"))
        return None
    code = (catalog.locale_identifier or "") if catalog.locale else ""
    code = code or _header_language(path) or path.stem
    if language is not None and code != language.code:
        problems.append(
            ImportProblem(name, "", f"is for {code!r}, the spreadsheet for {language.code!r}")
        )
    if not CODE_RE.match(code):
        problems.append(ImportProblem(name, "Language", "must be a 2-3 letter code"))
    template = _read_catalog(locales_dir / TEMPLATE, None)
    for message in catalog:
        if not message.id:
            continue
        at = f"line {message.lineno}"
        if template.get(message.id, context=message.context) is None:
            problems.append(ImportProblem(name, at, "is not a string of the interface"))
            continue
        raw = message.string if isinstance(message.string, tuple) else (message.string,)
        strings = [str(s or "") for s in raw]
        if not any(strings):
            continue
        if message.fuzzy:
            problems.append(
                ImportProblem(name, at, "is marked fuzzy: check it, then remove the mark")
            )
        ids = [str(i) for i in (message.id if isinstance(message.id, tuple) else (message.id,))]
        wanted = set(_PLACEHOLDER_RE.findall(ids[-1]))
        for string in strings:
            got = set(_PLACEHOLDER_RE.findall(string))
            # A plural's singular may leave out {n} ("one card"); nothing else may go.
            plural_extra = got - wanted - set(_PLACEHOLDER_RE.findall(ids[0]))
            if (got != wanted) if isinstance(message.id, str) else bool(plural_extra):
                problems.append(_placeholder_problem(name, at, wanted, got))
            for issue in html_problems(string):
                problems.append(ImportProblem(name, at, f"invalid Telegram HTML: {issue}"))
            tags = {t.lower() for t in _TAG_RE.findall(string)}
            allowed = {t.lower() for i in ids for t in _TAG_RE.findall(i)}
            for tag in sorted(tags - allowed):
                problems.append(ImportProblem(name, at, f"tag <{tag}> is not in the English"))
        if isinstance(message.id, tuple) and len(strings) != catalog.num_plurals:
            problems.append(ImportProblem(name, at, f"needs {catalog.num_plurals} plural forms"))
    return code


def _placeholder_problem(name: str, at: str, wanted: set[str], got: set[str]) -> ImportProblem:
    return ImportProblem(
        name,
        at,
        f"must keep the placeholders {', '.join(sorted(wanted)) or 'none'} "
        f"(found {', '.join(sorted(got)) or 'none'})",
    )


def _header_language(path: Path) -> str | None:
    match = re.search(r'^"Language: ([a-z]{2,3})\\n"', path.read_text("utf-8"), re.M)
    return match.group(1) if match else None
