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
from bot.db.repositories import CohortRecord
from bot.documents.cells import safe_cell
from bot.i18n import Translator
from bot.services.cohorts import CohortProgress
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
    writer.writerow([safe_cell(h) for h in header])
    writer.writerows([safe_cell(v) for v in row] for row in rows)
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


# --- a cohort's files, from what its members share -------------------------------------------


def cohort_chart(t: Translator, progress: CohortProgress) -> bytes:
    """Members per module who finished its lessons and who passed its quiz (PNG)."""
    count = len(progress.modules)
    read = [sum(1 for m in progress.members if m.modules[i].done) for i in range(count)]
    passed = [
        sum(1 for m in progress.members if (s := m.modules[i].best) is not None and s.passed)
        for i in range(count)
    ]
    labels = ChartLabels(
        title=progress.cohort.name,
        read=t.gettext("finished the lessons"),
        passed=t.gettext("passed the quiz"),
        axis=t.gettext("members"),
    )
    names = [str(module.number) for module in progress.modules]
    return progress_chart_png(labels, names, read, passed, len(progress.members))


def cohort_csv(t: Translator, progress: CohortProgress) -> bytes:
    """One row per member: name, dates, modules done, cards read and best score per module."""
    header = [
        t.gettext("Name"),
        t.gettext("Joined"),
        t.gettext("Last active"),
        t.gettext("Modules done"),
    ]
    for module in progress.modules:
        header += [
            t.gettext("Module {n}: cards read").format(n=module.number),
            t.gettext("Module {n}: best quiz score").format(n=module.number),
        ]
    rows: list[list[object]] = []
    for member in progress.members:
        row: list[object] = [
            member.name,
            member.joined_at.date().isoformat(),
            member.last_seen_at.date().isoformat(),
            member.modules_done,
        ]
        for standing in member.modules:
            row.append(f"{standing.seen}/{standing.total}")
            row.append(f"{standing.best.score}/{standing.best.total}" if standing.best else "")
        rows.append(row)
    return csv_bytes(header, rows)


def workshop_pack(
    t: Translator,
    cohort: CohortRecord,
    module: Module,
    questions: Sequence[Question],
    created: datetime,
) -> bytes:
    """The workshop pack PDF, labelled with `t` (the cohort's language)."""
    labels = PackLabels(
        heading=t.gettext("Module {n}: {title}").format(n=module.number, title=module.title),
        key_point=t.gettext("Key point"),
        sources=t.gettext("Sources"),
        quiz=t.gettext("Quiz"),
        answers=t.gettext("Answers"),
        footer=t.gettext("ASI community training · {cohort}").format(cohort=cohort.name),
    )
    return workshop_pdf(labels, module, questions, created)
