"""What a WhatsApp webhook call carries, as the bot's neutral events and delivery statuses.

The documented JSON is read here rather than by pywa: pywa builds its update objects with a
full client (they hold it to reply and to download media) and reads only the first message
of a call, while Meta may batch several entries, changes and messages in one body. What is
read is little (who, which message, its kind and a few fields), so a plain reading is
shorter than adapting pywa's objects, and it never needs a client.

What a person writes never reaches a log from here: a part that does not read is logged by
its position and the missing key only.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from bot.conversation.events import (
    Command,
    Event,
    Media,
    MediaKind,
    Other,
    Person,
    Pressed,
    Typed,
)

log = logging.getLogger(__name__)

PLATFORM = "whatsapp"

# Words that are commands when they are the whole message, in each language of the bot:
# WhatsApp has no command menu, and a learner types "menu" sooner than "/menu".
COMMAND_WORDS: Mapping[str, str] = MappingProxyType(
    {
        "menu": "menu",
        "help": "help",
        "stop": "stop",
        "start": "start",
        # fr
        "aide": "help",
        "arrêter": "stop",
        "commencer": "start",
        # hi
        "मेनू": "menu",
        "मदद": "help",
        "रुको": "stop",
        "शुरू": "start",
        # pt
        "ajuda": "help",
        "parar": "stop",
        "começar": "start",
    }
)

# A guess at the person's language from their number's country code, for the first
# screens before they pick one (the language picker is shown at /start anyway). Where we
# work: Guinea and its French-speaking neighbours, Brazil and Portuguese-speaking
# countries, India (Hindi is the bot's Indian language, though Odisha speaks Odia),
# Australia and other English-speaking countries. Longest prefix wins.
COUNTRY_LANGUAGES: Mapping[str, str] = MappingProxyType(
    {
        "224": "fr",  # Guinea
        "221": "fr",  # Senegal
        "223": "fr",  # Mali
        "225": "fr",  # Côte d'Ivoire
        "33": "fr",  # France
        "55": "pt",  # Brazil
        "351": "pt",  # Portugal
        "244": "pt",  # Angola
        "258": "pt",  # Mozambique
        "245": "pt",  # Guinea-Bissau
        "91": "hi",  # India
        "61": "en",  # Australia
        "1": "en",  # North America
        "44": "en",  # United Kingdom
        "231": "en",  # Liberia
        "232": "en",  # Sierra Leone
    }
)


class Delivery(StrEnum):
    """What Meta says became of a message the bot sent."""

    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Incoming:
    """One message a person sent: Meta's id for it (to process it once), who, and what."""

    message_id: str
    person: Person
    event: Event
    sent_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Status:
    """A delivery status of a message the bot sent. `error_code` is Meta's code for a
    failure (131047: the 24-hour window is closed; 131026: not on WhatsApp...)."""

    message_id: str
    recipient: str
    status: Delivery
    at: datetime | None = None
    error_code: int | None = None


Update = Incoming | Status


def language_of(wa_id: str) -> str | None:
    """The bot's language most spoken where this number is from (COUNTRY_LANGUAGES)."""
    for length in (3, 2, 1):
        found = COUNTRY_LANGUAGES.get(wa_id[:length])
        if found is not None:
            return found
    return None


def read_body(body: object, phone_number_id: str | None = None) -> list[Update]:
    """Every message and status in a webhook body, in order. With `phone_number_id`, what
    was sent to another number of the same business account is left out."""
    if not isinstance(body, dict) or body.get("object") != "whatsapp_business_account":
        return []
    found: list[Update] = []
    for where, value in _message_values(body):
        metadata = value.get("metadata") or {}
        if phone_number_id is not None and metadata.get("phone_number_id") != phone_number_id:
            continue
        names = _contact_names(value.get("contacts"))
        for index, message in enumerate(value.get("messages") or ()):
            try:
                found.append(read_message(message, names))
            except (KeyError, TypeError, ValueError) as err:
                log.warning("%s message %d not read: %s", where, index, type(err).__name__)
        for index, status in enumerate(value.get("statuses") or ()):
            try:
                read = read_status(status)
            except (KeyError, TypeError, ValueError) as err:
                log.warning("%s status %d not read: %s", where, index, type(err).__name__)
                continue
            if read is not None:
                found.append(read)
    return found


def _message_values(body: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for e, entry in enumerate(body.get("entry") or ()):
        changes = entry.get("changes") if isinstance(entry, dict) else None
        for c, change in enumerate(changes or ()):
            if not isinstance(change, dict) or change.get("field") != "messages":
                continue
            value = change.get("value")
            if isinstance(value, dict):
                yield f"entry {e} change {c}", value


def _contact_names(contacts: object) -> dict[str, str]:
    names: dict[str, str] = {}
    for contact in contacts if isinstance(contacts, list) else ():
        if isinstance(contact, dict) and isinstance(contact.get("wa_id"), str):
            name = (contact.get("profile") or {}).get("name")
            if isinstance(name, str) and name.strip():
                names[contact["wa_id"]] = name.strip()
    return names


def read_message(message: dict[str, Any], names: Mapping[str, str]) -> Incoming:
    """One entry of `messages` (KeyError or TypeError when it lacks what every message has)."""
    wa_id = str(message["from"])
    message_id = str(message["id"])
    name = names.get(wa_id)
    # A WhatsApp profile has one name: it greets them and names them to their trainer.
    person = Person(
        platform=PLATFORM,
        external_id=wa_id,
        address=wa_id,
        language_code=language_of(wa_id),
        name=name,
        first_name=name,
    )
    return Incoming(message_id, person, read_event(message), _time(message.get("timestamp")))


def read_event(message: dict[str, Any]) -> Event:
    """What the message says, as a neutral event."""
    kind = message.get("type")
    content = message.get(kind) if isinstance(kind, str) else None
    if not isinstance(content, dict):
        return Other()
    if kind == "text":
        return _typed(str(content.get("body") or ""))
    if kind == "interactive":
        reply = content.get(str(content.get("type")))
        if content.get("type") in ("button_reply", "list_reply") and isinstance(reply, dict):
            return Pressed(_text_or_none(reply.get("id")))
        return Other()
    if kind == "button":  # a quick-reply button of a template message
        return Pressed(_text_or_none(content.get("payload")))
    media = _media_kind(kind, content)
    if media is None or not isinstance(content.get("id"), str):
        return Other()
    caption = _text_or_none(content.get("caption"))
    return Media(
        kind=media,
        file_id=content["id"],
        mime=_text_or_none(content.get("mime_type")),
        name=_text_or_none(content.get("filename")),
        caption=caption,
        caption_html=html.escape(caption, quote=False) if caption is not None else None,
    )


def _typed(text: str) -> Event:
    stripped = text.strip()
    if stripped.startswith("/") and len(stripped) > 1:
        name, *args = stripped[1:].split()
        return Command(name.lower(), tuple(args))
    word = COMMAND_WORDS.get(stripped.rstrip(".!?").strip().casefold())
    if word is not None:
        return Command(word)
    # WhatsApp's *bold* and _italic_ are not carried: the text is escaped as it is.
    return Typed(text, html.escape(text, quote=False))


def _media_kind(kind: str | None, content: dict[str, Any]) -> MediaKind | None:
    if kind == "audio":
        return "voice" if content.get("voice") is True else "audio"
    if kind == "image":
        return "photo"
    if kind == "document":
        return "document"
    if kind == "video":
        return "video"
    return None


def read_status(status: dict[str, Any]) -> Status | None:
    """One entry of `statuses`; None for a status the bot does not track (played...)."""
    try:
        delivery = Delivery(status["status"])
    except ValueError:
        return None
    errors = status.get("errors")
    code = None
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        raw = errors[0].get("code")
        code = int(raw) if isinstance(raw, int | str) and str(raw).isdigit() else None
    return Status(
        message_id=str(status["id"]),
        recipient=str(status["recipient_id"]),
        status=delivery,
        at=_time(status.get("timestamp")),
        error_code=code,
    )


def _time(value: object) -> datetime | None:
    """Meta's timestamps are Unix seconds as a string."""
    if isinstance(value, int | str) and str(value).isdigit():
        return datetime.fromtimestamp(int(value), UTC)
    return None


def _text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
