"""What a file is, from its first bytes: never from the sender's MIME type or file name.

A file sent as `application/msword` named `x.exe` is whatever its bytes are; exports name
files by this and only ever use the suffixes below, so a ZIP for ASI staff cannot carry a
program disguised as a document. Anything not recognised is `bin`.
"""

from __future__ import annotations

import io
import zipfile

ALLOWED = frozenset({"ogg", "mp3", "m4a", "jpg", "png", "pdf", "txt", "docx", "xlsx", "odt"})
AUDIO = frozenset({"ogg", "mp3", "m4a"})


def sniff(data: bytes) -> str:
    """The file's type from its bytes, one of ALLOWED, or `bin`."""
    head = data[:16]
    if head.startswith(b"OggS"):
        return "ogg"
    if head.startswith(b"ID3") or head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return "mp3"
    if head[4:8] == b"ftyp" and (head[8:11] in (b"M4A", b"mp4", b"iso") or head[8:11] == b"3gp"):
        return "m4a"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _office(data)
    if _plain_text(data):
        return "txt"
    return "bin"


def _office(data: bytes) -> str:
    """Word, spreadsheet and OpenDocument text files are ZIPs with known parts inside."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "word/document.xml" in names:
                return "docx"
            if "xl/workbook.xml" in names:
                return "xlsx"
            if "mimetype" in names and archive.read("mimetype").startswith(
                b"application/vnd.oasis.opendocument.text"
            ):
                return "odt"
    except (zipfile.BadZipFile, KeyError, OSError):
        return "bin"
    return "bin"


def _plain_text(data: bytes) -> bool:
    sample = data[:4096]
    if not sample or b"\x00" in sample:
        return False
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as err:
        # a multi-byte character cut by the sample's end is still text
        return err.start >= len(sample) - 3
    return True
