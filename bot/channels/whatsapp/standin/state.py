"""The simulated WhatsApp behind the stand-in: users, what they sent and received, templates.

Messages are kept as the Cloud API shapes them (the `/messages` body the bot sent, the
webhook `messages[]` entry a user sent), so tests look at exactly what crossed the wire.
WhatsApp never tells a business the user's language; `User.language` is the stand-in's own
note (for choosing a template's language in tests), never sent to the bot.
"""

from __future__ import annotations

import base64
import enum
import hashlib
import itertools
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Inbound", "Outbound", "Status", "Template", "User", "World"]

JsonDict = dict[str, Any]
_PLACEHOLDER = re.compile(r"\{\{(\d+)\}\}")


class Status(enum.StrEnum):
    """The delivery states of a message the bot sent, as status webhooks name them."""

    ACCEPTED = "accepted"  # the stand-in's own: answered, no status sent yet
    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"
    FAILED = "failed"


@dataclass
class User:
    """A simulated WhatsApp user."""

    wa_id: str
    name: str
    bsuid: str
    language: str | None = None
    last_inbound: float | None = None  # clock time of their last message (opens the window)

    def contact(self) -> JsonDict:
        """The webhook `contacts[]` entry for this user (no BSUID: a number not on WhatsApp)."""
        contact: JsonDict = {"profile": {"name": self.name}, "wa_id": self.wa_id}
        if self.bsuid:
            contact["user_id"] = self.bsuid
        return contact


@dataclass
class Outbound:
    """A message the bot sent (accepted by the stand-in), with its delivery state."""

    id: str
    wa_id: str
    body: JsonDict  # the /messages request body as sent
    time: float
    status: Status = Status.ACCEPTED
    text: str | None = None  # a template's body with its parameters filled in

    @property
    def type(self) -> str:
        """The message type (text, interactive, image, template...)."""
        return str(self.body.get("type", "text"))

    def as_dict(self) -> JsonDict:
        """A copy for tests: the body plus id, status and (for templates) the rendered text."""
        result: JsonDict = {**self.body, "id": self.id, "status": str(self.status)}
        if self.text is not None:
            result["rendered"] = self.text
        return result


@dataclass
class Inbound:
    """A message a user sent to the bot, and whether the bot marked it read or typing."""

    id: str
    wa_id: str
    message: JsonDict  # the webhook messages[] entry
    read: bool = False
    typing: bool = False


@dataclass(frozen=True)
class Template:
    """An approved template in one language, with `{{1}}`-style body parameters."""

    name: str
    language: str
    body: str
    parameters: int = field(init=False)

    def __post_init__(self) -> None:
        numbers = {int(n) for n in _PLACEHOLDER.findall(self.body)}
        object.__setattr__(self, "parameters", max(numbers, default=0))

    def render(self, values: list[str]) -> str:
        """The body with `{{n}}` replaced by the n-th value."""
        return _PLACEHOLDER.sub(lambda m: values[int(m.group(1)) - 1], self.body)


class World:
    """Users, messages in both directions and templates of the simulated WhatsApp."""

    def __init__(self) -> None:
        self.users: dict[str, User] = {}
        self.by_bsuid: dict[str, User] = {}
        self.outbound: dict[str, Outbound] = {}
        self.inbound: dict[str, Inbound] = {}
        self.templates: dict[tuple[str, str], Template] = {}
        self.undeliverable: set[str] = set()
        # every message in either direction, in the order it crossed (the playground's chats)
        self.timeline: list[Inbound | Outbound] = []
        self.version = 0  # grows with every message, status or reachability change
        self._numbers = itertools.count(1)
        # Meta's ids are unique for good: a stand-in started again (the playground on the
        # same database) must not reuse one, or the bot drops a new message as delivered twice.
        self._run = secrets.token_hex(4)

    def add_user(self, wa_id: str, name: str, language: str | None, bsuid: str | None) -> User:
        """Create (or rename) a user; wa_id is the phone number in digits, as Meta gives it."""
        if not wa_id.isdigit():
            raise ValueError("a wa_id is the phone number in digits, without + or spaces")
        user = self.users.get(wa_id)
        if user is None:
            digits = int(hashlib.sha256(wa_id.encode()).hexdigest(), 16) % 10**19
            user = User(wa_id, name, bsuid or f"ZZ.{digits}", language)
            self.users[wa_id] = user
            self.by_bsuid[user.bsuid] = user
        else:
            user.name, user.language = name, language
        return user

    def user(self, wa_id: str) -> User:
        """A simulated user (for driving the stand-in: plain errors)."""
        user = self.users.get(wa_id)
        if user is None:
            raise LookupError(f"no simulated user {wa_id}; call add_user first")
        return user

    def recipient(self, to: object, recipient: object) -> User | None:
        """The user a /messages body addresses by phone number (`to`) or BSUID (`recipient`)."""
        if isinstance(to, str | int) and str(to):
            digits = re.sub(r"[+\-\s()]", "", str(to))
            if digits in self.users:
                return self.users[digits]
            return self.by_bsuid.get(str(to))
        if isinstance(recipient, str):
            return self.by_bsuid.get(recipient)
        return None

    def message_id(self) -> str:
        """A new wamid (Meta's are opaque base64 strings starting with "wamid.")."""
        raw = f"standin-{self._run}-{next(self._numbers):010d}".encode()
        return "wamid." + base64.b64encode(raw).decode()

    def keep(self, message: Inbound | Outbound) -> None:
        """Store a message a user sent or the bot sent."""
        if isinstance(message, Inbound):
            self.inbound[message.id] = message
        else:
            self.outbound[message.id] = message
        self.timeline.append(message)
        self.changed()

    def changed(self) -> None:
        """Something a chat shows changed (a message, its status, a number's reach)."""
        self.version += 1

    def chat(self, wa_id: str) -> list[Inbound | Outbound]:
        """One user's conversation in order, both directions (failed sends included)."""
        return [m for m in self.timeline if m.wa_id == wa_id]

    def received(self, wa_id: str) -> list[Outbound]:
        """What the user received, in order (failed sends excluded)."""
        return [
            m for m in self.outbound.values() if m.wa_id == wa_id and m.status != Status.FAILED
        ]
