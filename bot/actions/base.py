"""Typed button actions: every button's action is a frozen dataclass with named fields.

An action travels as text (Telegram's callback data, a WhatsApp reply or row id), so it is
packed and parsed here and nowhere else: `PREFIX:field:field...`. Each field's type says
what it may hold (`int`, a slug `str`, a `Literal` of fixed words, or an `Annotated` pattern),
and no allowed value contains the separator. Packing checks Telegram's 64 bytes, which is
stricter than WhatsApp's 200 (list rows) and 256 (reply buttons). Data that does not parse
is a stale or forged button: `unpack` returns None and the caller refuses it.

Prefixes are unique across the bot (checked when a class is defined), so no two features
can mistake each other's buttons, and a router can find an action's class from its data.
"""

from __future__ import annotations

import dataclasses
import re
import typing
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal, Self, get_args, get_origin

__all__ = ["MAX_BYTES", "Action", "ActionError", "Pattern", "Range", "parse_action"]

MAX_BYTES = 64
SEPARATOR = ":"
_SLUG = re.compile(r"^[a-z0-9-]{1,58}$")
_INT = re.compile(r"^[0-9]{1,18}$")
_PREFIX = re.compile(r"^[a-z]{1,4}$")


class ActionError(ValueError):
    """An action cannot be packed (a value its field does not allow, or over 64 bytes)."""


@dataclass(frozen=True, slots=True)
class Pattern:
    """A string field's own rule, e.g. `Annotated[str, Pattern(r"^[A-Z]...$")]`."""

    regex: str

    def compile(self) -> re.Pattern[str]:
        return re.compile(self.regex)


@dataclass(frozen=True, slots=True)
class Range:
    """An int field's bounds, inclusive: `Annotated[int, Range(7, 20)]`."""

    low: int
    high: int


@dataclass(frozen=True, slots=True)
class _Field:
    name: str
    kind: type
    rule: re.Pattern[str] | None
    words: frozenset[str] | None
    bounds: Range | None = None

    def encode(self, value: object) -> str:
        if self.kind is int:
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ActionError(f"{self.name} must be a non-negative int, not {value!r}")
            text = str(value)
        elif self.kind is bool:
            text = "1" if value else "0"
        else:
            text = str(value)
        if not self.accepts(text):
            raise ActionError(f"bad value for {self.name}: {value!r}")
        return text

    def accepts(self, text: str) -> bool:
        if self.words is not None:
            return text in self.words
        if self.kind is bool:
            return text in ("0", "1")
        rule = self.rule or (_INT if self.kind is int else _SLUG)
        if not rule.match(text):
            return False
        bounds = self.bounds
        return bounds is None or bounds.low <= int(text) <= bounds.high

    def decode(self, text: str) -> object:
        if self.kind is int:
            return int(text)
        if self.kind is bool:
            return text == "1"
        return text


def _describe(cls: type, hint: object, name: str) -> _Field:
    rule: re.Pattern[str] | None = None
    bounds: Range | None = None
    if get_origin(hint) is Annotated:
        base, *extras = get_args(hint)
        for extra in extras:
            if isinstance(extra, Pattern):
                rule = extra.compile()
            elif isinstance(extra, Range):
                bounds = extra
        hint = base
    if get_origin(hint) is Literal:
        words = frozenset(str(v) for v in get_args(hint))
        return _Field(name, str, None, words)
    if hint in (int, bool, str):
        return _Field(name, typing.cast(type, hint), rule, None, bounds)
    raise TypeError(f"{cls.__name__}.{name}: unsupported action field type {hint!r}")


class Action:
    """Base of every button action; subclasses are frozen dataclasses with a PREFIX."""

    PREFIX: ClassVar[str] = ""
    _registry: ClassVar[dict[str, type[Action]]] = {}
    _fields: ClassVar[tuple[_Field, ...] | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        prefix = cls.__dict__.get("PREFIX")
        if not prefix:
            return  # an abstract base of a feature's actions
        if not _PREFIX.match(prefix):
            raise TypeError(f"{cls.__name__}: a prefix is 1-4 lowercase letters, not {prefix!r}")
        taken = Action._registry.get(prefix)
        if taken is not None and taken.__qualname__ != cls.__qualname__:
            raise TypeError(f"prefix {prefix!r} of {cls.__name__} is {taken.__name__}'s")
        Action._registry[prefix] = cls

    @classmethod
    def _schema(cls) -> tuple[_Field, ...]:
        fields = cls.__dict__.get("_fields")
        if fields is None:
            hints = typing.get_type_hints(cls, include_extras=True)
            fields = tuple(
                _describe(cls, hints[f.name], f.name)
                for f in dataclasses.fields(cls)  # type: ignore[arg-type]
            )
            cls._fields = fields
        return fields

    def pack(self) -> str:
        parts = [self.PREFIX]
        for field in self._schema():
            parts.append(field.encode(getattr(self, field.name)))
        data = SEPARATOR.join(parts)
        if len(data.encode("utf-8")) > MAX_BYTES:
            raise ActionError(f"action over {MAX_BYTES} bytes: {data!r}")
        return data

    @classmethod
    def unpack(cls, data: object) -> Self | None:
        """The action, or None for data of another action, stale or forged."""
        if not isinstance(data, str) or len(data.encode("utf-8")) > MAX_BYTES:
            return None
        prefix, _, rest = data.partition(SEPARATOR)
        if prefix != cls.PREFIX:
            return None
        schema = cls._schema()
        parts = rest.split(SEPARATOR) if schema else ([] if rest == "" else None)
        if parts is None or len(parts) != len(schema):
            return None
        if not all(field.accepts(part) for field, part in zip(schema, parts, strict=True)):
            return None
        values = {f.name: f.decode(p) for f, p in zip(schema, parts, strict=True)}
        return cls(**values)

    @classmethod
    def matches(cls, data: object) -> bool:
        """Only the prefix, so a bad value still reaches the feature and is refused there."""
        return isinstance(data, str) and data.partition(SEPARATOR)[0] == cls.PREFIX


def parse_action(data: object) -> Action | None:
    """Any registered action from its packed form; None when nothing matches."""
    if not isinstance(data, str):
        return None
    cls = Action._registry.get(data.partition(SEPARATOR)[0])
    return cls.unpack(data) if cls is not None else None
