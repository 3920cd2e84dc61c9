"""Audio shipped with the content: `content/audio/<lang>/<card-id>.ogg`, picked up like an
approved recording (bot.services.recordings.ship_content_audio).

Each file is checked here, from its bytes, with the rest of the content: a voice note
(Ogg/Opus, what both channels play as one), at most three minutes and 5 MB, for a card the
course has and a language it has (written or spoken-only).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.content.model import Course
from bot.documents.audio import AudioRejected, read_audio

AUDIO_DIR = "audio"
MAX_SECONDS = 180
MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class ShippedAudio:
    card_id: str
    language: str
    path: Path


def find_shipped_audio(
    content_dir: Path, course: Course, report: Callable[[Path, str, str], None]
) -> tuple[ShippedAudio, ...]:
    """The valid files under content/audio; each problem goes to `report`."""
    root = content_dir / AUDIO_DIR
    if not root.is_dir():
        return ()
    languages = set(course.languages) | {s.code for s in course.spoken}
    found: list[ShippedAudio] = []
    for folder in sorted(root.iterdir()):
        if not folder.is_dir() or folder.name not in languages:
            report(folder, "folder", "must be named for a course language or a spoken one")
            continue
        for path in sorted(folder.iterdir()):
            problem = _problem(path, course)
            if problem is not None:
                report(path, "file", problem)
                continue
            found.append(ShippedAudio(path.stem, folder.name, path))
    return tuple(found)


def _problem(path: Path, course: Course) -> str | None:
    if path.suffix != ".ogg" or not path.is_file():
        return "must be an .ogg file named for a card (<card-id>.ogg)"
    if not course.has_card(path.stem):
        return f"no card has the id {path.stem}"
    size = path.stat().st_size
    if size > MAX_BYTES:
        return f"is {size} bytes: at most {MAX_BYTES} (5 MB)"
    try:
        facts = read_audio(path.read_bytes())
    except AudioRejected as err:
        return f"is not Ogg/Opus audio ({err})"
    if facts.format != "ogg":
        return f"is {facts.format}, not Ogg/Opus: convert it to a voice note"
    if facts.duration is None or facts.duration > MAX_SECONDS:
        return f"lasts {facts.duration or 0:.0f} s: at most {MAX_SECONDS} s (3 minutes)"
    return None
