"""Check Bot API calls against the machine-readable Bot API spec.

A fake Bot API happily accepts requests the real one refuses; checking every call against the
spec (PaulSonOfLars/telegram-bot-api-spec JSON, read from a path the caller gives) turns such
calls into test failures instead of production errors. The spec only has limits in prose, so
the common ones ("1-4096 characters", "1-64 bytes", "at most 2 line feeds") are read from the
descriptions with regular expressions, and Telegram's HTML is checked where parse_mode=HTML.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bot.telegram_html import html_problems, utf16_length, visible_text

__all__ = ["SpecValidator"]

_PRIMITIVES = frozenset({"String", "Integer", "Float", "Boolean"})
_LENGTH_RE = re.compile(r"(\d+)-(\d+) (characters|bytes)")
_LINE_FEEDS_RE = re.compile(r"at most (\d+) line feeds")
_COUNT_RE = re.compile(r"(?:list of|array of|include|List of) (\d+)-(\d+)\b")
_AT_MOST_RE = re.compile(r"At most (\d+) ")
_CONSTANT_RE = re.compile(r"(?:must be|always) (?!one of)[\"“]?([a-z_]+)[\"”]?(?:$|[\s.,;])")
_DISCRIMINATORS = frozenset({"type", "status", "source"})
# Limits the spec's prose gets wrong for our purpose: Telegram refuses a poll with one option.
_COUNT_OVERRIDES = {("sendPoll", "options"): (2, 12)}

_Field = Mapping[str, Any]


@functools.lru_cache(maxsize=4)
def _read_spec(path: Path) -> dict[str, Any]:
    """The parsed spec, read once per process (the tests start a stand-in per test)."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


class SpecValidator:
    """Validate Bot API method calls against the JSON spec at `spec_path`."""

    def __init__(self, spec_path: Path) -> None:
        data = _read_spec(Path(spec_path))
        self.version: str = data.get("version", "")
        self._methods: dict[str, _Field] = {
            name.lower(): method for name, method in data["methods"].items()
        }
        self._types: dict[str, _Field] = data["types"]

    @property
    def method_names(self) -> frozenset[str]:
        """The camelCase names of all methods in the spec."""
        return frozenset(method["name"] for method in self._methods.values())

    def method_name(self, method: str) -> str | None:
        """Return the spec's spelling of `method` (Telegram matches names case-insensitively)."""
        found = self._methods.get(method.lower())
        return None if found is None else str(found["name"])

    def check(self, method: str, params: Mapping[str, object]) -> list[str]:
        """List what is wrong with calling `method` with `params` (empty when the call is fine).

        Values may be as sent in a form (every non-string JSON-encoded, as PTB does) or already
        decoded (a JSON body); `bytes` stands for an uploaded file.
        """
        spec = self._methods.get(method.lower())
        if spec is None:
            return [f"unknown method {method!r}"]
        name = str(spec["name"])
        fields = {f["name"]: f for f in spec.get("fields", [])}
        problems = _key_problems("", "parameter", params, fields)
        for key, value in params.items():
            if key in fields:
                problems += self._field(key, value, fields[key], params, name, form=True)
        return problems

    # --- values --------------------------------------------------------------------------

    def _field(
        self,
        path: str,
        value: object,
        spec: _Field,
        siblings: Mapping[str, object],
        method: str | None,
        *,
        form: bool,
    ) -> list[str]:
        """Check one parameter or object field, its type and the limits its description states."""
        types: list[str] = list(spec["types"])
        if form and isinstance(value, str) and "String" not in types:
            try:
                value = json.loads(value)
            except ValueError:
                return [f"{path}: expected {' or '.join(types)}, got undecodable {value!r:.40}"]
        problems = self._union(path, value, types)
        if problems:
            return problems
        description = str(spec.get("description", ""))
        if isinstance(value, str):
            return self._string_limits(path, value, description, siblings)
        if isinstance(value, list):
            return self._count_limits(path, value, description, method)
        return []

    def _union(self, path: str, value: object, types: list[str]) -> list[str]:
        """Check `value` against any of `types`; report the closest branch when none fits."""
        closest: list[str] | None = None
        for type_name in types:
            problems = self._typed(path, value, type_name)
            if problems is not None and not problems:
                return []
            if problems is not None and (closest is None or len(problems) < len(closest)):
                closest = problems
        if closest is None:
            return [f"{path}: expected {' or '.join(types)}, got {_kind(value)}"]
        return closest

    def _typed(self, path: str, value: object, type_name: str) -> list[str] | None:
        """Problems of `value` as a `type_name`; None when it is not that kind of value at all."""
        if type_name.startswith("Array of "):
            if not isinstance(value, list):
                return None
            inner = type_name.removeprefix("Array of ")
            problems: list[str] = []
            for index, item in enumerate(value):
                problems += self._union(f"{path}[{index}]", item, [inner])
            return problems
        if type_name in _PRIMITIVES:
            return [] if _is_primitive(value, type_name) else None
        if type_name == "InputFile":
            uploaded = isinstance(value, bytes)
            return (
                []
                if uploaded or (isinstance(value, str) and value.startswith("attach://"))
                else None
            )
        spec = self._types.get(type_name)
        if spec is None:
            return []  # a type the spec does not describe: nothing to check against
        if spec.get("subtypes"):
            problems = self._union(path, value, list(spec["subtypes"]))
            return None if not isinstance(value, dict) and problems else problems
        if not isinstance(value, dict) or not _discriminator_matches(value, spec):
            return None
        return self._object(path, value, spec)

    def _object(self, path: str, value: Mapping[str, object], spec: _Field) -> list[str]:
        fields = {f["name"]: f for f in spec.get("fields", [])}
        problems = _key_problems(f"{path}: ", "field", value, fields)
        for key, item in value.items():
            if key in fields:
                problems += self._field(
                    f"{path}.{key}", item, fields[key], value, None, form=False
                )
        return problems

    # --- limits --------------------------------------------------------------------------

    def _string_limits(
        self, path: str, value: str, description: str, siblings: Mapping[str, object]
    ) -> list[str]:
        problems: list[str] = []
        measured = value
        if _parse_mode(path, siblings) == "HTML":
            problems += [f"{path}: invalid HTML: {p}" for p in html_problems(value)]
            measured = visible_text(value)
        length = _LENGTH_RE.search(description)
        if length:
            low, high, unit = int(length.group(1)), int(length.group(2)), length.group(3)
            if unit == "bytes":
                size = len(value.encode("utf-8", "surrogatepass"))
                trimmed = size
            else:
                size, trimmed = utf16_length(measured), utf16_length(measured.strip())
            if trimmed < low or size > high:
                problems.append(f"{path}: must be {low}-{high} {unit}, got {size}")
        line_feeds = _LINE_FEEDS_RE.search(description)
        if line_feeds and measured.count("\n") > int(line_feeds.group(1)):
            problems.append(
                f"{path}: at most {line_feeds.group(1)} line feeds, got {measured.count(chr(10))}"
            )
        return problems

    def _count_limits(
        self, path: str, value: list[object], description: str, method: str | None
    ) -> list[str]:
        limits = _COUNT_OVERRIDES.get((method or "", path))
        if limits is None:
            count = _COUNT_RE.search(description)
            at_most = _AT_MOST_RE.search(description)
            if count:
                limits = int(count.group(1)), int(count.group(2))
            elif at_most:
                limits = 0, int(at_most.group(1))
        if limits and not limits[0] <= len(value) <= limits[1]:
            return [f"{path}: must have {limits[0]}-{limits[1]} items, got {len(value)}"]
        return []


def _key_problems(
    prefix: str, noun: str, given: Mapping[str, object], fields: Mapping[str, _Field]
) -> list[str]:
    """Keys the spec does not know, and required keys that are missing."""
    problems = [f"{prefix}unknown {noun} {key!r}" for key in given if key not in fields]
    problems += [
        f"{prefix}missing required {noun} {key!r}"
        for key, field in fields.items()
        if field["required"] and key not in given
    ]
    return problems


def _discriminator_matches(value: Mapping[str, object], spec: _Field) -> bool:
    """False when a field like `type` must be a constant (e.g. "default") and is not."""
    for field in spec.get("fields", []):
        constant = _CONSTANT_RE.search(str(field["description"]))
        name = field["name"]
        wanted = constant.group(1) if constant and name in _DISCRIMINATORS else None
        if wanted is not None and name in value and value[name] != wanted:
            return False
    return True


def _parse_mode(path: str, siblings: Mapping[str, object]) -> str:
    """Return the upper-cased parse mode that applies to the field at `path`."""
    name = path.rsplit(".", 1)[-1]
    mode = siblings.get(f"{name}_parse_mode")
    if mode is None and name in ("text", "caption", "message_text"):
        mode = siblings.get("parse_mode")
    return mode.upper() if isinstance(mode, str) else ""


def _is_primitive(value: object, type_name: str) -> bool:
    if type_name == "String":
        return isinstance(value, str)
    if type_name == "Boolean":
        return isinstance(value, bool)
    if isinstance(value, bool):
        return False
    if type_name == "Integer":
        return isinstance(value, int)
    return isinstance(value, int | float)


def _kind(value: object) -> str:
    """Name a JSON value's kind for messages."""
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int):
        return "Integer"
    if isinstance(value, float):
        return "Float"
    if isinstance(value, str):
        return "String"
    if isinstance(value, bytes):
        return "uploaded file"
    if isinstance(value, list):
        return "array"
    return "object" if isinstance(value, dict) else type(value).__name__
