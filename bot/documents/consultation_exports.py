"""Exports of a consultation's answers for ASI staff: CSV, XLSX and a ZIP of the files.

CSV is UTF-8 with a byte-order mark so that spreadsheet programs show Hindi and accents
correctly when the file is opened with a double click.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from bot.conversation.ports import CHANNEL_NAMES
from bot.db.repositories import ConsultationAnswerRecord
from bot.documents.cells import safe_text
from bot.documents.filetypes import sniff
from bot.services.consultations import Loaded, reference

HEADER = (
    "consultation",
    "section",
    "section title",
    "stance",
    "text",
    "answer type",
    "file name",
    "language",
    "date",
    "reference",
    "named or anonymous",
    "name",
    "channel",
)
MIME_SUFFIX = {
    "audio/ogg": "ogg",
    "audio/mpeg": "mp3",
    "image/jpeg": "jpg",
    "image/png": "png",
    "application/pdf": "pdf",
    "text/plain": "txt",
}


def rows(consultation: Loaded, answers: list[ConsultationAnswerRecord]) -> list[tuple[str, ...]]:
    """One row per answer, in the HEADER's order (section words in English)."""
    text = consultation.spec.text("en")
    result: list[tuple[str, ...]] = []
    for answer in answers:
        section = text.sections[answer.section]
        result.append(
            (
                consultation.record.slug,
                section.clause,
                section.title,
                answer.stance,
                answer.text or "",
                answer.kind,
                file_name(consultation, answer) if answer.file_id or answer.file_kept else "",
                answer.language,
                answer.submitted_on.isoformat(),
                reference(answer.consultation_id, answer.number),
                "anonymous" if answer.user_id is None else "named",
                answer.author_name or "",
                CHANNEL_NAMES.get(answer.channel, answer.channel),
            )
        )
    return result


def to_csv(consultation: Loaded, answers: list[ConsultationAnswerRecord]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for row in rows(consultation, answers):
        writer.writerow([safe_text(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(consultation: Loaded, answers: list[ConsultationAnswerRecord]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "answers"
    sheet.append(list(HEADER))
    for row in rows(consultation, answers):
        sheet.append([safe_text(v) for v in row])
    for i, width in enumerate((22, 8, 30, 11, 60, 10, 24, 8, 11, 11, 10, 20, 10), start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def file_name(
    consultation: Loaded, answer: ConsultationAnswerRecord, data: bytes | None = None
) -> str:
    """The name of an answer's file: reference, clause, kind, suffix.

    In the ZIP the suffix comes from the file's bytes (bot.documents.filetypes); in the CSV,
    written without the bytes, from the MIME type, and only when that is on the allow-list.
    Never from the sender's file name.
    """
    clause = consultation.spec.clauses[answer.section]
    mime = (answer.mime_type or "").split(";")[0].strip()  # "audio/ogg; codecs=opus"
    suffix = sniff(data) if data is not None else MIME_SUFFIX.get(mime, "bin")
    name = f"{reference(answer.consultation_id, answer.number)}_{clause}_{answer.kind}"
    return f"{name}.{suffix}"


@dataclass
class ZipPart:
    """Files gathered into one ZIP, kept under Telegram's 50 MB upload limit."""

    limit: int
    buffer: io.BytesIO
    archive: zipfile.ZipFile
    size: int = 0
    count: int = 0

    @classmethod
    def new(cls, limit: int) -> ZipPart:
        buffer = io.BytesIO()
        return cls(limit, buffer, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED))

    def fits(self, size: int) -> bool:
        return self.count == 0 or self.size + size <= self.limit

    def add(self, name: str, data: bytes) -> None:
        self.archive.writestr(name, data)
        self.size += len(data)
        self.count += 1

    def close(self) -> bytes:
        self.archive.close()
        return self.buffer.getvalue()
