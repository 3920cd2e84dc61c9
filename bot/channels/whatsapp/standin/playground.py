"""The playground's WhatsApp users: their chats as JSON under /pg/wa/, beside the Telegram ones.

The page (bot/channels/telegram/standin/playground.html) draws a WhatsApp user's chat from
these endpoints, which only call the Cloud API stand-in's public user-driving methods, so a
person at the page does what tests/whatsapp does: write, press a reply button, pick a list
row, send a voice note or a document. The bot's messages are shown as Meta would deliver
them (new messages only: WhatsApp has no edits), including those the stand-in refused.
"""

from __future__ import annotations

import contextlib
from typing import Any

from aiohttp import web

from bot.channels.playground_api import FileKind, add_chat_routes, json_body, sent_file
from bot.channels.whatsapp.standin.limits import media_objects
from bot.channels.whatsapp.standin.server import CloudApiStandIn
from bot.channels.whatsapp.standin.state import Inbound, Outbound, Status, User

__all__ = ["WhatsAppChats", "new_number"]

_MAX_WAIT = 25.0
# A new user's number starts with the country code the bot reads a first language from.
COUNTRY_CODES = {"fr": "224", "pt": "55", "hi": "91", "en": "61"}
_SUBSCRIBER_DIGITS = 9
_KINDS = {FileKind.VOICE: "audio", FileKind.PHOTO: "image", FileKind.DOCUMENT: "document"}


def new_number(language: str | None, taken: set[str]) -> str:
    """A phone number (digits) not yet used, in a country that speaks `language`."""
    prefix = COUNTRY_CODES.get((language or "en").split("-")[0].lower(), COUNTRY_CODES["en"])
    for n in range(1, 10**_SUBSCRIBER_DIGITS):
        number = f"{prefix}{600_000_000 + n:0{_SUBSCRIBER_DIGITS}d}"
        if number not in taken:
            return number
    raise ValueError("no number left")


class WhatsAppChats:
    """Routes of the playground's WhatsApp chats (JSON only; the page is Telegram's)."""

    def __init__(self, standin: CloudApiStandIn) -> None:
        self._standin = standin

    def add_routes(self, app: web.Application) -> None:
        """Register the /pg/wa/ endpoints on `app` (the playground's server)."""
        add_chat_routes(app, "/pg/wa", self)

    # --- users ---------------------------------------------------------------------------

    def _user_view(self, user: User) -> dict[str, Any]:
        return {
            "id": user.wa_id,
            "first_name": user.name,
            "language_code": user.language,
            "channel": "whatsapp",
            "blocked": user.wa_id in self._standin.world.undeliverable,
        }

    async def users(self, request: web.Request) -> web.StreamResponse:
        account = self._standin.account
        users = [self._user_view(u) for u in self._standin.world.users.values()]
        return web.json_response({"number": account.display_phone_number, "users": users})

    async def add_user(self, request: web.Request) -> web.StreamResponse:
        body = await json_body(request)
        first_name = str(body.get("first_name") or "").strip()
        if not first_name:
            raise ValueError("a user needs a first name")
        language = str(body.get("language_code") or "").strip() or None
        number = "".join(c for c in str(body.get("phone") or "") if c.isdigit())
        if not number:
            number = new_number(language, set(self._standin.world.users))
        elif number in self._standin.world.users:
            raise ValueError("that number is taken")
        user = self._standin.add_user(number, first_name, language)
        return web.json_response(self._user_view(user))

    async def block(self, request: web.Request) -> web.StreamResponse:
        """Meta never says a person blocked a business: their number becomes one it cannot
        deliver to (131026), the nearest thing."""
        body = await json_body(request)
        wa_id = str(body["user_id"])
        self._standin.world.user(wa_id)
        self._standin.make_undeliverable(wa_id, bool(body.get("blocked", True)))
        return web.json_response({"ok": True})

    # --- the chat ------------------------------------------------------------------------

    async def chat(self, request: web.Request) -> web.StreamResponse:
        """The chat as the user sees it; waits (up to 25 s) until something changed."""
        wa_id = request.match_info["user_id"]
        user = self._standin.world.user(wa_id)
        since = int(request.query.get("since", "-1"))
        wait = min(float(request.query.get("timeout", _MAX_WAIT)), _MAX_WAIT)
        world = self._standin.world

        def changed() -> bool | None:
            return True if world.version != since else None

        with contextlib.suppress(TimeoutError):
            await self._standin.wait_for(changed, wait)
        return web.json_response(
            {
                "version": world.version,
                "user": self._user_view(user),
                "blocked": wa_id in world.undeliverable,
                "window_open": self._standin.window_open(wa_id),
                "messages": [self._message_view(m) for m in world.chat(wa_id)],
                "last_error": self._last_error(wa_id),
            }
        )

    def _message_view(self, message: Inbound | Outbound) -> dict[str, Any]:
        if isinstance(message, Inbound):
            body, outgoing = message.message, True
            view: dict[str, Any] = {"status": "read" if message.read else "sent"}
        else:
            body, outgoing = message.body, False
            view = {"status": str(message.status), "rendered": message.text}
        file_url = None
        for _, media in media_objects(body):
            file_url = media.get("link") or f"/pg/wa/file/{media.get('id')}"
        view.update(id=message.id, message=body, outgoing=outgoing, file_url=file_url)
        return view

    def _last_error(self, wa_id: str) -> dict[str, Any] | None:
        """The newest message to this user the stand-in refused, as Meta would answer."""
        for violation in reversed(self._standin.violations):
            if violation.wa_id == wa_id:
                return {"code": violation.code, "limit": str(violation.limit.value)}
        return None

    # --- what the user does --------------------------------------------------------------

    async def send(self, request: web.Request) -> web.StreamResponse:
        body = await json_body(request)
        text = str(body.get("text", ""))
        if not text.strip():
            raise ValueError("write something")
        sent = self._standin.send_text(str(body["user_id"]), text)
        return web.json_response({"ok": True, "id": sent["id"]})

    async def press(self, request: web.Request) -> web.StreamResponse:
        """A reply button or a list row of one of the bot's messages, by its id."""
        body = await json_body(request)
        wa_id, message_id, choice = str(body["user_id"]), str(body["message_id"]), str(body["id"])
        message = self._standin.world.outbound.get(message_id)
        if message is None or message.wa_id != wa_id or message.status is Status.FAILED:
            raise LookupError("no such message in this chat")
        interactive = message.body.get("interactive") or {}
        if interactive.get("type") == "list":
            sent = self._standin.choose_row(wa_id, message_id, choice)
        else:
            sent = self._standin.press_button(wa_id, message_id, choice)
        return web.json_response({"ok": True, "id": sent["id"]})

    async def media(self, request: web.Request) -> web.StreamResponse:
        """The user sends a file: a voice note, an image or a document (playground_api)."""
        sent = await sent_file(request)
        kind = _KINDS[sent.kind]
        voice = sent.kind is FileKind.VOICE
        message = self._standin.send_media(
            sent.user_id,
            kind,
            sent.data,
            "audio/ogg; codecs=opus" if voice else sent.mime_type,
            caption=None if voice else sent.caption,
            filename=sent.name if kind == "document" else None,
            voice=voice,
        )
        return web.json_response({"ok": True, "id": message["id"], "kind": kind})

    async def file(self, request: web.Request) -> web.StreamResponse:
        media = self._standin.media.get(request.match_info["file_id"])
        if media is None:
            raise LookupError("no such file, or its id lapsed")
        return web.Response(body=media.data, content_type=media.mime_type.split(";")[0])
