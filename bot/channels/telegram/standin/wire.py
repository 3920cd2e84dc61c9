"""Reading Bot API requests off the wire.

Bot API clients send parameters as a query string, an urlencoded or multipart form (PTB:
every value JSON-encoded except plain strings, files as multipart parts) or a JSON body. This
module turns all of them into one dict, and offers typed access with Telegram's error texts.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

from aiohttp import web

from bot.channels.telegram.standin.errors import bad_request

__all__ = ["Params", "UploadedFile", "decode_params", "read_raw_params"]

# Parameters whose values are free text: never JSON-decoded, even when they look like a number.
_TEXT_PARAMS = frozenset(
    {
        "action",
        "business_connection_id",
        "callback_query_id",
        "caption",
        "description",
        "emoji",
        "explanation",
        "file_id",
        "first_name",
        "inline_message_id",
        "ip_address",
        "language_code",
        "last_name",
        "message_effect_id",
        "message_text",
        "name",
        "parse_mode",
        "payload",
        "query",
        "question",
        "secret_token",
        "short_description",
        "start_parameter",
        "text",
        "title",
        "type",
        "url",
        "username",
    }
)
_JSON_LOOKING = re.compile(r"-?\d+(\.\d+)?|true|false|null|[\[{].*", re.DOTALL)


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request."""

    filename: str
    content_type: str
    data: bytes


async def read_raw_params(request: web.Request) -> dict[str, object]:
    """Return the parameters as sent: strings, `UploadedFile`s, or JSON values from a JSON body."""
    params: dict[str, object] = dict(request.query)
    if not request.body_exists:
        return params
    if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                data = value.file.read()
                params[key] = UploadedFile(value.filename, value.content_type, data)
            else:
                params[key] = value
        return params
    body = await request.read()
    if not body.strip():
        return params
    try:
        decoded = json.loads(body)
    except ValueError:
        raise bad_request("can't parse JSON object") from None
    if not isinstance(decoded, dict):
        raise bad_request("can't parse JSON object")
    params.update(decoded)
    return params


def decode_params(raw: Mapping[str, object]) -> dict[str, object]:
    """Decode form values that PTB JSON-encoded, keeping free-text parameters as strings.

    This is a heuristic that needs no spec; the spec check decodes by declared type instead.
    """
    decoded: dict[str, object] = {}
    for key, value in raw.items():
        if isinstance(value, str) and key not in _TEXT_PARAMS and _JSON_LOOKING.fullmatch(value):
            with contextlib.suppress(ValueError):
                value = json.loads(value)
        decoded[key] = value
    return decoded


class Params:
    """Typed access to decoded parameters, failing with Telegram-like 400 answers."""

    def __init__(self, values: Mapping[str, object]) -> None:
        self.values = dict(values)

    def __contains__(self, name: object) -> bool:
        return name in self.values

    def get(self, name: str) -> object | None:
        """The raw decoded value, or None when absent."""
        return self.values.get(name)

    def text(self, name: str) -> str | None:
        """A string parameter; numbers are accepted as their text, like Telegram does."""
        value = self.values.get(name)
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        raise bad_request(f'field "{name}" must be of type String')

    def required_text(self, name: str) -> str:
        """A string parameter that must be present."""
        value = self.text(name)
        if value is None:
            raise bad_request(f"{name} is empty")
        return value

    def integer(self, name: str) -> int | None:
        """An integer parameter."""
        value = self.values.get(name)
        if value is None:
            return None
        if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
            return int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad_request(f'field "{name}" must be of type Integer')
        return value

    def required_integer(self, name: str) -> int:
        """An integer parameter that must be present."""
        value = self.integer(name)
        if value is None:
            raise bad_request(f"{name} is empty")
        return value

    def flag(self, name: str, default: bool = False) -> bool:
        """A boolean parameter."""
        value = self.values.get(name)
        if value is None:
            return default
        if isinstance(value, str):
            return value.lower() in ("true", "1")
        return bool(value)

    def mapping(self, name: str) -> dict[str, object] | None:
        """A JSON object parameter."""
        value = self.values.get(name)
        if value is None or isinstance(value, dict):
            return value
        raise bad_request(f"can't parse {name} JSON object")

    def array(self, name: str) -> list[object] | None:
        """A JSON array parameter."""
        value = self.values.get(name)
        if value is None or isinstance(value, list):
            return value
        raise bad_request(f"can't parse {name} JSON array")
