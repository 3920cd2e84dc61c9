"""Certificate pieces without Telegram: names, codes, the throttle, and the drawn PDF."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from bot.config import PROJECT_ROOT
from bot.content import load_course
from bot.db.repositories import CertificateRecord
from bot.documents.certificate import (
    ZERO_WIDTH_SPACE,
    printable,
    render_certificate,
    verification_url,
)
from bot.i18n import I18n
from bot.services.certificates import (
    CODE_ALPHABET,
    Issued,
    NameHasOddCharacters,
    NameTooLong,
    NameTooShort,
    clean_name,
    format_code,
    new_code,
    normalise_code,
)

NOW = datetime(2026, 5, 4, 9, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Ana   Maria\tSouza ", "Ana Maria Souza"),
        ("Émile N'Diaye", "Émile N'Diaye"),
        ("प्रियंका क्षत्रिय", "प्रियंका क्षत्रिय"),
        ("Cafe\u0301", "Café"),  # combining accent normalised to one character
    ],
)
def test_good_names_are_tidied(raw: str, expected: str) -> None:
    assert clean_name(raw, printable()) == expected


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ("A", NameTooShort),
        ("12 34", NameTooShort),
        ("x" * 65, NameTooLong),
        ("Ana\u202eSouza", NameHasOddCharacters),  # right-to-left override
        ("Ana\u200bSouza", NameHasOddCharacters),  # zero-width space
        ("Ana\x07Souza", NameHasOddCharacters),
        ("Ana \U000f0000", NameHasOddCharacters),  # private use
        ("王小明", NameHasOddCharacters),  # no font on the certificate draws Chinese
    ],
)
def test_bad_names_are_refused(raw: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        clean_name(raw, printable())


def test_codes_are_long_random_and_unambiguous() -> None:
    codes = {new_code() for _ in range(500)}
    assert len(codes) == 500
    assert all(len(c) == 12 and set(c) <= set(CODE_ALPHABET) for c in codes)
    assert not set("01OIL") & set(CODE_ALPHABET)
    code = next(iter(codes))
    assert normalise_code(f" {format_code(code).lower()} ") == code
    assert normalise_code("ABCD-EFGH-JKM0") is None and normalise_code("short") is None


@pytest.mark.parametrize(("language", "name"), [("en", "Ana Souza"), ("hi", "प्रियंका")])
def test_the_pdf_is_one_page_with_name_code_link_qr_and_both_fonts(
    language: str, name: str
) -> None:
    course = load_course(PROJECT_ROOT / "content")
    modules = course.modules_in(language)
    scores = {m.id: (5, 5) for m in modules}
    cert = CertificateRecord("ABCDEFGHJKMN", 1, name, language, scores, NOW, None)
    issued = Issued(cert, tuple((m, scores[m.id]) for m in modules), new=True)
    t = I18n(default="en").translator(language)
    data = render_certificate(t, issued, language, "https://bot.example.org/")
    page = PdfReader(io.BytesIO(data)).pages[0]
    text = "".join(ch for ch in page.extract_text() if ch != chr(ZERO_WIDTH_SPACE))
    assert name in text and "ABCD-EFGH-JKMN" in text
    assert verification_url("https://bot.example.org/", cert.code) in text.replace("\n", "")
    assert modules[4].title.split()[0] in text
    assert text.count("5/5") == 5, "Latin after Devanagari keeps its font"
    assert len(page.images) == 1, "the QR code"
    fonts = str(page["/Resources"]["/Font"].get_object())  # type: ignore[index]
    assert len(PdfReader(io.BytesIO(data)).pages) == 1
    if language == "hi":
        assert len(page["/Resources"]["/Font"]) >= 2, fonts  # type: ignore[index]


@pytest.mark.parametrize("language", ["en", "fr", "hi", "pt"])
def test_the_pdf_names_its_issuer_and_says_it_is_not_asi_training(language: str) -> None:
    from bot.views.onboarding import issued_by, not_official_training

    course = load_course(PROJECT_ROOT / "content")
    modules = course.modules_in(language)
    scores = {m.id: (5, 5) for m in modules}
    cert = CertificateRecord("ABCDEFGHJKMN", 1, "Ana Souza", language, scores, NOW, None)
    issued = Issued(cert, tuple((m, scores[m.id]) for m in modules), new=True)
    t = I18n(default="en").translator(language)
    reader = PdfReader(io.BytesIO(render_certificate(t, issued, language, "https://x.org/")))
    assert len(reader.pages) == 1, "the longer footer still fits on one page"
    text = "".join(
        ch for ch in reader.pages[0].extract_text() if ch != chr(ZERO_WIDTH_SPACE)
    ).split()
    for said in (issued_by(t), not_official_training(t)):
        assert "".join(said.split()) in "".join(text), (language, said)
    if language != "en":
        assert not_official_training(t) != not_official_training(I18n().translator("en"))
    assert reader.metadata is not None
    assert "not ASI" in str(reader.metadata.get("/Creator")), "the PDF's creator is not ASI"
