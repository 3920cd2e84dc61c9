"""Consultations: the content check, answer checks, the hourly limit and callback data."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from bot.actions.consultations import KAnswer, KExport, KIdentity, KPublish, KSection, KStance
from bot.config import PROJECT_ROOT
from bot.content.consultations import ConsultationSpec, collect_consultations
from bot.documents.consultation_exports import ZipPart
from bot.services.answer_limit import AnswerLimit
from bot.services.consultations import (
    Answer,
    AnswerTooLong,
    EmptyAnswer,
    FileTooLarge,
    UnsupportedAnswer,
    check_answer,
    reference,
)

REAL = PROJECT_ROOT / "content"


def _language(title: str = "T", clauses: tuple[str, ...] = ("1", "2")) -> dict[str, object]:
    return {
        "title": title,
        "summary": "A <b>short</b> summary.",
        "sections": [
            {"clause": c, "title": f"Part {c}", "summary": "What it says.", "question": "Q?"}
            for c in clauses
        ],
    }


def _write(root: Path, data: dict[str, object], name: str = "c-1") -> None:
    folder = root / "consultations"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")


def _good() -> dict[str, object]:
    return {
        "schema_version": 1,
        "id": "c-1",
        "practice": True,
        "opens": date(2027, 3, 1),
        "closes": date(2027, 4, 29),
        "draft": "https://aluminium-stewardship.org/asi-standards",
        "languages": {lang: _language() for lang in ("en", "fr", "hi", "pt")},
    }


def test_the_shipped_consultations_are_valid_and_round_trip() -> None:
    specs, problems = collect_consultations(REAL)
    assert problems == []
    assert specs, "at least one consultation ships for the playground"
    for spec in specs.values():
        assert ConsultationSpec.from_data(spec.as_data()) == spec
        assert spec.closes_at > spec.opens_at
        for text in spec.texts.values():
            assert "\n" not in text.sections[0].summary, "wrapped lines are joined"


def test_a_good_file_with_a_draft_file_in_the_repository(tmp_path: Path) -> None:
    data = _good()
    (tmp_path / "drafts").mkdir()
    (tmp_path / "drafts" / "draft.pdf").write_bytes(b"%PDF-1.4")
    data["draft"] = "drafts/draft.pdf"
    _write(tmp_path, data)
    specs, problems = collect_consultations(tmp_path)
    assert problems == []
    spec = specs["c-1"]
    assert spec.draft_file == "drafts/draft.pdf" and spec.draft_url is None
    assert spec.opens_at == datetime(2027, 3, 1, tzinfo=UTC)
    assert spec.closes_at == datetime(2027, 4, 30, tzinfo=UTC), "open through the close date"
    assert spec.clauses == ("1", "2")


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (lambda d: d["languages"].pop("pt"), "languages.pt", "is missing"),
        (
            lambda d: d["languages"]["fr"].update(summary="x" * 701),
            "languages.fr.summary",
            "the limit is 700",
        ),
        (
            lambda d: d["languages"]["hi"].update(summary="<b>unclosed"),
            "languages.hi.summary",
            "invalid Telegram HTML",
        ),
        (lambda d: d.update(closes=d["opens"]), "closes", "after the open date"),
        (lambda d: d.update(opens="soon"), "opens", "YYYY-MM-DD"),
        (
            lambda d: d["languages"]["en"]["sections"][0].update(clause="9.x"),
            "languages.en.sections[0].clause",
            "clause number",
        ),
        (
            lambda d: d["languages"]["pt"].update(
                sections=_language(clauses=("1", "3"))["sections"]
            ),
            "languages.pt.sections",
            "differ from English",
        ),
        (lambda d: d.update(draft="http://example.org/d.pdf"), "draft", "https://"),
        (lambda d: d.update(draft="drafts/missing.pdf"), "draft", "does not exist"),
        (lambda d: d.update(draft="../../etc/passwd"), "draft", "under content/"),
        (lambda d: d.update(id="other"), "id", "file name"),
        (
            lambda d: d["languages"]["en"]["sections"][1].update(question="<i>q</i>"),
            "languages.en.sections[1].question",
            "plain text",
        ),
    ],
)
def test_problems_are_reported_with_field(
    tmp_path: Path, change: object, field: str, message: str
) -> None:
    data = _good()
    change(data)  # type: ignore[operator]
    _write(tmp_path, data)
    specs, problems = collect_consultations(tmp_path)
    assert specs == {}
    assert any(p.field == field and message in p.message for p in problems), problems


def test_answers_are_checked() -> None:
    with pytest.raises(EmptyAnswer):
        check_answer(Answer("text", text=" \u200b\u2060\n"), 20)
    with pytest.raises(AnswerTooLong):
        check_answer(Answer("text", text="a" * 4001), 20)
    with pytest.raises(UnsupportedAnswer):
        check_answer(Answer("other"), 20)
    with pytest.raises(UnsupportedAnswer):
        check_answer(Answer("document", None, "F1", 10, "application/x-msdownload", "a.exe"), 20)
    with pytest.raises(FileTooLarge):
        check_answer(Answer("voice", None, "F1", 20 * 1024 * 1024 + 1, "audio/ogg"), 20)
    ok = check_answer(Answer("photo", "  look  ", "F2", 1000, "image/jpeg"), 20)
    assert ok.text == "look" and ok.file_id == "F2"
    assert check_answer(Answer("voice", "", "F3", None, "audio/ogg"), 20).text is None


async def test_the_hourly_limit_forgets_after_an_hour() -> None:
    limit = AnswerLimit()
    now = datetime(2027, 1, 1, tzinfo=UTC)
    for i in range(30):
        assert await limit.allows(7, now + timedelta(minutes=i))
        await limit.note(7, now + timedelta(minutes=i))
    assert not await limit.allows(7, now + timedelta(minutes=59))
    assert await limit.allows(8, now), "per person"
    assert await limit.allows(7, now + timedelta(minutes=60)), "the first one is an hour old"


def test_references_and_callback_data() -> None:
    assert reference(3, 42) == "C3-0042"
    assert reference(12, 98765) == "C12-98765"
    assert len(KPublish("a" * 40).pack().encode()) <= 64
    assert KSection.unpack("ks:1:2") == KSection(1, 2)
    for forged in ("ks:1", "ks:1:2:3", "ks:a:1", "ks:-1:2", "ks:1-2"):
        assert KSection.unpack(forged) is None
    assert KStance.unpack("ka:1:0:x") is None
    assert KIdentity.unpack("ki:1:0:a:z") is None
    assert KExport.unpack("kx:1:pdf") is None and KExport.unpack("kx:1:zip") is not None
    assert KAnswer(999999999999, 99999).pack() == "kv:999999999999:99999"


def test_zip_parts_stay_under_their_limit() -> None:
    part = ZipPart.new(10)
    assert part.fits(50), "an empty part takes one file of any size"
    part.add("a.ogg", b"x" * 6)
    assert part.fits(4) and not part.fits(5)
    part.add("b.ogg", b"y" * 4)
    archive = zipfile.ZipFile(io.BytesIO(part.close()))
    assert archive.namelist() == ["a.ogg", "b.ogg"] and archive.read("b.ogg") == b"yyyy"
