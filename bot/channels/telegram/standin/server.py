"""An in-process stand-in for the Telegram Bot API, for one bot.

End-to-end tests run the real PTB Application against it over HTTP (`base_url` pointed
here), so PTB's request layer, error mapping, polling and rate limiting run as in
production, while the tests drive simulated users and look at every call the bot made. The
same aiohttp app serves the playground page, where a person chats with the bot in a browser.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web
from telegram import Bot

from bot.channels.change_signal import ChangeSignal
from bot.channels.telegram.standin.bot_settings import BotSettingsMethods
from bot.channels.telegram.standin.content import photo_sizes
from bot.channels.telegram.standin.errors import ApiError, bad_request
from bot.channels.telegram.standin.messaging import Handler, MessagingMethods
from bot.channels.telegram.standin.playground import Playground
from bot.channels.telegram.standin.polls import vote
from bot.channels.telegram.standin.ratelimit import FloodControl
from bot.channels.telegram.standin.spec import SpecValidator
from bot.channels.telegram.standin.state import ChatState, QueryState, World
from bot.channels.telegram.standin.updates import UpdateMethods
from bot.channels.telegram.standin.updates_store import UpdateStore
from bot.channels.telegram.standin.webhook import WebhookSender
from bot.channels.telegram.standin.wire import Params, UploadedFile, decode_params, read_raw_params
from bot.telegram_html import utf16_length

__all__ = ["BotApiStandIn", "RecordedRequest"]

_LOGGER = logging.getLogger(__name__)
_MAX_UPLOAD = 50 * 1024 * 1024

JsonDict = dict[str, Any]


@dataclass(frozen=True)
class RecordedRequest:
    """One Bot API call the bot made, with the stand-in's answer."""

    method: str  # camelCase as in the Bot API docs (or as sent, when unknown)
    params: dict[str, object]  # decoded values; uploaded files as UploadedFile
    status: int  # HTTP status of the answer
    description: str | None  # error description (None for successful calls)
    time: float  # time.monotonic() when the request arrived
    duration: float  # seconds until the answer
    result: object = None  # the result of a successful call


@dataclass
class _Failure:
    error: ApiError
    times: int


class BotApiStandIn:
    """The Bot API for one bot, with simulated users, as an aiohttp application."""

    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",
        *,
        bot_id: int = 123456,
        bot_username: str = "asi_learning_bot",
        bot_name: str = "ASI Learning",
        spec_path: Path | None = None,
        global_rate: int = 30,
        group_rate_per_minute: int = 20,
        callback_answer_timeout: float = 15.0,
    ) -> None:
        self.token = token
        self.bot: JsonDict = {
            "id": bot_id,
            "is_bot": True,
            "first_name": bot_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self._signal = ChangeSignal()
        self.state = World(self.bot, self._signal.fire)
        self._store = UpdateStore(self._signal.fire)
        self._webhook = WebhookSender(self._store, self._signal)
        self._updates = UpdateMethods(self._store, self._signal, self._webhook)
        self._settings = BotSettingsMethods(self.bot)
        messaging = MessagingMethods(
            self.state,
            FloodControl(global_rate, group_rate_per_minute),
            callback_answer_timeout=callback_answer_timeout,
        )
        self._handlers: dict[str, tuple[str, Handler]] = {
            name.lower(): (name, handler)
            for part in (self._settings, self._updates, messaging)
            for name, handler in part.handlers().items()
        }
        self._validator = SpecValidator(spec_path) if spec_path is not None else None
        known = _ptb_method_names() | {name for name, _ in self._handlers.values()}
        if self._validator is not None:
            known |= self._validator.method_names
        self._known_methods = {name.lower(): name for name in known}
        self.requests: list[RecordedRequest] = []
        self.violations: list[tuple[str, dict[str, object], list[str]]] = []
        self.last_error: JsonDict | None = None
        self._failures: dict[str, list[_Failure]] = {}
        self._file_gate: asyncio.Event | None = None  # see hold_files
        self._runner: web.AppRunner | None = None
        self.url: str | None = None
        self._app = self._build_app()

    # --- running -------------------------------------------------------------------------

    @property
    def app(self) -> web.Application:
        """The aiohttp application (to run it yourself or mount it into another one)."""
        return self._app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serve on `host`:`port` (0: any free port) and return the root URL."""
        self._runner = web.AppRunner(self._app, shutdown_timeout=2.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, host, port).start()
        bound_port = self._runner.addresses[0][1]
        self.url = f"http://{host}:{bound_port}"
        return self.url

    async def stop(self) -> None:
        """Stop serving; pending long polls return at once."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def _build_app(self) -> web.Application:
        app = web.Application(client_max_size=_MAX_UPLOAD)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{file_path:.+}", self._handle_file)
        Playground(self, self._signal).add_routes(app)
        app.on_startup.append(self._on_startup)
        app.on_shutdown.append(self._on_shutdown)
        app.on_cleanup.append(self._on_cleanup)
        return app

    async def _on_startup(self, app: web.Application) -> None:
        self._updates.closing = False

    async def _on_shutdown(self, app: web.Application) -> None:
        self._updates.closing = True
        self._signal.fire()

    async def _on_cleanup(self, app: web.Application) -> None:
        await self._webhook.close()

    @property
    def closing(self) -> bool:
        """Whether the app is shutting down (long polls should return)."""
        return self._updates.closing

    # --- the Bot API ---------------------------------------------------------------------

    async def _handle_api(self, request: web.Request) -> web.Response:
        started = time.monotonic()
        method = request.match_info["method"]
        params: dict[str, object] = {}
        result: object = None
        description: str | None = None
        try:
            if request.match_info["token"] != self.token:
                raise ApiError(401, "Unauthorized")
            method = self._known_methods.get(method.lower(), method)
            if method.lower() not in self._known_methods:
                raise ApiError(404, "Not Found")
            raw = await read_raw_params(request)
            params = decode_params(raw)
            self._check_spec(method, raw, params)
            self._raise_injected_failure(method)
            implemented = self._handlers.get(method.lower())
            if implemented is None:
                _LOGGER.warning("the Bot API stand-in does not implement %s", method)
                raise bad_request("method not supported by the stand-in")
            result = await implemented[1](Params(params))
            status, body = 200, {"ok": True, "result": result}
        except ApiError as error:
            status, body, description = error.status, error.payload(), error.description
            self._note_error(method, params, error)
        except Exception as exc:  # a bug in the stand-in: answer 500, record it, log loudly
            _LOGGER.exception("the Bot API stand-in failed on %s", method)
            failure = ApiError(500, "Internal Server Error")
            status, body, description = 500, failure.payload(), f"stand-in bug: {exc!r}"
            self._note_error(method, params, failure)
        self.requests.append(
            RecordedRequest(
                method=method,
                params=params,
                status=status,
                description=description,
                time=started,
                duration=time.monotonic() - started,
                result=copy.deepcopy(result),
            )
        )
        self._signal.fire()
        return web.json_response(body, status=status)

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.json_response(ApiError(401, "Unauthorized").payload(), status=401)
        stored = self.state.files_by_path.get(request.match_info["file_path"])
        if stored is None or stored.data is None:
            return web.json_response(ApiError(404, "Not Found").payload(), status=404)
        if self._file_gate is not None:
            await self._file_gate.wait()
        return web.Response(body=stored.data, content_type=stored.mime_type)

    def _check_spec(self, method: str, raw: dict[str, object], params: dict[str, object]) -> None:
        if self._validator is None:
            return
        as_sent = {k: v.data if isinstance(v, UploadedFile) else v for k, v in raw.items()}
        problems = self._validator.check(method, as_sent)
        if problems:
            _LOGGER.warning("Bot API spec violations in %s: %s", method, problems)
            self.violations.append((method, params, problems))

    def _raise_injected_failure(self, method: str) -> None:
        queue = self._failures.get(method.lower())
        if not queue:
            return
        failure = queue[0]
        failure.times -= 1
        if failure.times <= 0:
            queue.pop(0)
        raise failure.error

    def _note_error(self, method: str, params: dict[str, object], error: ApiError) -> None:
        """Remember the last error answer, for the playground's status line."""
        self.last_error = {
            "method": method,
            "status": error.status,
            "description": error.description,
            "time": time.time(),
        }
        chat_id = params.get("chat_id")
        chat = self.state.chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is not None:
            self.state.touch(chat)

    # --- test hooks ----------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        status: int,
        description: str,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next `times` calls of `method` with this error instead of running them."""
        error = ApiError(status, description, retry_after=retry_after)
        self._failures.setdefault(method.lower(), []).append(_Failure(error, times))

    def hold_files(self) -> asyncio.Event:
        """Hold every file download until the returned event is set (a slow network, to
        show what the bot does meanwhile)."""
        self._file_gate = asyncio.Event()
        return self._file_gate

    async def wait_for_request(
        self,
        predicate: Callable[[RecordedRequest], bool] | str,
        timeout: float = 5.0,  # noqa: ASYNC109 - the signature the tests share
        *,
        since: int = 0,
    ) -> RecordedRequest:
        """Return the first request from index `since` on that matches, waiting if needed.

        `predicate` may be a method name. Raises TimeoutError when none comes in time.
        """
        matches = _as_predicate(predicate)
        position = since

        def find() -> RecordedRequest | None:
            nonlocal position
            while position < len(self.requests):
                request = self.requests[position]
                position += 1
                if matches(request):
                    return request
            return None

        found = await self._signal.wait_for(find, timeout)
        if found is None:
            raise TimeoutError(f"no matching Bot API request within {timeout} s")
        return found

    # --- simulated users -----------------------------------------------------------------

    def add_user(
        self,
        user_id: int,
        first_name: str,
        *,
        language_code: str | None = "en",
        username: str | None = None,
        last_name: str | None = None,
    ) -> JsonDict:
        """Create a simulated user with a private chat (chat id == user id); return the User."""
        return self.state.add_user(
            user_id,
            first_name,
            language_code=language_code,
            username=username,
            last_name=last_name,
        )

    def add_group(self, chat_id: int, title: str) -> JsonDict:
        """Create a group chat (negative id) the bot can send to; return the Chat."""
        return self.state.add_group(chat_id, title)

    def block(self, user_id: int, *, notify: bool = True) -> None:
        """The user blocks the bot: sending to them now fails with 403.

        Telegram tells the bot with a my_chat_member update; `notify=False` leaves it out, as
        when the bot missed it (down longer than Telegram keeps updates), so that only the
        403 of the next send says so.
        """
        self._set_blocked(self.state.user_chat(user_id), blocked=True, notify=notify)

    def unblock(self, user_id: int) -> None:
        """The user unblocks the bot."""
        self._set_blocked(self.state.user_chat(user_id), blocked=False)

    def _set_blocked(self, chat: ChatState, *, blocked: bool, notify: bool = True) -> None:
        """Change the block state and tell the bot, as Telegram does (my_chat_member)."""
        if chat.blocked == blocked:
            return
        chat.blocked = blocked
        self.state.touch(chat)
        member = {"status": "member", "user": self.bot}
        kicked = {"status": "kicked", "user": self.bot, "until_date": 0}
        old, new = (member, kicked) if blocked else (kicked, member)
        if not notify:
            return
        self._store.add(
            {
                "my_chat_member": {
                    "chat": chat.chat,
                    "from": chat.user,
                    "date": int(time.time()),
                    "old_chat_member": old,
                    "new_chat_member": new,
                }
            }
        )

    async def send_text(self, user_id: int, text: str) -> JsonDict:
        """The user writes `text` to the bot; return the Update the bot gets.

        A user who blocked the bot unblocks it first, as Telegram clients make them do.
        """
        chat = self.state.user_chat(user_id)
        if not text.strip():
            raise ValueError("Telegram clients do not send empty messages")
        self._set_blocked(chat, blocked=False)
        content: JsonDict = {"text": text}
        command = text.split(maxsplit=1)[0] if text.startswith("/") else ""
        if len(command) > 1:
            content["entities"] = [
                {"type": "bot_command", "offset": 0, "length": utf16_length(command)}
            ]
        message = self.state.add_message(chat, dict(chat.user or {}), content)
        return self._store.add({"message": copy.deepcopy(message)})

    async def send_media(
        self,
        user_id: int,
        kind: str,
        data: bytes,
        *,
        file_name: str = "",
        mime_type: str = "",
        caption: str | None = None,
        duration: int = 1,
        forward_from: JsonDict | None = None,
    ) -> JsonDict:
        """The user sends a photo, document, voice note, audio or video; return the Update.

        The bytes are kept so the bot can fetch them with getFile and the file URL.
        `forward_from` (a User object) makes it a forwarded message.
        """
        defaults = {
            "photo": ("photo.jpg", "image/jpeg"),
            "document": ("document.pdf", "application/pdf"),
            "voice": ("voice.ogg", "audio/ogg"),
            "audio": ("audio.mp3", "audio/mpeg"),
            "video": ("video.mp4", "video/mp4"),
        }
        if kind not in defaults:
            raise ValueError(f"cannot send a {kind}")
        chat = self.state.user_chat(user_id)
        self._set_blocked(chat, blocked=False)
        name, mime = file_name or defaults[kind][0], mime_type or defaults[kind][1]
        stored = self.state.store_file(kind, name, mime, data=data)
        content: JsonDict
        if kind == "photo":
            content = {"photo": photo_sizes(stored)}
        elif kind in ("voice", "audio", "video"):
            content = {kind: {**stored.ids(), "duration": duration, "mime_type": mime}}
            if kind != "voice":
                content[kind]["file_name"] = name
            if kind == "video":
                content[kind] |= {"width": 0, "height": 0}
        else:
            content = {kind: {**stored.ids(), "file_name": name, "mime_type": mime}}
        if caption:
            content["caption"] = caption
        if forward_from is not None:
            content["forward_origin"] = {
                "type": "user",
                "sender_user": forward_from,
                "date": int(time.time()) - 60,
            }
        message = self.state.add_message(chat, dict(chat.user or {}), content)
        return self._store.add({"message": copy.deepcopy(message)})

    async def press(self, user_id: int, message_id: int, callback_data: str) -> str:
        """The user presses an inline button with `callback_data`; return the query id.

        The data is not checked against the message's keyboard, so tests can forge it.
        """
        chat = self.state.user_chat(user_id)
        stored = chat.messages.get(message_id)
        if stored is None:
            raise LookupError(f"no message {message_id} in the chat with user {user_id}")
        query_id = f"{self.bot['id']}{self.state.next_number():08d}"
        self.state.queries[query_id] = QueryState(
            query_id, user_id, chat.id, message_id, time.monotonic()
        )
        self._store.add(
            {
                "callback_query": {
                    "id": query_id,
                    "from": chat.user,
                    "message": copy.deepcopy(stored.data),
                    "chat_instance": str(abs(chat.id) * 7919 + self.bot["id"]),
                    "data": callback_data,
                }
            }
        )
        return query_id

    async def answer_poll(
        self, user_id: int, poll_id: str, option_ids: list[int]
    ) -> JsonDict | None:
        """The user votes in a poll; return the poll_answer Update (None for anonymous polls).

        Raises ValueError for a vote a Telegram client would not allow (closed poll,
        revoting a quiz, several options in a single-answer poll).
        """
        poll_state = self.state.polls.get(poll_id)
        if poll_state is None:
            raise LookupError(f"no poll {poll_id}")
        chat = self.state.chats[poll_state.chat_id]
        user = self.state.user_chat(user_id).user
        if chat.user is not None and chat.id != user_id:
            raise ValueError(f"poll {poll_id} is in another user's private chat")
        vote(poll_state, user_id, option_ids)
        self.state.touch(chat)
        poll = poll_state.poll
        if poll["is_anonymous"]:
            return None
        chosen = sorted(option_ids)
        answer = {
            "poll_id": poll_id,
            "user": user,
            "option_ids": chosen,
            "option_persistent_ids": [poll["options"][i]["persistent_id"] for i in chosen],
        }
        return self._store.add({"poll_answer": copy.deepcopy(answer)})

    async def send_update(self, raw: JsonDict) -> JsonDict:
        """Queue any other update for the bot (its update_id is assigned here)."""
        return self._store.add(copy.deepcopy(raw))

    async def redeliver(self, update: JsonDict) -> JsonDict:
        """Deliver an update the bot has had once again, with the same update_id (Telegram
        resends a webhook update that got no answer in time)."""
        return self._store.redeliver(copy.deepcopy(update))

    # --- observing -----------------------------------------------------------------------

    def messages(self, chat_id: int) -> list[JsonDict]:
        """The chat's current messages in order (copies, each with an `edited` count)."""
        return self.state.messages(chat_id)

    def last_message(self, chat_id: int) -> JsonDict | None:
        """The chat's newest message, or None."""
        messages = self.state.messages(chat_id)
        return messages[-1] if messages else None

    @property
    def callback_answers(self) -> list[JsonDict]:
        """answerCallbackQuery calls that succeeded, in order."""
        return self.state.callback_answers

    @property
    def commands(self) -> dict[tuple[str, str], list[JsonDict]]:
        """setMyCommands lists by (scope key such as "default" or "chat:42", language code)."""
        return self._settings.commands

    @property
    def updates(self) -> list[JsonDict]:
        """Every update queued for the bot so far, oldest first (copies)."""
        return copy.deepcopy(self._store.history)

    @property
    def pending_updates(self) -> int:
        """How many updates the bot has not confirmed yet."""
        return len(self._store)


def _as_predicate(
    predicate: Callable[[RecordedRequest], bool] | str,
) -> Callable[[RecordedRequest], bool]:
    if isinstance(predicate, str):
        name = predicate.lower()
        return lambda request: request.method.lower() == name
    return predicate


def _ptb_method_names() -> set[str]:
    """The Bot API methods PTB knows (its camelCase aliases), to tell unknown from unsupported."""
    return {
        name
        for name in dir(Bot)
        if name[:1].islower() and any(c.isupper() for c in name) and callable(getattr(Bot, name))
    }
