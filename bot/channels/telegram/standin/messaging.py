"""Bot API methods that send, edit and delete messages, and answer callback queries.

Each handler takes the decoded parameters and returns the Bot API result, or raises
`ApiError` with Telegram's answer. Sends are counted by the flood control.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Awaitable, Callable
from typing import Any

from bot.channels.telegram.standin.content import (
    MAX_CAPTION,
    MAX_TEXT,
    format_text,
    inline_keyboard,
    media_file,
    photo_sizes,
)
from bot.channels.telegram.standin.errors import (
    MESSAGE_NOT_MODIFIED,
    QUERY_TOO_OLD,
    ApiError,
    bad_request,
)
from bot.channels.telegram.standin.polls import build_poll
from bot.channels.telegram.standin.ratelimit import FloodControl
from bot.channels.telegram.standin.state import ChatState, StoredMessage, World
from bot.channels.telegram.standin.wire import Params
from bot.telegram_html import utf16_length

__all__ = ["Handler", "MessagingMethods"]

JsonDict = dict[str, Any]
Handler = Callable[[Params], Awaitable[object]]

_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_COPIED_CONTENT = (
    "text",
    "entities",
    "photo",
    "document",
    "voice",
    "audio",
    "video",
    "caption",
    "caption_entities",
)
_MEDIA = ("photo", "document", "voice", "audio", "video")


class MessagingMethods:
    """sendMessage and friends, working on a `World`."""

    def __init__(
        self,
        world: World,
        flood: FloodControl,
        *,
        callback_answer_timeout: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._world = world
        self._flood = flood
        self._callback_answer_timeout = callback_answer_timeout
        self._clock = clock

    def handlers(self) -> dict[str, Handler]:
        """The implemented methods by their camelCase names."""
        return {
            "sendMessage": self.send_message,
            "editMessageText": self.edit_message_text,
            "editMessageReplyMarkup": self.edit_message_reply_markup,
            "editMessageCaption": self.edit_message_caption,
            "deleteMessage": self.delete_message,
            "answerCallbackQuery": self.answer_callback_query,
            "sendChatAction": self.send_chat_action,
            "sendPhoto": self.send_photo,
            "sendDocument": self.send_document,
            "sendVoice": self.send_voice,
            "sendAudio": self.send_audio,
            "sendVideo": self.send_video,
            "sendPoll": self.send_poll,
            "stopPoll": self.stop_poll,
            "getFile": self.get_file,
            "copyMessage": self.copy_message,
            "forwardMessage": self.forward_message,
            "getChat": self.get_chat,
        }

    # --- sending -------------------------------------------------------------------------

    async def send_message(self, params: Params) -> JsonDict:
        """sendMessage."""
        chat = self._target(params)
        text, entities = _message_text(params)
        content: JsonDict = {"text": text}
        if entities:
            content["entities"] = entities
        return self._deliver(chat, params, content)

    async def send_photo(self, params: Params) -> JsonDict:
        """sendPhoto."""
        chat = self._target(params)
        stored = media_file(self._world, params, "photo", "image/jpeg")
        content = {"photo": photo_sizes(stored), **self._caption(params)}
        return self._deliver(chat, params, content)

    async def send_document(self, params: Params) -> JsonDict:
        """sendDocument."""
        chat = self._target(params)
        stored = media_file(self._world, params, "document", "application/octet-stream")
        document = {**stored.ids(), "file_name": stored.file_name, "mime_type": stored.mime_type}
        return self._deliver(chat, params, {"document": document, **self._caption(params)})

    async def send_voice(self, params: Params) -> JsonDict:
        """sendVoice."""
        chat = self._target(params)
        stored = media_file(self._world, params, "voice", "audio/ogg")
        duration = params.integer("duration") or 0
        voice = {**stored.ids(), "duration": duration, "mime_type": stored.mime_type}
        return self._deliver(chat, params, {"voice": voice, **self._caption(params)})

    async def send_audio(self, params: Params) -> JsonDict:
        """sendAudio."""
        chat = self._target(params)
        stored = media_file(self._world, params, "audio", "audio/mpeg")
        audio = {
            **stored.ids(),
            "duration": params.integer("duration") or 0,
            "file_name": stored.file_name,
            "mime_type": stored.mime_type,
        }
        return self._deliver(chat, params, {"audio": audio, **self._caption(params)})

    async def send_video(self, params: Params) -> JsonDict:
        """sendVideo."""
        chat = self._target(params)
        stored = media_file(self._world, params, "video", "video/mp4")
        video = {
            **stored.ids(),
            "width": 0,
            "height": 0,
            "duration": params.integer("duration") or 0,
            "file_name": stored.file_name,
            "mime_type": stored.mime_type,
        }
        return self._deliver(chat, params, {"video": video, **self._caption(params)})

    async def send_poll(self, params: Params) -> JsonDict:
        """sendPoll."""
        chat = self._target(params)
        poll = build_poll(params, self._new_poll_id())
        return self._deliver(chat, params, {"poll": poll})

    async def send_chat_action(self, params: Params) -> bool:
        """sendChatAction: remembered for the playground's "typing…" line."""
        chat = self._world.writable_chat(_chat_id(params))
        action = params.text("action")
        if action not in _CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        chat.action = (action, time.time())
        self._world.touch(chat)
        return True

    async def copy_message(self, params: Params) -> JsonDict:
        """copyMessage: the content without a link to the original."""
        source = self._source(params, "message to copy not found")
        chat = self._target(params)
        content = {k: copy.deepcopy(v) for k, v in source.items() if k in _COPIED_CONTENT}
        if "poll" in source:
            content["poll"] = self._fresh_poll(source["poll"])
        if "caption" in params:
            content.pop("caption", None)
            content.pop("caption_entities", None)
            content.update(self._caption(params))
        return {"message_id": self._deliver(chat, params, content)["message_id"]}

    async def forward_message(self, params: Params) -> JsonDict:
        """forwardMessage: the content with its origin."""
        source = self._source(params, "message to forward not found")
        chat = self._target(params)
        content = {k: copy.deepcopy(v) for k, v in source.items() if k in _COPIED_CONTENT}
        if "poll" in source:
            content["poll"] = source["poll"]
        origin: JsonDict = {"type": "user", "sender_user": source["from"], "date": source["date"]}
        return self._deliver(chat, Params({}), {"forward_origin": origin, **content})

    # --- editing -------------------------------------------------------------------------

    async def edit_message_text(self, params: Params) -> JsonDict:
        """editMessageText; without reply_markup the inline keyboard is removed."""
        chat, stored = self._editable(params, "message to edit not found")
        if "text" not in stored.data:
            raise bad_request("there is no text in the message to edit")
        text, entities = _message_text(params)
        changes = {"text": text, "entities": entities or None, **self._inline_markup(params)}
        return self._apply_edit(chat, stored, changes)

    async def edit_message_caption(self, params: Params) -> JsonDict:
        """editMessageCaption."""
        chat, stored = self._editable(params, "message to edit not found")
        if not any(key in stored.data for key in _MEDIA):
            raise bad_request("there is no caption in the message to edit")
        caption = self._caption(params)
        changes = {
            "caption": caption.get("caption"),
            "caption_entities": caption.get("caption_entities"),
            **self._inline_markup(params),
        }
        return self._apply_edit(chat, stored, changes)

    async def edit_message_reply_markup(self, params: Params) -> JsonDict:
        """editMessageReplyMarkup."""
        chat, stored = self._editable(params, "message to edit not found")
        return self._apply_edit(chat, stored, self._inline_markup(params))

    async def stop_poll(self, params: Params) -> JsonDict:
        """stopPoll: close a poll the bot sent and return its final state."""
        chat, stored = self._editable(params, "message with poll to stop not found")
        poll = stored.data.get("poll")
        if poll is None:
            raise bad_request("message with poll to stop not found")
        if poll["is_closed"]:
            raise bad_request("poll has already been closed")
        poll["is_closed"] = True
        if "reply_markup" in params:
            self._set_fields(stored.data, self._inline_markup(params))
        self._world.touch(chat)
        return copy.deepcopy(poll)

    async def delete_message(self, params: Params) -> bool:
        """deleteMessage."""
        chat = self._world.chat(_chat_id(params))
        message_id = params.integer("message_id")
        if message_id not in chat.messages:
            raise bad_request("message to delete not found")
        del chat.messages[message_id]
        self._world.touch(chat)
        return True

    # --- other ---------------------------------------------------------------------------

    async def answer_callback_query(self, params: Params) -> bool:
        """answerCallbackQuery: once per query, within the answer timeout."""
        query_id = params.required_text("callback_query_id")
        query = self._world.queries.get(query_id)
        expired = query is None or self._clock() - query.created > self._callback_answer_timeout
        if query is None or query.answered or expired:
            raise ApiError(400, QUERY_TOO_OLD)
        text = params.text("text")
        if text is not None and utf16_length(text) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        query.answered = True
        answer: JsonDict = {
            "callback_query_id": query_id,
            "user_id": query.user_id,
            "text": text,
            "show_alert": params.flag("show_alert"),
            "url": params.text("url"),
        }
        self._world.callback_answers.append(answer)
        chat = self._world.chats[query.chat_id]
        chat.toast = {**answer, "number": len(self._world.callback_answers)}
        self._world.touch(chat)
        return True

    async def get_file(self, params: Params) -> JsonDict:
        """getFile."""
        stored = self._world.files.get(params.required_text("file_id"))
        if stored is None:
            raise bad_request("invalid file_id")
        return stored.as_file()

    async def get_chat(self, params: Params) -> JsonDict:
        """getChat: the chat with the fields a ChatFullInfo must have."""
        chat = self._world.chat(_chat_id(params))
        no_gifts = dict.fromkeys(
            (
                "unlimited_gifts",
                "limited_gifts",
                "unique_gifts",
                "premium_subscription",
                "gifts_from_channels",
            ),
            False,
        )
        return {
            **chat.chat,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": no_gifts,
        }

    # --- helpers -------------------------------------------------------------------------

    def _target(self, params: Params) -> ChatState:
        """The chat a message goes to, once it may be written to and is within flood limits."""
        chat = self._world.writable_chat(_chat_id(params))
        self._flood.check(chat.id)
        return chat

    def _deliver(self, chat: ChatState, params: Params, content: JsonDict) -> JsonDict:
        """Add a bot message with the reply and markup the call asks for; count it."""
        markup = params.mapping("reply_markup")
        inline = None
        if markup is not None and "inline_keyboard" in markup:
            inline = inline_keyboard(markup)
        elif markup is not None and not {"keyboard", "remove_keyboard", "force_reply"} & set(
            markup
        ):
            raise bad_request("can't parse reply keyboard markup JSON object")
        content = {**self._reply_to(chat, params), **content}
        if inline:
            content["reply_markup"] = inline
        message = self._world.add_message(chat, self._world.bot, content)
        if markup is not None and "keyboard" in markup:
            chat.reply_keyboard = markup
        elif markup is not None and "remove_keyboard" in markup:
            chat.reply_keyboard = None
        self._flood.record(chat.id)
        return message

    def _reply_to(self, chat: ChatState, params: Params) -> JsonDict:
        reply = params.mapping("reply_parameters") or {}
        message_id = reply.get("message_id", params.integer("reply_to_message_id"))
        if message_id is None:
            return {}
        target = chat.messages.get(message_id) if isinstance(message_id, int) else None
        if target is None:
            if reply.get("allow_sending_without_reply"):
                return {}
            raise bad_request("message to be replied not found")
        replied = {k: v for k, v in target.data.items() if k != "reply_to_message"}
        return {"reply_to_message": copy.deepcopy(replied)}

    def _caption(self, params: Params) -> JsonDict:
        raw = params.text("caption")
        if raw is None:
            return {}
        text, entities = format_text(
            raw, params.text("parse_mode"), params.get("caption_entities")
        )
        if utf16_length(text) > MAX_CAPTION:
            raise bad_request("message caption is too long")
        content: JsonDict = {"caption": text} if text else {}
        if text and entities:
            content["caption_entities"] = entities
        return content

    def _inline_markup(self, params: Params) -> JsonDict:
        """The reply_markup an edit sets (None removes the keyboard)."""
        markup = params.mapping("reply_markup")
        if markup is not None and "inline_keyboard" not in markup:
            raise bad_request("inline keyboard expected")
        return {"reply_markup": inline_keyboard(markup) if markup else None}

    def _editable(self, params: Params, not_found: str) -> tuple[ChatState, StoredMessage]:
        if params.get("inline_message_id") is not None:
            raise bad_request("inline messages are not supported by the stand-in")
        chat = self._world.chat(_chat_id(params))
        message_id = params.integer("message_id")
        if message_id is None:
            raise bad_request("message identifier is not specified")
        stored = chat.messages.get(message_id)
        if stored is None:
            raise bad_request(not_found)
        if not self._world.is_from_bot(stored.data):
            raise bad_request("message can't be edited")
        self._world.writable_chat(chat.id)  # 403 when the user blocked the bot
        return chat, stored

    def _apply_edit(self, chat: ChatState, stored: StoredMessage, changes: JsonDict) -> JsonDict:
        if all(stored.data.get(key) == value for key, value in changes.items()):
            raise ApiError(400, MESSAGE_NOT_MODIFIED)
        self._set_fields(stored.data, changes)
        stored.data["edit_date"] = int(time.time())
        stored.edited += 1
        self._world.touch(chat)
        return stored.data

    @staticmethod
    def _set_fields(data: JsonDict, changes: JsonDict) -> None:
        for key, value in changes.items():
            if value is None:
                data.pop(key, None)
            else:
                data[key] = value

    def _source(self, params: Params, not_found: str) -> JsonDict:
        chat = self._world.chat(params.get("from_chat_id"))
        stored = chat.messages.get(params.integer("message_id") or 0)
        if stored is None:
            raise bad_request(not_found)
        return stored.data

    def _new_poll_id(self) -> str:
        """A poll id shaped like Telegram's (a long number as a string)."""
        return str(5_100_000_000_000_000_000 + self._world.next_number())

    def _fresh_poll(self, poll: JsonDict) -> JsonDict:
        """A copy of `poll` as a new poll: new id, no votes, open."""
        fresh = copy.deepcopy(poll)
        fresh["id"] = self._new_poll_id()
        fresh["total_voter_count"] = 0
        fresh["is_closed"] = False
        for option in fresh["options"]:
            option["voter_count"] = 0
        return fresh


def _message_text(params: Params) -> tuple[str, list[JsonDict]]:
    """The text of sendMessage/editMessageText after entity parsing, within Telegram's limits."""
    text, entities = format_text(
        params.text("text") or "", params.text("parse_mode"), params.get("entities")
    )
    if not text:
        raise bad_request("message text is empty")
    if utf16_length(text) > MAX_TEXT:
        raise bad_request("message is too long")
    return text, entities


def _chat_id(params: Params) -> object:
    if params.get("chat_id") is None:
        raise bad_request("chat_id is empty")
    return params.get("chat_id")
