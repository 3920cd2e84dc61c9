"""A translator at work, for the tests: a copy of content/ and locales/, a spreadsheet and a
PO file exported from it and filled in, as a person would in a spreadsheet program."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from babel.messages.pofile import read_po, write_po
from openpyxl import load_workbook

from bot.config import PROJECT_ROOT
from bot.content import Course, load_course
from bot.content.texts import course_texts
from bot.content.translation import export, import_files
from bot.i18n import I18n
from bot.telegram_html import visible_text

CODE = "xx"  # a code no real language has: the tests' language, never committed
NAME = "Xish"
MARK = "XX "  # starts every text the test translator translates
CONSULTATION_TITLE = "consultation:practice-community-voice:title"


@dataclass(frozen=True)
class Workspace:
    content: Path
    locales: Path
    xlsx: Path
    po: Path


def workspace(tmp_path: Path, bridge: str = "fr") -> Workspace:
    """Copies of content/ and locales/, and the test language's files exported from them."""
    content = tmp_path / "content"
    locales = tmp_path / "locales"
    shutil.copytree(PROJECT_ROOT / "content", content)
    shutil.copytree(PROJECT_ROOT / "locales", locales)
    xlsx, po = export(content, locales, CODE, tmp_path / "out", bridge=bridge, name=NAME)
    return Workspace(content, locales, xlsx, po)


@dataclass(frozen=True)
class Row:
    key: str
    kind: str
    limit: int | None
    english: str


def marked(row: Row) -> str:
    """The English text with the mark in front where it still fits its limit."""
    html = row.kind in {"card", "key point"}
    length = len(visible_text(row.english)) if html else len(row.english)
    if row.limit is not None and length + len(MARK) > row.limit:
        return row.english
    return MARK + row.english


def fill_sheet(xlsx: Path, take: Callable[[Row], str | None]) -> dict[str, int]:
    """Write `take(row)` into each row's translation cell (None leaves it empty); return
    each id's row number."""
    book = load_workbook(xlsx)
    sheet = book["Texts"]
    rows: dict[str, int] = {}
    for row in sheet.iter_rows(min_row=2):
        key = str(row[0].value)
        rows[key] = row[0].row
        limit = int(str(row[3].value)) if row[3].value is not None else None
        value = take(Row(key, str(row[1].value), limit, str(row[5].value or "")))
        if value is not None:
            row[7].value = value
    book.save(xlsx)
    return rows


def module_keys(content: Path, module_id: str) -> set[str]:
    """The ids of every text of one module: its titles, cards, key points and quiz."""
    course = load_course(content)
    return {t.key for t in course_texts(course, "en") if t.module == module_id}


def fill_po(po: Path, change: Callable[[str], str] = lambda s: s) -> None:
    """Translate every interface string as `change(English)` (placeholders kept)."""
    with po.open("rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if message.id:
            message.string = (
                change(message.id) if isinstance(message.id, str) else tuple(message.id)
            )
    with po.open("wb") as handle:
        write_po(handle, catalog)


def translated_course(tmp_path: Path) -> tuple[Workspace, Course, I18n]:
    """A copy of the course where module 1, the practice consultation's title and the
    interface are translated into the test language (bridge: French, the interface's "Key
    point" marked) and nothing else is."""
    space = workspace(tmp_path, bridge="fr")
    first = module_keys(space.content, "value-chain") | {CONSULTATION_TITLE}
    fill_sheet(space.xlsx, lambda row: marked(row) if row.key in first else None)
    fill_po(space.po, lambda s: s.replace("Key point", "Xish key point"))
    written = import_files(space.content, space.locales, [space.xlsx, space.po])
    assert any(path.endswith("modules/xx/1-value-chain.yaml") for path in written)
    course = load_course(space.content)
    i18n = I18n(default="en", locales_dir=space.locales, added=course.ready_languages())
    assert CODE in i18n.languages
    return space, course, i18n
