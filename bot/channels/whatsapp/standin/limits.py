"""The shape and length rules of a message the bot sends, checked as WhatsApp checks them.

Graph's own parameter checks (lengths of text fields, required fields) answer code 100;
WhatsApp's checks of interactive content (how many buttons or rows, their titles and ids)
answer 131009, which is what clients report for those. Lengths count characters (Python `len`),
as pywa's docstrings state them; Meta does not say whether it counts code points or UTF-16
units, and the bot's texts are far from the edge where the two differ.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from bot.channels.whatsapp.standin.errors import Limit, invalid, not_valid

__all__ = ["MEDIA_TYPES", "media_objects", "validate"]

JsonDict = dict[str, Any]

MEDIA_TYPES = frozenset({"image", "document", "audio", "video", "sticker"})
_OTHER_TYPES = frozenset({"text", "interactive", "template", "reaction", "location", "contacts"})

TEXT_BODY = 4096
INTERACTIVE_BODY = 1024
CAPTION = 1024
HEADER = 60
FOOTER = 60
BUTTONS = 3
BUTTON_TITLE = 20
BUTTON_ID = 256
LIST_ROWS = 10
LIST_SECTIONS = 10
LIST_BUTTON = 20
SECTION_TITLE = 24
ROW_TITLE = 24
ROW_DESCRIPTION = 72
ROW_ID = 200


def validate(message: JsonDict) -> None:
    """Raise the GraphError WhatsApp would answer for `message` (a /messages body), if any."""
    if message.get("messaging_product") != "whatsapp":
        raise invalid(Limit.MALFORMED, "The parameter messaging_product is required.")
    if not message.get("to") and not message.get("recipient"):
        raise invalid(Limit.MALFORMED, "The parameter to is required.")
    kind = message.get("type", "text")
    if kind not in MEDIA_TYPES | _OTHER_TYPES:
        raise invalid(Limit.MALFORMED, f"Param type must be one of {sorted(MEDIA_TYPES)}...")
    content = message.get(kind)
    if not isinstance(content, dict):
        raise invalid(Limit.MALFORMED, f"The parameter {kind} is required.")
    if kind == "text":
        _text(content.get("body"), "text['body']", TEXT_BODY, Limit.TEXT_BODY)
    elif kind == "interactive":
        _interactive(content)
    elif kind in MEDIA_TYPES:
        _media(kind, content, caption=True)


def media_objects(message: JsonDict) -> Iterator[tuple[str, JsonDict]]:
    """The media objects (with `id` or `link`) of a message, and their kind."""
    kind = message.get("type", "text")
    content = message.get(kind)
    if not isinstance(content, dict):
        return
    if kind in MEDIA_TYPES:
        yield kind, content
    header = content.get("header") if kind == "interactive" else None
    if isinstance(header, dict) and header.get("type") in MEDIA_TYPES:
        inner = header.get(header["type"])
        if isinstance(inner, dict):
            yield header["type"], inner


def _text(value: object, name: str, most: int, limit: Limit, *, required: bool = True) -> None:
    if value is None and not required:
        return
    if not isinstance(value, str) or not value:
        raise invalid(Limit.MALFORMED, f"The parameter {name} is required.")
    if len(value) > most:
        raise invalid(limit, f"Param {name} must be at most {most} characters long.")


def _title(value: object, what: str, most: int, limit: Limit) -> str:
    if not isinstance(value, str) or not 1 <= len(value) <= most:
        raise not_valid(limit, f"{what} length invalid. Min length: 1, Max length: {most}")
    return value


def _media(kind: str, content: JsonDict, *, caption: bool) -> None:
    if "id" not in content and "link" not in content:
        raise invalid(Limit.MALFORMED, f"Param {kind} must have an id or a link.")
    if caption and "caption" in content:
        _text(content["caption"], f"{kind}['caption']", CAPTION, Limit.CAPTION)


def _interactive(content: JsonDict) -> None:
    kind = content.get("type")
    body = content.get("body")
    body_text = body.get("text") if isinstance(body, dict) else None
    _text(
        body_text,
        "interactive['body']['text']",
        INTERACTIVE_BODY,
        Limit.INTERACTIVE_BODY,
        required=kind in ("button", "list"),
    )
    footer = content.get("footer")
    if footer is not None:
        text = footer.get("text") if isinstance(footer, dict) else None
        _text(text, "interactive['footer']['text']", FOOTER, Limit.FOOTER)
    header = content.get("header")
    if header is not None:
        _header(header, list_message=kind == "list")
    action = content.get("action")
    if not isinstance(action, dict):
        raise invalid(Limit.MALFORMED, "The parameter interactive['action'] is required.")
    if kind == "button":
        _buttons(action.get("buttons"))
    elif kind == "list":
        _list(action)


def _header(header: object, *, list_message: bool) -> None:
    if not isinstance(header, dict):
        raise invalid(Limit.MALFORMED, "Param interactive['header'] must be an object.")
    kind = header.get("type")
    if kind == "text":
        _text(header.get("text"), "interactive['header']['text']", HEADER, Limit.HEADER)
    elif kind in ("image", "video", "document") and not list_message:
        inner = header.get(kind)
        if not isinstance(inner, dict):
            raise invalid(Limit.MALFORMED, f"The parameter interactive['header']['{kind}'] ...")
        _media(kind, inner, caption=False)
    else:
        raise not_valid(Limit.MALFORMED, f"Header type {kind!r} is not allowed here.")


def _buttons(buttons: object) -> None:
    if not isinstance(buttons, list) or not 1 <= len(buttons) <= BUTTONS:
        count = len(buttons) if isinstance(buttons, list) else 0
        raise not_valid(
            Limit.BUTTON_COUNT,
            f"Invalid buttons count {count}. Min allowed buttons: 1, Max allowed buttons: "
            f"{BUTTONS}",
        )
    seen: set[str] = set()
    for button in buttons:
        reply = button.get("reply") if isinstance(button, dict) else None
        if not isinstance(reply, dict) or button.get("type") != "reply":
            raise invalid(Limit.MALFORMED, "Each button must be of type reply with a reply.")
        _title(reply.get("title"), "Button title", BUTTON_TITLE, Limit.BUTTON_TITLE)
        seen_id = _title(reply.get("id"), "Button id", BUTTON_ID, Limit.BUTTON_ID)
        title = reply["title"]
        if seen_id in seen or title in seen:
            raise not_valid(Limit.DUPLICATE_ID, "Button ids and titles must be unique.")
        seen |= {seen_id, title}


def _list(action: JsonDict) -> None:
    _title(action.get("button"), "Button label", LIST_BUTTON, Limit.LIST_BUTTON)
    sections = action.get("sections")
    if not isinstance(sections, list) or not 1 <= len(sections) <= LIST_SECTIONS:
        count = len(sections) if isinstance(sections, list) else 0
        raise not_valid(
            Limit.LIST_SECTIONS,
            f"Invalid sections count {count}. Min allowed sections: 1, Max allowed sections: "
            f"{LIST_SECTIONS}",
        )
    rows: list[JsonDict] = []
    for section in sections:
        section_rows = section.get("rows") if isinstance(section, dict) else None
        if not isinstance(section_rows, list) or not section_rows:
            raise not_valid(Limit.MALFORMED, "Each section needs at least one row.")
        if len(sections) > 1 or "title" in section:
            _title(section.get("title"), "Section title", SECTION_TITLE, Limit.SECTION_TITLE)
        rows.extend(section_rows)
    if len(rows) > LIST_ROWS:
        raise not_valid(Limit.LIST_ROWS, f"Total row count exceed max allowed count: {LIST_ROWS}")
    ids: set[str] = set()
    for row in rows:
        if not isinstance(row, dict):
            raise invalid(Limit.MALFORMED, "Each row must be an object.")
        _title(row.get("title"), "Row title", ROW_TITLE, Limit.ROW_TITLE)
        row_id = _title(row.get("id"), "Row id", ROW_ID, Limit.ROW_ID)
        if "description" in row:
            _title(row["description"], "Row description", ROW_DESCRIPTION, Limit.ROW_DESCRIPTION)
        if row_id in ids:
            raise not_valid(Limit.DUPLICATE_ID, "Row ids must be unique.")
        ids.add(row_id)
