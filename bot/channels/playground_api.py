"""The playground page's API, the same for both stand-ins' chats (a development tool,
imported by no runtime code): one set of routes per channel under its prefix, JSON bodies,
files a simulated user sends, and a 400 with the reason for whatever the person asked that
cannot be done."""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from aiohttp import web

__all__ = [
    "ChatPages",
    "FileKind",
    "SentFile",
    "add_chat_routes",
    "json_body",
    "sent_file",
    "user_errors",
]

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class ChatPages(Protocol):
    """What the page asks of one channel's stand-in about its simulated users."""

    async def users(self, request: web.Request) -> web.StreamResponse: ...
    async def add_user(self, request: web.Request) -> web.StreamResponse: ...
    async def chat(self, request: web.Request) -> web.StreamResponse: ...  # {user_id}
    async def send(self, request: web.Request) -> web.StreamResponse: ...
    async def press(self, request: web.Request) -> web.StreamResponse: ...
    async def media(self, request: web.Request) -> web.StreamResponse: ...
    async def block(self, request: web.Request) -> web.StreamResponse: ...
    async def file(self, request: web.Request) -> web.StreamResponse: ...  # {file_id}


def add_chat_routes(app: web.Application, prefix: str, pages: ChatPages) -> None:
    """One channel's chat endpoints under `prefix` (/pg for Telegram, /pg/wa for WhatsApp)."""
    routes = app.router
    routes.add_get(f"{prefix}/users", user_errors(pages.users))
    routes.add_post(f"{prefix}/users", user_errors(pages.add_user))
    routes.add_get(f"{prefix}/chat/{{user_id}}", user_errors(pages.chat))
    routes.add_post(f"{prefix}/send", user_errors(pages.send))
    routes.add_post(f"{prefix}/press", user_errors(pages.press))
    routes.add_post(f"{prefix}/media", user_errors(pages.media))
    routes.add_post(f"{prefix}/block", user_errors(pages.block))
    routes.add_get(f"{prefix}/file/{{file_id}}", user_errors(pages.file))


def user_errors(handler: Handler) -> Handler:
    """Answer 400 with the reason when the person asked for something impossible."""

    async def wrapped(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except (ValueError, LookupError, TypeError) as error:
            return web.json_response({"error": str(error)}, status=400)

    return wrapped


async def json_body(request: web.Request) -> dict[str, Any]:
    """The request's JSON object (ValueError otherwise)."""
    try:
        body = await request.json()
    except ValueError:
        raise ValueError("send a JSON object") from None
    if not isinstance(body, dict):
        raise ValueError("send a JSON object")
    return body


class FileKind(enum.Enum):
    """What a file becomes when a simulated user sends it."""

    VOICE = "voice"  # an Ogg audio file: a voice note on both channels
    PHOTO = "photo"  # a JPEG or PNG picture
    DOCUMENT = "document"  # anything else


@dataclass(frozen=True)
class SentFile:
    """A file from the page's 📎 button (multipart: user_id, file, optional caption)."""

    user_id: str
    kind: FileKind
    data: bytes = field(repr=False)
    mime_type: str
    name: str
    caption: str | None


async def sent_file(request: web.Request) -> SentFile:
    """Read the page's upload; its kind follows from the type or the file name."""
    form = await request.post()
    upload = form.get("file")
    if not isinstance(upload, web.FileField):
        raise ValueError("send a file")
    mime = upload.content_type or "application/octet-stream"
    name = upload.filename or "file"
    if mime in ("audio/ogg", "audio/opus") or name.lower().endswith((".ogg", ".oga")):
        kind, mime = FileKind.VOICE, "audio/ogg"
    elif mime in ("image/jpeg", "image/png"):
        kind = FileKind.PHOTO
    else:
        kind = FileKind.DOCUMENT
    caption = str(form.get("caption") or "") or None
    return SentFile(str(form.get("user_id")), kind, upload.file.read(), mime, name, caption)
