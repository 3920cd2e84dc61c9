"""Files for trainers: the invitation QR code, the cohort's progress chart (PNG), its CSV
export, and the printable workshop pack (PDF). Pure and CPU-bound: handlers run them off the
event loop (`asyncio.to_thread`). Texts come translated from the caller or the Course.

Fonts: Noto Sans and Noto Sans Devanagari from bot/assets/fonts (OFL, licence shipped), so
Hindi renders with correct shaping (matplotlib lays text out with libraqm, fpdf2 with
HarfBuzz through uharfbuzz).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.content import Module, Question
from bot.telegram_html import visible_text

FONTS = Path(__file__).resolve().parent.parent / "assets" / "fonts"
LATIN = "NotoSans"
DEVANAGARI = "NotoSansDevanagari"


def qr_png(link: str) -> bytes:
    """A QR code of the link, large enough to scan from a printed page or a phone screen."""
    import qrcode

    image = qrcode.make(link, box_size=10, border=4)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@dataclass(frozen=True, slots=True)
class ChartLabels:
    """Translated texts of the chart."""

    title: str
    read: str  # members who read every lesson of the module
    passed: str  # members who passed its quiz
    axis: str  # "members"


def progress_chart_png(
    labels: ChartLabels,
    modules: Sequence[str],
    read: Sequence[int],
    passed: Sequence[int],
    members: int,
) -> bytes:
    """Grouped bars per module: members who finished the lessons, members who passed the quiz."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    for name in ("NotoSans-Regular.ttf", "NotoSansDevanagari-Regular.ttf"):
        font_manager.fontManager.addfont(str(FONTS / name))
    figure = Figure(figsize=(8, 4.5), dpi=100)
    axes = figure.add_subplot()
    positions = range(len(modules))
    width = 0.38
    axes.bar([p - width / 2 for p in positions], read, width, label=labels.read, color="#2b6cb0")
    axes.bar(
        [p + width / 2 for p in positions], passed, width, label=labels.passed, color="#38a169"
    )
    axes.set_xticks(list(positions), list(modules))
    axes.set_ylim(0, max(members, 1))
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylabel(labels.axis)
    axes.set_title(labels.title)
    legend = axes.legend(loc="upper right")
    for text in [axes.title, axes.yaxis.label, *axes.get_xticklabels(), *legend.get_texts()]:
        text.set_fontfamily(["Noto Sans", "Noto Sans Devanagari"])
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def csv_bytes(header: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheet programs read accents and Devanagari."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


@dataclass(frozen=True, slots=True)
class PackLabels:
    """Translated texts of the workshop pack."""

    heading: str  # "Module 2: How ASI is governed"
    key_point: str
    sources: str
    quiz: str
    answers: str
    footer: str  # cohort and date


def workshop_pdf(
    labels: PackLabels, module: Module, questions: Sequence[Question], created: datetime
) -> bytes:
    """The module's lessons card by card, then its quiz and, on its own page, the answers."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_title(labels.heading)
    pdf.set_creation_date(created)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_font(LATIN, "", str(FONTS / "NotoSans-Regular.ttf"))
    pdf.add_font(LATIN, "B", str(FONTS / "NotoSans-Bold.ttf"))
    pdf.add_font(DEVANAGARI, "", str(FONTS / "NotoSansDevanagari-Regular.ttf"))
    pdf.add_font(DEVANAGARI, "B", str(FONTS / "NotoSansDevanagari-Bold.ttf"))
    pdf.set_fallback_fonts([DEVANAGARI])
    pdf.set_text_shaping(True)
    pdf.add_page()
    width = pdf.epw

    def para(text: str, size: float = 11, style: str = "", gap: float = 2) -> None:
        # Lesson texts are Telegram HTML: print what a reader sees, tags removed.
        pdf.set_font(LATIN, style, size)
        pdf.multi_cell(width, size * 0.5, visible_text(text), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    para(labels.heading, 18, "B", 4)
    para(module.summary, 11, "", 4)
    for number, lesson in enumerate(module.lessons, start=1):
        para(f"{number}. {lesson.title}", 14, "B", 2)
        for card in lesson.cards:
            para(card.text)
        if lesson.key_point:
            para(f"{labels.key_point}: {lesson.key_point}", 11, "B")
        if lesson.sources:
            para(f"{labels.sources}: " + "; ".join(lesson.sources), 8)
        pdf.ln(2)
    if questions:
        pdf.add_page()
        para(labels.quiz, 16, "B", 4)
        for number, question in enumerate(questions, start=1):
            para(f"{number}. {question.text}", 11, "B", 1)
            for letter, option in zip("ABCD", question.options, strict=False):
                para(f"   {letter}. {option}", 11, "", 0.5)
            pdf.ln(2)
        pdf.add_page()
        para(labels.answers, 16, "B", 4)
        for number, question in enumerate(questions, start=1):
            letter = "ABCD"[question.correct]
            para(f"{number}. {letter} — {question.explanation}", 10, "", 1)
    pdf.ln(4)
    para(labels.footer, 8)
    return bytes(pdf.output())
