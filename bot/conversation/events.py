"""What a person did, as every channel can say it.

A channel adapter turns its platform's update into one of these values and names the person
behind it; handlers read only these, so a feature works the same on every channel.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.actions import Action, parse_action

MediaKind = Literal["voice", "audio", "photo", "video", "document"]


@dataclass(frozen=True, slots=True)
class Person:
    """Who acted, as their channel names them.

    `address` is what the channel needs to write to them (the chat on Telegram, the phone
    number on WhatsApp); `name` the display name the channel shows, used only where a
    person chose to answer under their name; `first_name` to greet them and to name them
    to their trainer.
    """

    platform: str
    external_id: str
    address: str
    language_code: str | None = None
    name: str | None = None
    first_name: str | None = None


@dataclass(frozen=True, slots=True)
class Command:
    """A slash command (`/start abc` is name "start", args ("abc",))."""

    name: str
    args: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Pressed:
    """A pressed choice; `data` is what the channel sent back, `action` its parsed value
    (None for stale or forged data)."""

    data: str | None

    @property
    def action(self) -> Action | None:
        return parse_action(self.data)


@dataclass(frozen=True, slots=True)
class Typed:
    """A typed message. `html` is the same text in the restricted markup, with the
    formatting the person used and everything else escaped (for announcements)."""

    text: str
    html: str


@dataclass(frozen=True, slots=True)
class Media:
    """A file the person sent. `file_id` is the channel's reference to fetch it with."""

    kind: MediaKind
    file_id: str
    size: int | None = None
    mime: str | None = None
    name: str | None = None
    caption: str | None = None
    caption_html: str | None = None


@dataclass(frozen=True, slots=True)
class QuizAnswer:
    """An answer to a question sent as the channel's native quiz (a Telegram poll)."""

    ref: str
    options: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Other:
    """A message no feature reads (a sticker, a location, a contact)."""


Event = Command | Pressed | Typed | Media | QuizAnswer | Other
