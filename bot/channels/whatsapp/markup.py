"""Our restricted markup (Telegram's HTML subset, bot/telegram_html.py) as WhatsApp text.

WhatsApp formats `*bold*`, `_italic_`, `~strike~` and ```` ```mono``` ````, and has no
underline, spoiler or link-with-label; it has no escape character either. So:

- `<b>`/`<strong>`, `<i>`/`<em>`, `<s>`/`<strike>`/`<del>` become the markers; `<code>` and
  `<pre>` become triple backticks; `<blockquote>` lines start with "> " (WhatsApp's quote).
- `<u>`, `<tg-spoiler>`, `<span>`, `<tg-emoji>` and tags we do not know are dropped and
  their text kept: losing an underline loses no meaning, and a spoiler has no equivalent.
- `<a href="URL">label</a>` becomes "label (URL)", or just the URL when the label is the
  URL: WhatsApp makes any URL in a text clickable, so the reader can still open it.
- Markers are put per line, around the span's text without its outer spaces (WhatsApp
  ignores `* bold*` and a marker pair across a line break), and an empty span gets none:
  every marker we write has its partner on the same line.
- Entities are decoded by the stdlib parser (`convert_charrefs`).

Text (a learner's name, a city, an option) arrives HTML-escaped but may hold WhatsApp's
marker characters, which would turn "*Ana*" shown inside bold into a broken format. WhatsApp
only reads a marker at a word's edge, so a marker character that could act as one (not
between two letters or digits, as in `snake_case`) is replaced by a look-alike that
WhatsApp never reads: `*` → `∗`, `_` → `ˍ`, `~` → `∼`, `` ` `` → `ˋ`. We chose look-alikes
over the zero-width-character trick because how WhatsApp treats invisible characters next to
a marker is not documented, while a look-alike certainly formats nothing and reads the same.
URLs and e-mail addresses are left untouched, so a link keeps working. Inside monospace,
WhatsApp formats nothing, so only backticks (which would end the block) are replaced.
A line of text starting with ">" may show as a quote; that changes no words and is left.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser

__all__ = ["LOOKALIKES", "markup_problems", "plain_to_whatsapp", "to_whatsapp"]

_STYLE = {"b": "*", "strong": "*", "i": "_", "em": "_", "s": "~", "strike": "~", "del": "~"}
_KEPT = frozenset({*_STYLE, "code", "pre", "a", "blockquote"})
FENCE = "```"
LOOKALIKES = {"*": "∗", "_": "ˍ", "~": "∼", "`": "ˋ"}
_BACKTICK_ONLY = str.maketrans({"`": LOOKALIKES["`"]})
_LINK = re.compile(r"(?:https?://|www\.)[^\s<>]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


@dataclass
class _Element:
    tag: str
    href: str | None = None
    children: list[_Element | str] = field(default_factory=list)


class _TreeBuilder(HTMLParser):
    """Parse the markup into the few elements that matter; anything else keeps its text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Element("")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _KEPT:
            return
        element = _Element(tag, dict(attrs).get("href") if tag == "a" else None)
        self.stack[-1].children.append(element)
        self.stack.append(element)

    def handle_endtag(self, tag: str) -> None:
        if tag not in _KEPT or all(e.tag != tag for e in self.stack[1:]):
            return
        while self.stack.pop().tag != tag:  # close what was left open inside, as browsers do
            pass

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


# Screens repeat (a lesson card is the same text for every learner who reaches it) and
# parsing the markup was a tenth of a WhatsApp turn's CPU time (benchmarks.whatsapp).
_CONVERTED_KEPT = 512


@functools.lru_cache(maxsize=_CONVERTED_KEPT)
def to_whatsapp(markup: str) -> str:
    """Our markup as WhatsApp text (see the module docstring for the rules)."""
    builder = _TreeBuilder()
    builder.feed(markup)
    builder.close()
    return _render(builder.root, mono=False, active=frozenset())


def plain_to_whatsapp(text: str) -> str:
    """Plain text (a poll's question, no markup) with its marker characters neutralised."""
    return _neutralise(text)


def _render(node: _Element | str, *, mono: bool, active: frozenset[str]) -> str:
    if isinstance(node, str):
        return node.translate(_BACKTICK_ONLY) if mono else _neutralise(node)
    tag = node.tag
    marker = _STYLE.get(tag)
    inner_mono = mono or tag in ("code", "pre")
    inner_active = active | {marker} if marker else active
    inner = "".join(_render(c, mono=inner_mono, active=inner_active) for c in node.children)
    if marker is not None:
        return inner if mono or marker in active else _wrap(inner, marker)
    if tag in ("code", "pre"):
        return inner if mono else _wrap(inner, FENCE, per_line=tag == "code")
    if tag == "a":
        return _link(node, inner)
    if tag == "blockquote":
        return "\n".join("> " + line if line.strip() else line for line in inner.split("\n"))
    return inner


def _wrap(text: str, marker: str, *, per_line: bool = True) -> str:
    """Put a marker pair around each line's text, outside its spaces; none on empty lines."""
    if not per_line:
        core = text.strip()
        if not core:
            return text
        start = text.index(core[0])
        return f"{text[:start]}{marker}{core}{marker}{text[start + len(core) :]}"
    return "\n".join(_wrap(line, marker, per_line=False) for line in text.split("\n"))


def _link(node: _Element, label: str) -> str:
    href = (node.href or "").strip()
    shown = "".join(_text_of(node)).strip()
    if href.startswith("mailto:"):
        href = href.removeprefix("mailto:")
    elif not href.startswith(("http://", "https://")):
        return label  # tg:// and other links open nothing on WhatsApp
    if not shown or shown in (href, href.split("://", 1)[-1]):
        return href
    return f"{label} ({href})"


def _text_of(node: _Element | str) -> list[str]:
    if isinstance(node, str):
        return [node]
    return [piece for child in node.children for piece in _text_of(child)]


def _wordish(char: str) -> bool:
    """A letter, digit or combining mark (Devanagari vowel signs are marks, not letters)."""
    return char.isalnum() or unicodedata.category(char).startswith("M")


def _neutralise(text: str) -> str:
    """Replace the marker characters WhatsApp could read, except inside links."""
    out: list[str] = []
    last = 0
    for match in _LINK.finditer(text):
        out.append(_neutralise_words(text, last, match.start()))
        out.append(match.group())
        last = match.end()
    out.append(_neutralise_words(text, last, len(text)))
    return "".join(out)


def _neutralise_words(text: str, start: int, end: int) -> str:
    chars = []
    for i in range(start, end):
        char = text[i]
        if char in LOOKALIKES and not _inside_word(text, i):
            char = LOOKALIKES[char]
        chars.append(char)
    return "".join(chars)


def _inside_word(text: str, i: int) -> bool:
    return 0 < i < len(text) - 1 and _wordish(text[i - 1]) and _wordish(text[i + 1])


def markup_problems(text: str) -> list[str]:
    """Markers without a partner on their line, or an unclosed monospace block.

    A marker character between two letters is not a marker for WhatsApp and URLs are
    skipped, as in the conversion, so this reads the text the way WhatsApp does.
    """
    problems = []
    parts = text.split(FENCE)
    if len(parts) % 2 == 0:
        problems.append("a ``` block is not closed")
    for outside in parts[::2]:
        for line in outside.split("\n"):
            line = _LINK.sub(" ", line)
            for marker in "*_~":
                count = sum(
                    1 for i, c in enumerate(line) if c == marker and not _inside_word(line, i)
                )
                if count % 2:
                    problems.append(f"unpaired {marker} in line {line.strip()[:40]!r}")
    return problems
