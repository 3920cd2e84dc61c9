"""Draw the one-page certificate PDF in the learner's language.

fpdf2 embeds Noto Sans (Latin) with Noto Sans Devanagari as a fallback font, and shapes text
with HarfBuzz (uharfbuzz), so Hindi conjuncts and vowel signs come out as they should; the
QR code of the verification link is drawn by `qrcode`. The fonts' OFL licence is shipped in
bot/assets/fonts.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

import qrcode
from babel.dates import format_date
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.fonts import Glyph

from bot.i18n import Translator, formatting_locale
from bot.services.certificates import Issued, format_code
from bot.views.onboarding import issued_by, not_official_training

FONTS = Path(__file__).resolve().parent.parent / "assets" / "fonts"
_FONT_FILES = {
    ("NotoSans", ""): "NotoSans-Regular.ttf",
    ("NotoSans", "B"): "NotoSans-Bold.ttf",
    ("NotoSansDevanagari", ""): "NotoSansDevanagari-Regular.ttf",
    ("NotoSansDevanagari", "B"): "NotoSansDevanagari-Bold.ttf",
}
ZERO_WIDTH_SPACE = 0x200B
INK = (33, 37, 41)
ACCENT = (31, 95, 139)


@lru_cache(maxsize=1)
def printable() -> frozenset[str]:
    """Every character the certificate's fonts can draw (names are checked against it)."""
    chars: set[str] = set()
    for file in {name for name in _FONT_FILES.values() if "Regular" in name}:
        cmap = TTFont(FONTS / file, lazy=True).getBestCmap() or {}
        chars.update(chr(code) for code in cmap)
    return frozenset(chars)


def verification_url(base: str, code: str) -> str:
    return f"{base.rstrip('/')}/verify/{code}"


def _qr_png(url: str) -> io.BytesIO:
    image = qrcode.make(url, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    return buffer


def _use_font(pdf: FPDF, style: str, size: float) -> None:
    """Select the Latin font, always writing the choice into the page.

    With fallback fonts, fpdf2 2.8 can start a cell with no font operator of its own: it
    believes the Latin font is still selected, but the previous cell's Devanagari selection
    was undone when that cell's graphics state was restored. Setting the font at the page's
    top level before every cell gives such a cell the right font (a same-font `set_font` is
    a no-op, hence the size change).
    """
    pdf.set_font("NotoSans", style, size + 1)
    pdf.set_font("NotoSans", style, size)


def _line(pdf: FPDF, text: str, size: float, *, bold: bool = False, gap: float = 2) -> None:
    _use_font(pdf, "B" if bold else "", size)
    pdf.multi_cell(0, size * 0.5, text, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(gap)


def render_certificate(t: Translator, issued: Issued, language: str, base_url: str) -> bytes:
    """The PDF bytes of the certificate, with every text in the learner's language."""
    cert = issued.certificate
    url = verification_url(base_url, cert.code)
    pdf = FPDF(orientation="portrait", format="A4")
    pdf.set_title(t.gettext("Certificate of completion"))
    pdf.set_creator("asi-learning-bot, an open-source course (not ASI)")
    pdf.set_creation_date(cert.issued_at)
    for (family, style), file in _FONT_FILES.items():
        pdf.add_font(family, style, FONTS / file)
    pdf.set_fallback_fonts(["NotoSansDevanagari"], exact_match=False)
    pdf.set_text_shaping(True)
    pdf.set_auto_page_break(False)
    pdf.set_margins(20, 18, 20)
    pdf.add_page()
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.set_text_color(*ACCENT)
    pdf.ln(8)
    _line(pdf, t.gettext("Certificate of completion"), 26, bold=True, gap=8)
    pdf.set_text_color(*INK)
    _line(pdf, t.gettext("This certifies that"), 13, gap=4)
    _line(pdf, cert.name or "", 24, bold=True, gap=5)
    _line(
        pdf,
        t.gettext(
            "completed the five modules of the course on the Aluminium Stewardship "
            "Initiative (ASI) and passed the quiz of each module:"
        ),
        12,
        gap=6,
    )
    width = pdf.w - pdf.l_margin - pdf.r_margin
    for module, (score, total) in issued.modules:
        title = t.gettext("Module {number}: {title}").format(
            number=module.number, title=module.title
        )
        _use_font(pdf, "", 12)
        pdf.cell(width - 30, 9, title, new_x="RIGHT", new_y="TOP")
        _use_font(pdf, "", 12)
        pdf.cell(30, 9, f"{score}/{total}", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    date = format_date(cert.issued_at.date(), "long", locale=formatting_locale(language))
    _line(pdf, t.gettext("Issued on {date}").format(date=date), 12, gap=2)
    _line(
        pdf,
        t.gettext("Verification code: {code}").format(code=format_code(cert.code)),
        13,
        bold=True,
        gap=4,
    )
    qr_size = 42
    pdf.image(_qr_png(url), x=(pdf.w - qr_size) / 2, y=pdf.get_y(), w=qr_size, h=qr_size)
    pdf.set_y(pdf.get_y() + qr_size + 2)
    _line(pdf, t.gettext("Check this certificate at:"), 10, gap=0)
    _line(pdf, url, 10, gap=6)
    _line(pdf, issued_by(t), 10, bold=True, gap=1)
    pdf.set_text_color(90, 90, 90)
    _line(
        pdf,
        not_official_training(t)
        + " "
        + t.gettext(
            "It shows that the course was completed; it is not an ASI certification of a "
            "company or site."
        ),
        9,
        gap=0,
    )
    _give_every_glyph_text(pdf)
    return bytes(pdf.output())


def _give_every_glyph_text(pdf: FPDF) -> None:
    """Map text-less glyphs to a zero-width space in the PDF's ToUnicode table.

    fpdf2 gives a shaped cluster's text to its first glyph only; the other glyphs of the
    cluster (a Devanagari conjunct after a reordered vowel sign) get none and are then left
    out of the ToUnicode table, so copying or extracting the text yields stray codes in the
    middle of Hindi words. An invisible zero-width space keeps the extracted words intact.
    This reaches into fpdf2's subset map (checked by tests/unit/test_certificate.py).
    """
    for font in pdf.fonts.values():
        subset = getattr(font, "subset", None)
        mapping = getattr(subset, "_char_id_per_glyph", None)
        if not isinstance(mapping, dict):
            continue
        fixed = {}
        for glyph, char_id in mapping.items():
            if glyph is not None and glyph.unicode == ():
                glyph = Glyph(
                    glyph.glyph_id, (ZERO_WIDTH_SPACE,), glyph.glyph_name, glyph.glyph_width
                )
            fixed[glyph] = char_id
        mapping.clear()
        mapping.update(fixed)
