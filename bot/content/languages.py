"""The languages translators added (`content/languages.yaml`), each with its bridge language.

The four shipped languages are complete and stay in code (`SUPPORTED_LANGUAGES`). An added
language may be partial: every text not translated yet is shown in its bridge language (Susu
readers often read French, Kui readers Hindi), so the mapping is data a translator sets, not
code.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.config import SUPPORTED_LANGUAGES

LANGUAGES_FILE = "languages.yaml"
# ISO 639-1 or 639-3 codes: Telegram sends the former; many community languages only have
# the latter (Susu is `sus`, Kui `kxu`).
CODE_RE = re.compile(r"^[a-z]{2,3}$")
NAME_LIMIT = 40
# The shipped languages' own names, shown in the picker so everyone finds their own language.
SHIPPED_NAMES: dict[str, str] = {
    "en": "English",
    "fr": "Français",
    "hi": "हिन्दी",
    "pt": "Português",
}


@dataclass(frozen=True, slots=True)
class AddedLanguage:
    code: str
    name: str  # in the language itself, as the picker shows it
    bridge: str  # one of the shipped languages


def read_languages(
    content_dir: Path, report: Callable[[Path, str, str], None]
) -> tuple[AddedLanguage, ...]:
    """The added languages; each problem goes to `report(path, field, message)`."""
    path = content_dir / LANGUAGES_FILE
    if not path.is_file():
        return ()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        report(path, "file", f"cannot be read as YAML: {err}".splitlines()[0])
        return ()
    if not isinstance(data, dict) or data.get("schema_version") != 1:
        report(path, "schema_version", "must be 1 (and the file a mapping)")
        return ()
    raw = data.get("languages") or []
    if not isinstance(raw, list):
        report(path, "languages", "must be a list")
        return ()
    found: list[AddedLanguage] = []
    for i, item in enumerate(raw):
        where = f"languages[{i}]"
        if not isinstance(item, dict):
            report(path, where, "must be a mapping with code, name and bridge")
            continue
        code, name, bridge = (str(item.get(k, "")).strip() for k in ("code", "name", "bridge"))
        if not CODE_RE.match(code) or code in SUPPORTED_LANGUAGES:
            report(path, f"{where}.code", "must be a new two- or three-letter language code")
            continue
        if code in {language.code for language in found}:
            report(path, f"{where}.code", f"{code} is listed twice")
            continue
        if not name or len(name) > NAME_LIMIT or "<" in name:
            report(path, f"{where}.name", f"must be plain text of 1-{NAME_LIMIT} characters")
        if bridge not in SUPPORTED_LANGUAGES:
            report(path, f"{where}.bridge", f"must be one of {', '.join(SUPPORTED_LANGUAGES)}")
            continue
        found.append(AddedLanguage(code, name or code, bridge))
    return tuple(found)


def write_language(content_dir: Path, language: AddedLanguage) -> None:
    """Add or replace one language's entry, keeping the others as they are."""
    path = content_dir / LANGUAGES_FILE
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else None
    if not isinstance(data, dict):
        data = {"schema_version": 1}
    entries = [
        item
        for item in (data.get("languages") or [])
        if isinstance(item, dict) and item.get("code") != language.code
    ]
    entries.append({"code": language.code, "name": language.name, "bridge": language.bridge})
    data["languages"] = entries
    header = (
        '# Languages added by translators; see "Translating the course" in README.md.\n'
        "# Each names a bridge language (en, fr, hi or pt): what a learner reads where a text\n"
        "# is not translated yet.\n"
    )
    path.write_text(
        header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
