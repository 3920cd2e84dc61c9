"""Message content as Telegram builds it: formatted text, inline keyboards, media.

Each function validates one part of a send/edit call the way Telegram does and raises the
same error answer, so a bot that passes the stand-in does not fail on the real Bot API for
these reasons.
"""

from __future__ import annotations

import re
import struct
from typing import Any

from bot.channels.telegram.standin.errors import bad_request
from bot.channels.telegram.standin.state import StoredFile, World
from bot.channels.telegram.standin.wire import Params, UploadedFile
from bot.telegram_html import parse_html, utf16_length

__all__ = [
    "MAX_CAPTION",
    "MAX_TEXT",
    "format_text",
    "inline_keyboard",
    "media_file",
    "photo_sizes",
]

MAX_TEXT = 4096
MAX_CAPTION = 1024
_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_URL_RE = re.compile(r"(https?|tg)://\S+", re.IGNORECASE)

Entities = list[dict[str, Any]]


def format_text(text: str, parse_mode: str | None, entities: object) -> tuple[str, Entities]:
    """Apply parse_mode or explicit entities and trim surrounding white space, like Telegram.

    Only HTML is parsed; Markdown and MarkdownV2 text is kept as sent, without entities.
    """
    mode = (parse_mode or "").strip().lower()
    if mode == "html":
        parsed = parse_html(text)
        if parsed.problems:
            raise bad_request(f"can't parse entities: {parsed.problems[0]}")
        return _trim(parsed.text, list(parsed.entities))
    if mode in ("markdown", "markdownv2"):
        return _trim(text, [])
    if mode:
        raise bad_request(f"unsupported parse_mode {parse_mode!r}")
    return _trim(text, _entities(entities))


def _entities(value: object) -> Entities:
    """Explicit MessageEntity dicts, checked for the fields every entity has."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise bad_request("can't parse entities JSON object")
    entities: Entities = []
    for entity in value:
        if not (
            isinstance(entity, dict)
            and isinstance(entity.get("type"), str)
            and isinstance(entity.get("offset"), int)
            and isinstance(entity.get("length"), int)
        ):
            raise bad_request("can't parse entities JSON object")
        entities.append(dict(entity))
    return entities


def _trim(text: str, entities: Entities) -> tuple[str, Entities]:
    """Strip leading and trailing white space and move the entities along."""
    shift = utf16_length(text[: len(text) - len(text.lstrip())])
    trimmed = text.strip()
    total = utf16_length(trimmed)
    moved: Entities = []
    for entity in entities:
        start = max(0, entity["offset"] - shift)
        end = min(total, entity["offset"] + entity["length"] - shift)
        if end > start:
            moved.append({**entity, "offset": start, "length": end - start})
    return trimmed, moved


def inline_keyboard(markup: dict[str, Any]) -> dict[str, Any] | None:
    """Validate an InlineKeyboardMarkup; None when it has no buttons (Telegram drops it)."""
    rows = markup.get("inline_keyboard")
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request("can't parse inline keyboard markup JSON object")
    for row in rows:
        for button in row:
            _check_button(button)
    kept = [row for row in rows if row]
    return {"inline_keyboard": kept} if kept else None


def _check_button(button: object) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request(
            'can\'t parse inline keyboard button: Field "text" must be of type String'
        )
    actions = [key for key in _BUTTON_ACTIONS if key in button]
    if not actions:
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    data = button.get("callback_data")
    if "callback_data" in button and (
        not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64
    ):
        raise bad_request("BUTTON_DATA_INVALID")
    url = button.get("url")
    if "url" in button and (not isinstance(url, str) or not _URL_RE.fullmatch(url)):
        raise bad_request(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")


def media_file(world: World, params: Params, kind: str, mime_type: str) -> StoredFile:
    """The file of a sendPhoto/sendDocument/sendVoice call: uploaded, a file_id or a URL."""
    value = params.get(kind)
    if isinstance(value, str) and value.startswith("attach://"):
        value = params.get(value.removeprefix("attach://"))
    if isinstance(value, UploadedFile):
        name = value.filename or f"{kind}.bin"
        mime = value.content_type or mime_type
        return world.store_file(kind, name, mime, data=value.data)
    if isinstance(value, str) and value in world.files:
        return world.files[value]
    if isinstance(value, str) and _URL_RE.fullmatch(value) and value.lower().startswith("http"):
        return world.store_file(kind, value.rsplit("/", 1)[-1] or kind, mime_type, url=value)
    if value is None:
        raise bad_request(f"there is no {kind} in the request")
    raise bad_request("wrong file identifier/HTTP URL specified")


def photo_sizes(stored: StoredFile) -> list[dict[str, Any]]:
    """The PhotoSize list for a photo; real sizes are read from PNG headers, else 0x0."""
    width = height = 0
    data = stored.data or b""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
    return [{**stored.ids(), "width": width, "height": height}]
