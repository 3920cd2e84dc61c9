"""Telegram's HTML parse mode, checked and parsed offline.

Telegram rejects a whole message when its HTML is malformed ("can't parse entities"), and the
bot only finds out at run time. These pure functions let the tests, the content checks and the
Bot API stand-in find such problems without Telegram: `html_problems` lists them,
`visible_text` gives the text a user sees, and `parse_html` also gives the MessageEntity list
Telegram would build, so a stand-in can answer with faithful Message objects.

The rules follow Telegram's parser (tdlib `parse_html`), with error texts modelled on its own,
and are stricter in three places so that mistakes show up early: a bare ``&`` that starts no
entity, an attribute that Telegram would silently ignore, and ``<code class=...>`` outside
``<pre>`` are reported too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["ParsedHtml", "html_problems", "parse_html", "utf16_length", "visible_text"]

# Tag name -> MessageEntity type ("" where the type depends on attributes or nesting).
_TAG_ENTITY = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "tg-emoji": "custom_emoji",
    "code": "code",
    "pre": "pre",
    "blockquote": "",
}
# Attributes Telegram reads on each tag; anything else is reported.
_TAG_ATTRIBUTES = {
    "a": frozenset({"href"}),
    "span": frozenset({"class"}),
    "tg-emoji": frozenset({"emoji-id"}),
    "code": frozenset({"class"}),
    "blockquote": frozenset({"expandable"}),
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(?:#([0-9]{1,10})|#[xX]([0-9a-fA-F]{1,8})|([a-zA-Z]+));")
_NAME_TOKEN_RE = re.compile(r"[A-Za-z0-9.\-]*")
_SPACES = " \t\n\r\f\v"


def utf16_length(s: str) -> int:
    """Return the length of `s` in UTF-16 code units, the unit Telegram counts in."""
    return len(s.encode("utf-16-le", "surrogatepass")) // 2


@dataclass(frozen=True)
class ParsedHtml:
    """What Telegram makes of an HTML text: plain text, entities and the reasons to reject it."""

    text: str
    entities: tuple[dict[str, object], ...] = ()
    problems: tuple[str, ...] = ()


def parse_html(text: str) -> ParsedHtml:
    """Parse `text` as Telegram HTML; entity offsets and lengths are in UTF-16 code units.

    Parsing goes on after a problem (best effort) so that every problem is listed; the text and
    entities are only meaningful when there are no problems.
    """
    return _Parser(text).run()


def html_problems(text: str) -> list[str]:
    """List what would make Telegram reject `text` with parse_mode=HTML (empty when fine)."""
    return list(parse_html(text).problems)


def visible_text(text: str) -> str:
    """Return the text a user sees: tags removed and HTML entities decoded."""
    return parse_html(text).text


@dataclass
class _OpenTag:
    name: str
    start: int  # UTF-16 offset in the output
    text_start: int  # index in the output string
    byte_offset: int
    attributes: dict[str, str | None]
    language: str | None = None  # set on <pre> by a nested <code class="language-x">
    inside_pre: bool = False


@dataclass
class _Parser:
    src: str
    out: list[str] = field(default_factory=list)
    out_length: int = 0  # UTF-16 length of "".join(out)
    out_chars: int = 0  # len("".join(out))
    stack: list[_OpenTag] = field(default_factory=list)
    entities: list[dict[str, object]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def run(self) -> ParsedHtml:
        i, n = 0, len(self.src)
        while i < n:
            char = self.src[i]
            if char == "&":
                decoded, i = self._entity(i)
                self._emit(decoded)
            elif char == "<":
                i = self._tag(i)
            else:
                j = i + 1
                while j < n and self.src[j] not in "&<":
                    j += 1
                self._emit(self.src[i:j])
                i = j
        for tag in reversed(self.stack):
            self.problems.append(f'Can\'t find end tag corresponding to start tag "{tag.name}"')
        self.entities.sort(key=lambda e: (e["offset"], -int(str(e["length"]))))
        return ParsedHtml("".join(self.out), tuple(self.entities), tuple(self.problems))

    # --- helpers -------------------------------------------------------------------------

    def _emit(self, piece: str) -> None:
        self.out.append(piece)
        self.out_length += utf16_length(piece)
        self.out_chars += len(piece)

    def _byte_offset(self, index: int) -> int:
        return len(self.src[:index].encode("utf-8", "surrogatepass"))

    def _entity(self, i: int) -> tuple[str, int]:
        """Decode the HTML entity at `i`; a bare '&' is reported and kept as it is."""
        match = _ENTITY_RE.match(self.src, i)
        decoded = _decode_entity(match) if match else None
        if match is None or decoded is None:
            self.problems.append(
                f'Character "&" at byte offset {self._byte_offset(i)} does not start an HTML '
                'entity; escape it as "&amp;"'
            )
            return "&", i + 1
        return decoded, match.end()

    def _decode_value(self, raw: str, start: int) -> str:
        """Decode entities in an attribute value that starts at index `start`."""
        parts, i = [], 0
        while i < len(raw):
            if raw[i] == "&":
                decoded, end = self._entity(start + i)
                parts.append(decoded)
                i = end - start
            else:
                parts.append(raw[i])
                i += 1
        return "".join(parts)

    # --- tags ----------------------------------------------------------------------------

    def _tag(self, i: int) -> int:
        """Handle the '<' at `i`; return where to continue."""
        if i + 1 < len(self.src) and self.src[i + 1] == "/":
            return self._end_tag(i)
        j = i + 1
        while j < len(self.src) and self.src[j] not in _SPACES and self.src[j] != ">":
            j += 1
        name = self.src[i + 1 : j].lower()
        if not name[:1].isalpha():
            self.problems.append(
                f'Character "<" at byte offset {self._byte_offset(i)} does not start a tag; '
                'escape it as "&lt;"'
            )
            self._emit("<")
            return i + 1
        if j >= len(self.src):
            self._unclosed_start(i)
            return len(self.src)
        if name not in _TAG_ENTITY:
            self.problems.append(
                f'Unsupported start tag "{name}" at byte offset {self._byte_offset(i)}'
            )
            end = self.src.find(">", j)
            return len(self.src) if end < 0 else end + 1
        parsed = self._attributes(i, j, name)
        if parsed is None:
            return len(self.src)
        attributes, end = parsed
        self._check_attributes(i, name, attributes)
        inside_pre = any(tag.name == "pre" for tag in self.stack)
        self.stack.append(
            _OpenTag(
                name,
                self.out_length,
                self.out_chars,
                self._byte_offset(i),
                attributes,
                inside_pre=inside_pre,
            )
        )
        return end

    def _attributes(
        self, begin: int, i: int, tag: str
    ) -> tuple[dict[str, str | None], int] | None:
        """Parse attributes from `i` to the closing '>'; None when the tag never closes."""
        src, n = self.src, len(self.src)
        attributes: dict[str, str | None] = {}
        while True:
            while i < n and src[i] in _SPACES:
                i += 1
            if i >= n:
                self._unclosed_start(begin)
                return None
            if src[i] == ">":
                return attributes, i + 1
            name_begin = i
            while i < n and src[i] not in _SPACES and src[i] not in "=>":
                i += 1
            name = src[name_begin:i].lower()
            while i < n and src[i] in _SPACES:
                i += 1
            if i >= n or src[i] != "=":
                attributes[name] = None
                continue
            i += 1
            while i < n and src[i] in _SPACES:
                i += 1
            if i >= n:
                self._unclosed_start(begin)
                return None
            if src[i] in "\"'":
                close = src.find(src[i], i + 1)
                if close < 0:
                    self._unclosed_start(begin)
                    return None
                attributes[name] = self._decode_value(src[i + 1 : close], i + 1)
                i = close + 1
            else:
                token = _NAME_TOKEN_RE.match(src, i)
                end = token.end() if token else i
                attributes[name] = src[i:end].lower()
                if end < n and src[end] not in _SPACES and src[end] != ">":
                    self.problems.append(
                        f"Unexpected end of name token at byte offset {self._byte_offset(end)} "
                        f'in the tag "{tag}"; quote the attribute value'
                    )
                    close = src.find(">", end)
                    if close < 0:
                        return None
                    return attributes, close + 1
                i = end

    def _unclosed_start(self, begin: int) -> None:
        self.problems.append(f"Unclosed start tag at byte offset {self._byte_offset(begin)}")

    def _check_attributes(self, i: int, tag: str, attributes: dict[str, str | None]) -> None:
        where = f"at byte offset {self._byte_offset(i)}"
        allowed = _TAG_ATTRIBUTES.get(tag, frozenset())
        for name, value in attributes.items():
            if name not in allowed:
                self.problems.append(
                    f'Attribute "{name}" is not allowed in the tag "{tag}" {where}'
                )
            elif value is None and name != "expandable":
                self.problems.append(
                    "Expected equal sign in declaration of an attribute of the tag "
                    f'"{tag}" {where}'
                )
        if tag == "span" and attributes.get("class") != "tg-spoiler":
            self.problems.append(f'Tag "span" must have class "tg-spoiler" {where}')
        if tag == "tg-emoji" and not (attributes.get("emoji-id") or "").isdigit():
            self.problems.append(f"Invalid custom emoji identifier specified {where}")
        if tag == "code" and "class" in attributes:
            value = attributes["class"] or ""
            if not value.startswith("language-"):
                self.problems.append(f'Tag "code" may only have class "language-..." {where}')
            elif not self.stack or self.stack[-1].name != "pre":
                self.problems.append(
                    f'Class "{value}" is allowed on "code" only directly inside "pre" {where}'
                )

    def _end_tag(self, i: int) -> int:
        end = self.src.find(">", i + 2)
        if end < 0:
            self.problems.append(f"Unclosed end tag at byte offset {self._byte_offset(i)}")
            return len(self.src)
        name = self.src[i + 2 : end].strip().lower()
        if not self.stack:
            self.problems.append(f"Unexpected end tag at byte offset {self._byte_offset(i)}")
            return end + 1
        if name and name != self.stack[-1].name:
            self.problems.append(
                f"Unmatched end tag at byte offset {self._byte_offset(i)}, expected "
                f'"</{self.stack[-1].name}>", found "</{name}>"'
            )
            if any(tag.name == name for tag in self.stack):
                while self.stack[-1].name != name:  # close the misnested ones to recover
                    self._close(self.stack.pop())
                self._close(self.stack.pop())
            return end + 1
        self._close(self.stack.pop())
        return end + 1

    def _close(self, tag: _OpenTag) -> None:
        """Turn a closed tag into a MessageEntity, as Telegram does."""
        length = self.out_length - tag.start
        attributes = tag.attributes
        if tag.name == "code" and tag.inside_pre:
            # <pre><code class="language-x"> becomes one "pre" entity with a language.
            class_value = attributes.get("class") or ""
            if class_value.startswith("language-") and self.stack and self.stack[-1].name == "pre":
                self.stack[-1].language = class_value.removeprefix("language-")
            return
        if length <= 0:
            return
        entity: dict[str, object] = {"type": _TAG_ENTITY[tag.name], "offset": tag.start}
        entity["length"] = length
        if tag.name == "a":
            url = attributes.get("href") or "".join(self.out)[tag.text_start :]
            if not url:
                return
            entity["url"] = url
        elif tag.name == "tg-emoji":
            entity["custom_emoji_id"] = attributes.get("emoji-id") or ""
        elif tag.name == "pre" and tag.language:
            entity["language"] = tag.language
        elif tag.name == "blockquote":
            expandable = "expandable" in attributes
            entity["type"] = "expandable_blockquote" if expandable else "blockquote"
        self.entities.append(entity)


def _decode_entity(match: re.Match[str]) -> str | None:
    """Return the character of an HTML entity, or None when Telegram would not accept it."""
    decimal, hexadecimal, name = match.groups()
    if name is not None:
        return _NAMED_ENTITIES.get(name)
    code = int(decimal) if decimal is not None else int(hexadecimal, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code)
