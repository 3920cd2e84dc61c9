"""The simulated Telegram behind the stand-in: users, chats, messages, polls, files.

Everything is kept as Bot API-shaped dicts, so that what the bot receives (in results and in
updates) is exactly what the tests and the playground look at. Methods that mutate a chat
bump its `version` and fire the change callback, which wakes long polls.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.channels.telegram.standin.errors import BLOCKED, CHAT_NOT_FOUND, ApiError

__all__ = ["ChatState", "PollState", "QueryState", "StoredFile", "StoredMessage", "World"]

JsonDict = dict[str, Any]


@dataclass
class StoredMessage:
    """A message as it currently is, and how many times it was edited."""

    data: JsonDict
    edited: int = 0


@dataclass
class ChatState:
    """One chat: its Bot API Chat dict, messages in order and what the playground shows."""

    chat: JsonDict
    user: JsonDict | None = None  # the simulated user of a private chat
    blocked: bool = False
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    next_message_id: int = 1
    version: int = 0
    reply_keyboard: JsonDict | None = None
    action: tuple[str, float] | None = None  # last sendChatAction and when (time.time())
    toast: JsonDict | None = None  # last answerCallbackQuery for this chat

    @property
    def id(self) -> int:
        """The chat id."""
        return int(self.chat["id"])


@dataclass
class PollState:
    """A poll sent by the bot; `poll` is shared with the message that carries it."""

    poll: JsonDict
    chat_id: int
    message_id: int
    votes: dict[int, list[int]] = field(default_factory=dict)


@dataclass
class QueryState:
    """A callback query sent to the bot, waiting for answerCallbackQuery."""

    id: str
    user_id: int
    chat_id: int
    message_id: int
    created: float  # time.monotonic()
    answered: bool = False


@dataclass
class StoredFile:
    """An uploaded file (bytes kept) or a file sent by URL (only the URL kept)."""

    file_id: str
    file_unique_id: str
    file_path: str
    file_name: str
    mime_type: str
    data: bytes | None = None
    url: str | None = None

    def ids(self) -> JsonDict:
        """The fields every Bot API file object starts with (file_size when known)."""
        result: JsonDict = {"file_id": self.file_id, "file_unique_id": self.file_unique_id}
        if self.data is not None:
            result["file_size"] = len(self.data)
        return result

    def as_file(self) -> JsonDict:
        """The Bot API File object."""
        result = self.ids()
        if self.data is not None:
            result["file_path"] = self.file_path
        return result


class World:
    """Users, chats, messages, polls, callback queries and files of the simulated Telegram."""

    def __init__(self, bot: JsonDict, on_change: Callable[[], None]) -> None:
        self.bot = bot
        self._on_change = on_change
        self.chats: dict[int, ChatState] = {}
        self.polls: dict[str, PollState] = {}
        self.queries: dict[str, QueryState] = {}
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self.callback_answers: list[JsonDict] = []
        self._counter = 0

    def next_number(self) -> int:
        """A number unique within this world, for ids of queries, polls and files."""
        self._counter += 1
        return self._counter

    # --- chats ---------------------------------------------------------------------------

    def add_user(
        self,
        user_id: int,
        first_name: str,
        *,
        language_code: str | None = "en",
        username: str | None = None,
        last_name: str | None = None,
    ) -> JsonDict:
        """Create a user and their private chat with the bot (chat id == user id)."""
        if user_id <= 0:
            raise ValueError("user ids are positive")
        user: JsonDict = {"id": user_id, "is_bot": False, "first_name": first_name}
        chat: JsonDict = {"id": user_id, "type": "private", "first_name": first_name}
        for key, value in (("last_name", last_name), ("username", username)):
            if value:
                user[key] = chat[key] = value
        if language_code:
            user["language_code"] = language_code
        existing = self.chats.get(user_id)
        if existing is not None:
            existing.user, existing.chat = user, chat
            self.touch(existing)
        else:
            self.chats[user_id] = ChatState(chat=chat, user=user)
            self._on_change()
        return copy.deepcopy(user)

    def add_group(self, chat_id: int, title: str) -> JsonDict:
        """Create a group chat the bot is a member of (group ids are negative)."""
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        self.chats[chat_id] = ChatState(chat={"id": chat_id, "type": "group", "title": title})
        self._on_change()
        return copy.deepcopy(self.chats[chat_id].chat)

    def users(self) -> list[JsonDict]:
        """The simulated users, in the order they were added."""
        return [copy.deepcopy(c.user) for c in self.chats.values() if c.user is not None]

    def user_chat(self, user_id: int) -> ChatState:
        """The private chat of a simulated user (for driving the bot: plain errors)."""
        chat = self.chats.get(user_id)
        if chat is None or chat.user is None:
            raise LookupError(f"no simulated user {user_id}; call add_user first")
        return chat

    def chat(self, chat_id: object) -> ChatState:
        """The chat a Bot API call names, or Telegram's "chat not found"."""
        if isinstance(chat_id, str) and chat_id.lstrip("-").isdigit():
            chat_id = int(chat_id)
        chat = self.chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            raise ApiError(400, CHAT_NOT_FOUND)
        return chat

    def writable_chat(self, chat_id: object) -> ChatState:
        """A chat the bot may write to now: it exists and its user has not blocked the bot."""
        chat = self.chat(chat_id)
        if chat.blocked:
            raise ApiError(403, BLOCKED)
        return chat

    def touch(self, chat: ChatState) -> None:
        """Record that `chat` changed."""
        chat.version += 1
        self._on_change()

    # --- messages ------------------------------------------------------------------------

    def add_message(self, chat: ChatState, sender: JsonDict, content: JsonDict) -> JsonDict:
        """Store a new message with the next message_id of `chat` and return it."""
        message: JsonDict = {
            "message_id": chat.next_message_id,
            "from": sender,
            "chat": chat.chat,
            "date": int(time.time()),
            **content,
        }
        chat.next_message_id += 1
        chat.messages[message["message_id"]] = StoredMessage(message)
        if "poll" in content:
            self.polls[content["poll"]["id"]] = PollState(
                content["poll"], chat.id, message["message_id"]
            )
        self.touch(chat)
        return message

    def messages(self, chat_id: int) -> list[JsonDict]:
        """Copies of the chat's current messages in order, each with an extra `edited` count."""
        chat = self.chats.get(chat_id)
        if chat is None:
            return []
        return [{**copy.deepcopy(m.data), "edited": m.edited} for m in chat.messages.values()]

    def is_from_bot(self, message: JsonDict) -> bool:
        """Whether the bot sent `message`."""
        return bool(message.get("from", {}).get("id") == self.bot["id"])

    # --- files ---------------------------------------------------------------------------

    def store_file(
        self,
        kind: str,
        file_name: str,
        mime_type: str,
        *,
        data: bytes | None = None,
        url: str | None = None,
    ) -> StoredFile:
        """Keep an uploaded file (or a URL) under a new file_id and file_path."""
        number = self.next_number()
        suffix = file_name.rsplit(".", 1)[-1] if "." in file_name else "bin"
        stored = StoredFile(
            file_id=f"F{number:05d}_{kind}",
            file_unique_id=f"U{number:05d}",
            file_path=f"{kind}s/file_{number}.{suffix}",
            file_name=file_name,
            mime_type=mime_type,
            data=data,
            url=url,
        )
        self.files[stored.file_id] = stored
        self.files_by_path[stored.file_path] = stored
        return stored
