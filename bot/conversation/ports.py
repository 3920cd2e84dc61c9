"""What the core asks of a channel: answer the person of this turn, reach any person.

`Replies` answers within a turn (it knows the message whose button was pressed, so Telegram
can edit it in place). `Channel` reaches an account at any time: jobs, a staff member's
reply to a learner, an alert to admins. Each adapter in bot/channels/<platform>/ implements
both; the core picks the channel by the account's platform.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from types import MappingProxyType
from typing import Literal, Protocol

from bot.config import TemplatePurpose
from bot.screens import Keyboard, Question, Screen

FileKind = Literal["document", "photo", "voice", "audio", "video"]
# How people know each platform (brand names, the same in every language).
CHANNEL_NAMES: Mapping[str, str] = MappingProxyType(
    {"telegram": "Telegram", "whatsapp": "WhatsApp"}
)


class FetchFailed(Exception):
    """A file a person sent could not be downloaded (gone, too large, no connection)."""


class FetchTooLarge(FetchFailed):
    """The file is larger than the caller's limit: not downloaded, or not kept."""


class Sent(Enum):
    """What became of a message sent outside a turn."""

    SENT = "sent"
    BLOCKED = "blocked"  # the person blocked the bot, or the chat is gone
    FAILED = "failed"  # refused or timed out: never retried, a message must not come twice
    LATER = "later"  # surely not delivered (flood limit, no connection): worth another try
    SKIPPED = "skipped"  # nothing sent: the channel may not write to them now (see Unprompted)


@dataclass(frozen=True, slots=True)
class Unprompted:
    """A message sent on the bot's own initiative (a reminder, an announcement, a notice),
    with what a channel that may write freely only for a while after the person wrote
    (WhatsApp's 24 hours) needs once that time is over: the purpose, whose approved
    template goes instead (None: nothing does, as for a trainer's progress line), the
    person's language, and when they last wrote on this channel (None: never, or not
    known)."""

    purpose: TemplatePurpose | None
    language: str
    last_wrote: datetime | None
    # whether the job keeps the send's ref to follow its delivery statuses (a channel that
    # reports them later waits for that record only then)
    recorded: bool = False


@dataclass(frozen=True, slots=True)
class Attempt:
    result: Sent
    retry_in: timedelta | None = None  # for LATER
    ref: str | None = None  # the channel's reference to the message, when SENT
    # the channel reports later, under `ref`, whether it was delivered, read or failed
    reported_later: bool = False


@dataclass(frozen=True, slots=True)
class OutFile:
    """A file to send: bytes and the name the person sees."""

    data: bytes
    filename: str
    kind: FileKind = "document"
    mime: str | None = None


@dataclass(frozen=True, slots=True)
class MediaRef:
    """A channel's own id for a file it holds for us, and when it was uploaded (WhatsApp's
    lapse after 30 days; Telegram's last)."""

    id: str
    uploaded_at: datetime


@dataclass(frozen=True, slots=True)
class StoredFile:
    """A file we keep (a recording), sent by the channel's id from an earlier upload when
    there is one: `load` reads our copy only when it must go up (again)."""

    kind: FileKind
    filename: str
    mime: str
    load: Callable[[], Awaitable[bytes]]
    known: MediaRef | None = None


class Replies(Protocol):
    """How a handler answers the person of this turn."""

    async def show(self, screen: Screen) -> str | None:
        """Show a screen: in place of the pressed message where the channel can edit and
        the screen asks for it, else as a new message. Returns the message's reference."""
        ...

    async def send_file(
        self, file: OutFile, caption: str | None = None, keyboard: Keyboard | None = None
    ) -> None:
        """Send a photo or a document, with a caption and choices under it."""
        ...

    async def send_stored(
        self, file: StoredFile, caption: str | None = None, keyboard: Keyboard | None = None
    ) -> MediaRef | None:
        """Send a file we keep by its known id, uploading it (again) when there is none, it
        lapsed or the platform no longer knows it; returns the new id after an upload
        (for the caller to keep), None when the known one served."""
        ...

    async def ask(self, question: Question) -> str | None:
        """Send a quiz question; returns the reference its answer will carry (a poll id),
        or None when the channel answers with a pressed choice instead."""
        ...

    @property
    def keeps_files(self) -> bool:
        """Whether the channel serves a file a person sent for as long as we need it
        (Telegram), so its id is enough; False where ids lapse (WhatsApp's after 30 days)
        and a feature that keeps the file must download it within the turn."""
        ...

    async def fetch(self, file_id: str, limit: int | None = None) -> bytes:
        """Download a file the person sent (a Media event's file_id); FetchTooLarge when it
        is over `limit` bytes."""
        ...

    def invite_link(self, code: str) -> str:
        """A link that opens the bot with this code (a cohort invitation)."""
        ...


class Channel(Protocol):
    """How the core reaches an account outside a turn. Errors come back as an Attempt,
    never as the platform's exceptions."""

    platform: str

    async def send(
        self,
        address: str,
        text: str,
        keyboard: Keyboard | None = None,
        *,
        unprompted: Unprompted | None = None,
    ) -> Attempt:
        """Send a text with choices. `unprompted` marks a job's message (a reminder, an
        announcement, a notice): a channel with a reply window sends it as that purpose's
        approved template once the window has closed, or SKIPPED when it has none."""
        ...

    async def send_file(
        self,
        address: str,
        file: OutFile,
        caption: str | None = None,
        *,
        unprompted: Unprompted | None = None,
    ) -> Attempt: ...

    async def edit(
        self,
        address: str,
        ref: str,
        text: str,
        keyboard: Keyboard | None = None,
        *,
        unprompted: Unprompted | None = None,
    ) -> Attempt:
        """Change a message sent before (a progress line); channels without edits send anew
        (`unprompted` as for send)."""
        ...

    async def copy(self, address: str, from_address: str, ref: str) -> Attempt:
        """Send a copy of a message the channel itself keeps (announcements written before
        their content was stored point at a Telegram message); FAILED where it cannot."""
        ...

    async def fetch(self, file_id: str) -> bytes: ...

    def invite_link(self, code: str) -> str: ...


class Channels:
    """The channels this process runs, by platform name."""

    def __init__(self, channels: Mapping[str, Channel] | None = None) -> None:
        self._by_platform: dict[str, Channel] = dict(channels or {})

    def add(self, channel: Channel) -> None:
        self._by_platform[channel.platform] = channel

    def get(self, platform: str) -> Channel | None:
        """The channel of an account's platform; None when this process does not run it
        (a WhatsApp account while only Telegram is configured)."""
        return self._by_platform.get(platform)

    @property
    def platforms(self) -> tuple[str, ...]:
        return tuple(self._by_platform)
