"""Screens as WhatsApp Cloud API messages: text, reply buttons, lists; pure, no network.

`fit_whatsapp` (bot/screens.py) decides how a screen degrades; this module only builds the
messages it says: up to three short choices become reply buttons, else a list, over ten a
paged list whose pages end with "More…" and "Back" rows (`ListPage`, bot/actions/pages.py).

Choices that open a web page (`LinkChoice`) become "label: URL" lines at the end of the
text. WhatsApp's `cta_url` message holds one link and no reply buttons, so a screen with a
link and choices would cost a second message (data, and a second notification on a cheap
phone), while a URL in a text is clickable anyway.

An interactive message's body holds at most 1,024 characters. A longer text goes first as
plain text messages (4,096 each, cut at a paragraph, else a line, else a word), and the
choices follow on a last interactive message whose body is the text's last paragraph when
that fits (it usually asks the question the choices answer), else "Choose".

`check_limits` says what in a list of messages WhatsApp would refuse; the tests and the
WhatsApp stand-in share it.
"""

from __future__ import annotations

import hashlib
import html
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from bot.actions.pages import ListPage
from bot.actions.quizzes import QuizPick
from bot.channels.whatsapp.markup import FENCE, markup_problems, plain_to_whatsapp, to_whatsapp
from bot.i18n import Translator
from bot.screens import (
    WHATSAPP,
    Choice,
    Keyboard,
    LinkChoice,
    Question,
    Screen,
    fit_whatsapp,
    keyboard,
    shorten,
)
from bot.screens import ListRow as FitRow

__all__ = [
    "ButtonMessage",
    "ListMessage",
    "ListRow",
    "ListSection",
    "OutgoingMessage",
    "ReplyButton",
    "TextMessage",
    "check_limits",
    "page_count",
    "render",
    "render_question",
    "screen_key",
    "split_text",
]

Json = dict[str, object]
_PARAGRAPH = "\n\n"
# Room kept in a paged list's body for its page number, " (12/34)".
_PAGE_MARK = 10


class _Message:
    """What every outgoing message shares: the request body Meta expects."""

    __slots__ = ()
    kind: ClassVar[str]

    def payload(self) -> Json:
        raise NotImplementedError

    def to_json(self, to: str) -> Json:
        """The body of `POST /{phone-number-id}/messages` sending this message to `to`."""
        return {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": to,
            "type": self.kind,
            **self.payload(),
        }


@dataclass(frozen=True, slots=True)
class TextMessage(_Message):
    """A plain text message (≤ 4,096 characters); link previews off to spare data."""

    kind: ClassVar[str] = "text"
    body: str
    preview_url: bool = False

    def payload(self) -> Json:
        return {"text": {"preview_url": self.preview_url, "body": self.body}}


@dataclass(frozen=True, slots=True)
class ReplyButton:
    id: str
    title: str


@dataclass(frozen=True, slots=True)
class ButtonMessage(_Message):
    """An interactive message with up to three reply buttons."""

    kind: ClassVar[str] = "interactive"
    body: str
    buttons: tuple[ReplyButton, ...]

    def payload(self) -> Json:
        buttons = [
            {"type": "reply", "reply": {"id": b.id, "title": b.title}} for b in self.buttons
        ]
        return {
            "interactive": {
                "type": "button",
                "body": {"text": self.body},
                "action": {"buttons": buttons},
            }
        }


@dataclass(frozen=True, slots=True)
class ListRow:
    id: str
    title: str
    description: str | None = None

    def payload(self) -> Json:
        row: Json = {"id": self.id, "title": self.title}
        if self.description:
            row["description"] = self.description
        return row


@dataclass(frozen=True, slots=True)
class ListSection:
    rows: tuple[ListRow, ...]
    title: str | None = None  # WhatsApp needs one only when a list has several sections

    def payload(self) -> Json:
        section: Json = {"rows": [row.payload() for row in self.rows]}
        if self.title:
            section["title"] = self.title
        return section


@dataclass(frozen=True, slots=True)
class ListMessage(_Message):
    """An interactive list: a button that opens up to ten rows."""

    kind: ClassVar[str] = "interactive"
    body: str
    button: str
    sections: tuple[ListSection, ...]

    @property
    def rows(self) -> tuple[ListRow, ...]:
        return tuple(row for section in self.sections for row in section.rows)

    def payload(self) -> Json:
        return {
            "interactive": {
                "type": "list",
                "body": {"text": self.body},
                "action": {
                    "button": self.button,
                    "sections": [section.payload() for section in self.sections],
                },
            }
        }


OutgoingMessage = TextMessage | ButtonMessage | ListMessage


def page_count(screen: Screen) -> int:
    """How many pages the screen's choices take (1 unless they are a paged list)."""
    fit = fit_whatsapp(screen)
    return len(fit.pages) if fit.kind == "list" else 1


def screen_key(choices: Keyboard) -> str:
    """A short digest of a screen's choices: a "More…" press names the list it pages."""
    packed = "\n".join(c.data for c in choices.choices if isinstance(c, Choice))
    return hashlib.sha256(packed.encode("utf-8")).hexdigest()[:10]


def render(
    text: str, choices: Keyboard | None, *, t: Translator, page: int = 0
) -> list[OutgoingMessage]:
    """A screen (text in our markup, its choices) as the WhatsApp messages to send.

    `page` picks the page of a paged list (a "More…" or "Back" press); a page after the
    first is sent alone, without the screen's text, since the person has read it already.
    """
    choices = choices or Keyboard()
    fit = fit_whatsapp(Screen(text, choices))
    body = _with_links(to_whatsapp(text).strip(), fit.links)
    if fit.kind == "text":
        return [TextMessage(chunk) for chunk in split_text(body)]
    if fit.kind == "buttons":
        lead, short = _lead_and_body(body, t, reserve=0)
        buttons = tuple(ReplyButton(r.data, r.title) for r in _unique(fit.buttons))
        return [*lead, ButtonMessage(short, buttons)]
    pages = fit.pages
    number = min(max(page, 0), len(pages) - 1)
    rows = [ListRow(r.data, r.title, r.description) for r in _unique(pages[number])]
    key = screen_key(choices)
    if number + 1 < len(pages):
        rows.append(ListRow(ListPage(number + 1, key).pack(), _title(t.gettext("More…"))))
    if number > 0:
        rows.append(ListRow(ListPage(number - 1, key).pack(), _title("◀ " + t.gettext("Back"))))
    paged = len(pages) > 1
    lead, short = _lead_and_body(body, t, reserve=_PAGE_MARK if paged else 0)
    if number > 0:
        lead = []
    if paged:
        short += f"\n\n({number + 1}/{len(pages)})"
    button = shorten(t.pgettext("whatsapp list", "Choose"), WHATSAPP.button_title)
    return [*lead, ListMessage(short, button, (ListSection(tuple(rows)),))]


def render_question(
    question: Question, *, t: Translator, attempt: int, position: int
) -> list[OutgoingMessage]:
    """A quiz question as buttons or a list whose ids are `QuizPick`s (see its docstring).

    Options keep the order given (the order recorded with the question). When an option is
    too long even for a list row's description, the options are numbered and written out
    in full in the body, so no option is ever seen cut.
    """
    options = [" ".join(option.split()) for option in question.options]
    prompt = html.escape(question.prompt)
    if any(len(option) > WHATSAPP.row_description for option in options):
        prompt += _PARAGRAPH + "\n".join(
            f"{i}. {html.escape(option)}" for i, option in enumerate(options, start=1)
        )
        options = [f"{i}. {option}" for i, option in enumerate(options, start=1)]
    picks = keyboard(
        [[Choice(option, QuizPick(attempt, position, i))] for i, option in enumerate(options)]
    )
    return render(prompt, picks, t=t)


def _title(label: str) -> str:
    return shorten(label, WHATSAPP.row_title)


def _unique(rows: Iterable[FitRow]) -> list[FitRow]:
    """Each action once: WhatsApp refuses two buttons or rows with the same id."""
    seen: set[str] = set()
    kept = []
    for row in rows:
        if row.data not in seen:
            seen.add(row.data)
            kept.append(row)
    return kept


def _with_links(body: str, links: Sequence[LinkChoice]) -> str:
    lines = "\n".join(f"{plain_to_whatsapp(link.label)}: {link.url}" for link in links)
    return _PARAGRAPH.join(part for part in (body, lines) if part)


def _lead_and_body(body: str, t: Translator, *, reserve: int) -> tuple[list[OutgoingMessage], str]:
    """Text messages to send first, and the body of the interactive message after them."""
    limit = WHATSAPP.body - reserve
    if body and len(body) <= limit:
        return [], body
    choose = t.pgettext("whatsapp list", "Choose")
    if not body:
        return [], choose
    head, _, last = body.rpartition(_PARAGRAPH)
    if head.strip() and last.strip() and len(last) <= limit and head.count(FENCE) % 2 == 0:
        return [TextMessage(chunk) for chunk in split_text(head)], last
    return [TextMessage(chunk) for chunk in split_text(body)], choose


def split_text(text: str, limit: int = WHATSAPP.text) -> list[str]:
    """Cut a text into messages of at most `limit` characters.

    Cuts at the last paragraph break before the limit, else the last line break, else the
    last space where every marker has its partner; a single word longer than a whole
    message is the only thing ever cut inside. A monospace block cut in two is closed at
    the end of one part and opened again at the start of the next.
    """
    parts: list[str] = []
    rest = text.strip()
    room = limit - len(FENCE)
    while len(rest) > limit:
        cut = _cut(rest, room)
        head, rest = rest[:cut].rstrip(), rest[cut:].strip()
        if head.count(FENCE) % 2:
            head, rest = head + FENCE, FENCE + rest
        parts.append(head)
    if rest:
        parts.append(rest)
    return parts


def _cut(text: str, room: int) -> int:
    window = text[: room + 1]
    for separator in (_PARAGRAPH, "\n"):
        at = window.rfind(separator)
        if at > 0:
            return at
    spaces = [i for i, char in enumerate(window) if char == " " and i > 0]
    for at in reversed(spaces[-64:]):
        line = text[text.rfind("\n", 0, at) + 1 : at]
        if not markup_problems(line.replace(FENCE, "")):
            return at
    return spaces[-1] if spaces else room


def check_limits(messages: Sequence[OutgoingMessage]) -> list[str]:
    """What WhatsApp would refuse (or show broken) in these messages; empty when all fit."""
    problems: list[str] = []
    for number, message in enumerate(messages, start=1):
        where = f"message {number} ({type(message).__name__})"
        problems += [f"{where}: {p}" for p in _message_problems(message)]
    return problems


def _message_problems(message: OutgoingMessage) -> list[str]:
    limits = WHATSAPP
    if isinstance(message, TextMessage):
        problems = _length("text", message.body, limits.text)
        return problems + markup_problems(message.body)
    problems = _length("body", message.body, limits.body) + markup_problems(message.body)
    if isinstance(message, ButtonMessage):
        if not 1 <= len(message.buttons) <= limits.buttons:
            problems.append(f"{len(message.buttons)} buttons, not 1 to {limits.buttons}")
        for button in message.buttons:
            problems += _length("button title", button.title, limits.button_title)
            problems += _length("button id", button.id, limits.reply_id)
        problems += _duplicates("button id", [b.id for b in message.buttons])
        return problems
    problems += _length("list button", message.button, limits.button_title)
    if not 1 <= len(message.sections) <= limits.list_rows:
        problems.append(f"{len(message.sections)} sections, not 1 to {limits.list_rows}")
    for section in message.sections:
        if len(message.sections) > 1 or section.title is not None:
            problems += _length("section title", section.title or "", limits.row_title)
        if not section.rows:
            problems.append("a section without rows")
    rows = message.rows
    if not 1 <= len(rows) <= limits.list_rows:
        problems.append(f"{len(rows)} rows, not 1 to {limits.list_rows}")
    for row in rows:
        problems += _length("row title", row.title, limits.row_title)
        problems += _length("row id", row.id, limits.row_id)
        if row.description is not None:
            problems += _length("row description", row.description, limits.row_description)
    problems += _duplicates("row id", [row.id for row in rows])
    return problems


def _length(what: str, value: str, limit: int) -> list[str]:
    if not value.strip():
        return [f"empty {what}"]
    if len(value) > limit:
        return [f"{what} over {limit} characters ({len(value)}): {value[:40]!r}"]
    return []


def _duplicates(what: str, values: list[str]) -> list[str]:
    counts = Counter(values)
    return [f"{what} used twice: {v!r}" for v, n in sorted(counts.items()) if n > 1]
