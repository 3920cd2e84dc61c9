"""Spoken-only languages: a course heard in a language that has no written text here.

Many people near the mines speak Susu, Pular, Malinké, Kui or Santali and read French or
Hindi poorly. A trainer may record the cards in such a language without anyone writing it
down: a learner then reads in a course language and listens in the spoken one. They are
declared in `content/languages.yaml` beside the written ones:

    spoken:
      - {code: sus-spoken, name: "Sosoxui (spoken)"}

A code is a language code followed by `-spoken`, so it never collides with a written
language added later under the plain code.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.config import SUPPORTED_LANGUAGES
from bot.content.languages import LANGUAGES_FILE, NAME_LIMIT, AddedLanguage

SPOKEN_RE = re.compile(r"^[a-z]{2,3}-spoken$")


@dataclass(frozen=True, slots=True)
class SpokenLanguage:
    code: str
    name: str  # as the recorder and the learner read it in a menu


def read_spoken(
    content_dir: Path,
    written: Iterable[AddedLanguage],
    report: Callable[[Path, str, str], None],
) -> tuple[SpokenLanguage, ...]:
    """The declared spoken-only languages; each problem goes to `report`."""
    path = content_dir / LANGUAGES_FILE
    if not path.is_file():
        return ()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return ()  # read_languages reports it
    raw = data.get("spoken") if isinstance(data, dict) else None
    if raw is None:
        return ()
    if not isinstance(raw, list):
        report(path, "spoken", "must be a list")
        return ()
    taken = set(SUPPORTED_LANGUAGES) | {language.code for language in written}
    found: list[SpokenLanguage] = []
    for i, item in enumerate(raw):
        where = f"spoken[{i}]"
        if not isinstance(item, dict):
            report(path, where, "must be a mapping with code and name")
            continue
        code, name = (str(item.get(k, "")).strip() for k in ("code", "name"))
        if not SPOKEN_RE.match(code) or code in taken:
            report(path, f"{where}.code", "must be a language code followed by -spoken")
            continue
        if not name or len(name) > NAME_LIMIT or "<" in name:
            report(path, f"{where}.name", f"must be plain text of 1-{NAME_LIMIT} characters")
            continue
        taken.add(code)
        found.append(SpokenLanguage(code, name))
    return tuple(found)
