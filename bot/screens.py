"""Screens: what a feature shows, before any channel decides how.

A view returns text in the project's restricted markup (the Telegram-HTML subset the content
already uses, see bot/telegram_html.py) and the choices under it. Each channel's renderer
turns a screen into its own messages: Telegram as an inline keyboard edited in place,
WhatsApp as up to three reply buttons, else a list (see `fit_whatsapp`).

Choices keep the label a person reads today on Telegram. WhatsApp's limits are shorter, so
the fit check below says how a screen degrades there instead of forcing every label under
20 characters on every channel: a reader finds one rule ("over three choices, or a long
label, becomes a list; over ten, a paged list") simpler than two sets of labels.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from bot.actions import Action

__all__ = [
    "WHATSAPP",
    "Choice",
    "ChoiceRow",
    "Keyboard",
    "LinkChoice",
    "Question",
    "Screen",
    "WhatsAppFit",
    "fit_whatsapp",
    "keyboard",
    "shorten",
]


@dataclass(frozen=True, slots=True)
class Choice:
    """A button: what it says and the typed action it triggers."""

    label: str
    action: Action
    description: str | None = None

    @property
    def data(self) -> str:
        """The packed action, as a channel sends it back (callback data, reply id)."""
        return self.action.pack()


@dataclass(frozen=True, slots=True)
class LinkChoice:
    """A button that opens a web page (a draft Standard, a certificate check)."""

    label: str
    url: str


ChoiceRow = tuple[Choice | LinkChoice, ...]


@dataclass(frozen=True, slots=True)
class Keyboard:
    """Choices in rows; rows matter on Telegram, a list on WhatsApp keeps their order."""

    rows: tuple[ChoiceRow, ...] = ()

    @property
    def choices(self) -> tuple[Choice | LinkChoice, ...]:
        return tuple(choice for row in self.rows for choice in row)

    def __bool__(self) -> bool:
        return any(self.rows)


def keyboard(rows: Sequence[Sequence[Choice | LinkChoice]]) -> Keyboard:
    """Build a keyboard from nested lists, dropping empty rows."""
    return Keyboard(tuple(tuple(row) for row in rows if row))


@dataclass(frozen=True, slots=True)
class Screen:
    """One message a feature shows: text in our markup and the choices under it.

    `edit` asks a channel that can edit in place to replace the message whose button was
    pressed; a channel that cannot (WhatsApp) always sends a new message.
    """

    text: str
    choices: Keyboard = field(default_factory=Keyboard)
    edit: bool = True


# --- WhatsApp's limits, checked without WhatsApp ---------------------------------------------


@dataclass(frozen=True, slots=True)
class WhatsAppLimits:
    """The Cloud API's limits for interactive messages (../shared/CHANNELS.md)."""

    buttons: int = 3
    button_title: int = 20
    list_rows: int = 10
    row_title: int = 24
    row_description: int = 72
    body: int = 1024
    text: int = 4096
    reply_id: int = 256
    row_id: int = 200


WHATSAPP = WhatsAppLimits()

FitKind = Literal["text", "buttons", "list"]


@dataclass(frozen=True, slots=True)
class ListRow:
    """One row of a WhatsApp list: a title that fits and, when it had to be cut, the label."""

    title: str
    description: str | None
    data: str


@dataclass(frozen=True, slots=True)
class WhatsAppFit:
    """How a screen's choices go out on WhatsApp.

    `pages` holds the list rows per message: a screen with more than ten choices becomes
    several lists; the renderer adds a "More" row to each but the last and a "Back" row to
    each but the first, so the first and last pages carry at most nine of the screen's
    choices and the pages between at most eight. Link choices become plain URLs in the
    text (`links`).
    """

    kind: FitKind
    buttons: tuple[ListRow, ...] = ()
    pages: tuple[tuple[ListRow, ...], ...] = ()
    links: tuple[LinkChoice, ...] = ()
    problems: tuple[str, ...] = ()

    @property
    def fits(self) -> bool:
        return not self.problems


def shorten(text: str, limit: int) -> str:
    """Cut at a word boundary with an ellipsis, never mid-word when a space allows it."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,.;:-") + "…"


def fit_whatsapp(screen: Screen, limits: WhatsAppLimits = WHATSAPP) -> WhatsAppFit:
    """Decide how a screen's choices fit WhatsApp: buttons, a (paged) list, or text only.

    Up to three choices whose labels fit a button title become reply buttons; otherwise
    each choice becomes a list row (a label longer than a row title is shortened at a word
    and kept whole in the row's description); more than ten rows are paged.
    """
    actions = [c for c in screen.choices.choices if isinstance(c, Choice)]
    links = tuple(c for c in screen.choices.choices if isinstance(c, LinkChoice))
    problems: list[str] = []
    for choice in actions:
        data = choice.data
        if len(data) > limits.row_id:
            problems.append(f"action id over {limits.row_id} characters: {data!r}")
    if not actions:
        if len(screen.text) > limits.text:
            problems.append(f"text over {limits.text} characters")
        return WhatsAppFit("text", links=links, problems=tuple(problems))
    if len(screen.text) > limits.body:
        problems.append(f"body over {limits.body} characters ({len(screen.text)})")
    if len(actions) <= limits.buttons and all(
        len(c.label) <= limits.button_title and c.description is None for c in actions
    ):
        rows = tuple(ListRow(c.label, None, c.data) for c in actions)
        return WhatsAppFit("buttons", buttons=rows, links=links, problems=tuple(problems))
    rows = tuple(_row(choice, limits) for choice in actions)
    for row in rows:
        if row.description is not None and len(row.description) > limits.row_description:
            problems.append(f"row description over {limits.row_description}: {row.title!r}")
    return WhatsAppFit("list", pages=_pages(rows, limits), links=links, problems=tuple(problems))


def _pages(rows: tuple[ListRow, ...], limits: WhatsAppLimits) -> tuple[tuple[ListRow, ...], ...]:
    """Cut the rows into lists, leaving room for "Back" (not on the first) and "More"."""
    if len(rows) <= limits.list_rows:
        return (rows,)
    pages: list[tuple[ListRow, ...]] = []
    start = 0
    while start < len(rows):
        room = limits.list_rows - (1 if pages else 0)
        if len(rows) - start > room:
            room -= 1
        pages.append(rows[start : start + room])
        start += room
    return tuple(pages)


def _row(choice: Choice, limits: WhatsAppLimits) -> ListRow:
    label = " ".join(choice.label.split())
    if len(label) <= limits.row_title:
        return ListRow(label, choice.description, choice.data)
    description = choice.description or label
    return ListRow(
        shorten(label, limits.row_title), shorten(description, limits.row_description), choice.data
    )


@dataclass(frozen=True, slots=True)
class Question:
    """A question with one right option. Telegram sends it as a native quiz poll (which
    shows the explanation itself); a channel without quizzes sends the options as choices.
    Plain text throughout: polls take no markup."""

    prompt: str
    options: tuple[str, ...]
    correct: int
    explanation: str | None = None
    # which question of which attempt: a channel without native quizzes names it in the
    # choices it sends, and records the question by it
    attempt: int = 0
    position: int = 0
