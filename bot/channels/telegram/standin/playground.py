"""The playground: a browser page where a person chats with the bot through the stand-in.

The page (`playground.html`, one self-contained file) talks to the JSON endpoints below, which
only call the stand-in's public user-driving methods, so a person at the page does exactly
what an end-to-end test does.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.channels.change_signal import ChangeSignal
from bot.channels.playground_api import add_chat_routes, json_body, sent_file, user_errors
from bot.channels.telegram.standin.state import ChatState, StoredMessage

if TYPE_CHECKING:
    from bot.channels.telegram.standin.server import BotApiStandIn

__all__ = ["Playground"]

_PAGE = Path(__file__).with_name("playground.html")
_MAX_WAIT = 25.0
_ACTION_SECONDS = 5.0
_FIRST_NEW_USER_ID = 1000


class Playground:
    """Routes of the playground page and its JSON API under /pg/."""

    def __init__(self, standin: BotApiStandIn, signal: ChangeSignal) -> None:
        self._standin = standin
        self._signal = signal

    def add_routes(self, app: web.Application) -> None:
        """Register GET / and the /pg/ endpoints on `app`."""
        app.router.add_get("/", self._page)
        add_chat_routes(app, "/pg", self)
        app.router.add_post("/pg/poll", user_errors(self._poll))

    async def _page(self, request: web.Request) -> web.StreamResponse:
        return web.FileResponse(_PAGE)

    async def users(self, request: web.Request) -> web.StreamResponse:
        return web.json_response({"bot": self._standin.bot, "users": self._user_list()})

    def _user_list(self) -> list[dict[str, Any]]:
        chats = self._standin.state.chats
        return [
            {**user, "blocked": chats[user["id"]].blocked} for user in self._standin.state.users()
        ]

    async def add_user(self, request: web.Request) -> web.StreamResponse:
        body = await json_body(request)
        first_name = str(body.get("first_name") or "").strip()
        if not first_name:
            raise ValueError("a user needs a first name")
        ids = [user["id"] for user in self._standin.state.users()]
        user = self._standin.add_user(
            max([_FIRST_NEW_USER_ID, *ids]) + 1,
            first_name,
            language_code=str(body.get("language_code") or "").strip() or None,
            username=str(body.get("username") or "").strip() or None,
        )
        return web.json_response(user)

    async def chat(self, request: web.Request) -> web.StreamResponse:
        """The chat as the user sees it; waits (up to 25 s) until its version differs."""
        chat = self._standin.state.user_chat(int(request.match_info["user_id"]))
        since = int(request.query.get("since", "-1"))
        wait = min(float(request.query.get("timeout", _MAX_WAIT)), _MAX_WAIT)

        def changed() -> bool | None:
            return True if chat.version != since or self._standin.closing else None

        await self._signal.wait_for(changed, wait)
        return web.json_response(self._chat_view(chat))

    def _chat_view(self, chat: ChatState) -> dict[str, Any]:
        action = None
        if chat.action is not None and time.time() - chat.action[1] < _ACTION_SECONDS:
            action = chat.action[0]
        return {
            "version": chat.version,
            "user": chat.user,
            "blocked": chat.blocked,
            "messages": [self._message_view(chat, m) for m in chat.messages.values()],
            "reply_keyboard": chat.reply_keyboard,
            "toast": chat.toast,
            "action": action,
            "last_error": self._standin.last_error,
        }

    def _message_view(self, chat: ChatState, stored: StoredMessage) -> dict[str, Any]:
        data = stored.data
        media = (
            data.get("document")
            or data.get("voice")
            or data.get("audio")
            or (data.get("photo") or [None])[-1]
        )
        poll = data.get("poll")
        my_vote = None
        if poll is not None and poll["id"] in self._standin.state.polls:
            my_vote = self._standin.state.polls[poll["id"]].votes.get(chat.id)
        return {
            "message": data,
            "edited": stored.edited,
            "outgoing": data.get("from", {}).get("id") == chat.id,
            "file_url": f"/pg/file/{media['file_id']}" if media else None,
            "my_vote": my_vote,
        }

    async def send(self, request: web.Request) -> web.StreamResponse:
        body = await json_body(request)
        update = await self._standin.send_text(int(body["user_id"]), str(body.get("text", "")))
        return web.json_response({"ok": True, "update_id": update["update_id"]})

    async def media(self, request: web.Request) -> web.StreamResponse:
        """The user sends a file: a voice note, a photo or a document (playground_api)."""
        sent = await sent_file(request)
        update = await self._standin.send_media(
            int(sent.user_id),
            sent.kind.value,
            sent.data,
            file_name=sent.name,
            mime_type=sent.mime_type,
            caption=sent.caption,
        )
        return web.json_response(
            {"ok": True, "update_id": update["update_id"], "kind": sent.kind.value}
        )

    async def press(self, request: web.Request) -> web.StreamResponse:
        body = await json_body(request)
        query_id = await self._standin.press(
            int(body["user_id"]), int(body["message_id"]), str(body["data"])
        )
        return web.json_response({"ok": True, "query_id": query_id})

    async def _poll(self, request: web.Request) -> web.StreamResponse:
        body = await json_body(request)
        option_ids = [int(i) for i in body.get("option_ids", [])]
        await self._standin.answer_poll(int(body["user_id"]), str(body["poll_id"]), option_ids)
        return web.json_response({"ok": True})

    async def block(self, request: web.Request) -> web.StreamResponse:
        body = await json_body(request)
        if body.get("blocked", True):
            self._standin.block(int(body["user_id"]))
        else:
            self._standin.unblock(int(body["user_id"]))
        return web.json_response({"ok": True, "users": self._user_list()})

    async def file(self, request: web.Request) -> web.StreamResponse:
        stored = self._standin.state.files.get(request.match_info["file_id"])
        if stored is None:
            raise LookupError("no such file")
        if stored.data is None:
            raise web.HTTPFound(stored.url or "/")
        return web.Response(body=stored.data, content_type=stored.mime_type)
