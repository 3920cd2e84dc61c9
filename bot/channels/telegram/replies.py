"""The ports on Telegram: answer the person of an update, reach any chat.

Telegram can edit a message in place, so a pressed button's screen replaces the message
that carried it (the chat stays short on small screens); what cannot be edited (too old,
deleted, a photo) is sent anew so nobody is left without an answer. Quiz questions are
native quiz polls. Errors of background sends are sorted by `sending.attempt`.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable
from datetime import UTC, datetime, timedelta
from typing import Literal, cast

from telegram import Bot, InputFile, InputPollOption, Message, Poll, Update
from telegram.error import BadRequest, TelegramError

from bot.channels.telegram.render import markup
from bot.channels.telegram.sending import attempt
from bot.conversation.ports import (
    Attempt,
    FetchFailed,
    FetchTooLarge,
    FileKind,
    MediaRef,
    OutFile,
    StoredFile,
    Unprompted,
)
from bot.screens import Keyboard, Question, Screen

log = logging.getLogger(__name__)

PLATFORM = "telegram"
# After a send that surely did not reach Telegram (no connection), try again this much later.
RETRY_AFTER_NETWORK_ERROR = timedelta(minutes=1)
# Files remembered by content for sending again by id (announcements: a few at a time).
UPLOADED_KEPT = 64


def invite_link(bot_username: str | None, code: str) -> str:
    return f"https://t.me/{bot_username}?start={code}"


async def _send_file(
    bot: Bot,
    chat_id: int,
    file: OutFile,
    caption: str | None,
    keyboard: Keyboard | None,
    uploaded: dict[str, str] | None = None,
) -> Message:
    """Send a file; with `uploaded` (content digest -> Telegram's file id) a file sent
    before goes by its id instead of being uploaded again (an announcement to a thousand
    learners is uploaded once)."""
    digest = hashlib.sha256(file.data).hexdigest() if uploaded is not None else ""
    known = uploaded.get(digest) if uploaded is not None else None
    upload: InputFile | str = known or InputFile(file.data, filename=file.filename)
    sent = await _send_as(bot, chat_id, file.kind, upload, caption, keyboard)
    if uploaded is not None and known is None and (file_id := _file_id(sent)) is not None:
        if len(uploaded) >= UPLOADED_KEPT:
            uploaded.pop(next(iter(uploaded)))
        uploaded[digest] = file_id
    return sent


async def _send_as(
    bot: Bot,
    chat_id: int,
    kind: FileKind,
    upload: InputFile | str,
    caption: str | None,
    keyboard: Keyboard | None,
) -> Message:
    """One send of a file (new bytes, or a file id) by the method of its kind."""
    buttons = markup(keyboard)
    if kind == "photo":
        return await bot.send_photo(chat_id, upload, caption=caption, reply_markup=buttons)
    if kind == "voice":
        return await bot.send_voice(chat_id, upload, caption=caption, reply_markup=buttons)
    if kind == "audio":
        return await bot.send_audio(chat_id, upload, caption=caption, reply_markup=buttons)
    if kind == "video":
        return await bot.send_video(chat_id, upload, caption=caption, reply_markup=buttons)
    return await bot.send_document(chat_id, upload, caption=caption, reply_markup=buttons)


async def send_stored(
    bot: Bot,
    chat_id: int,
    file: StoredFile,
    caption: str | None,
    keyboard: Keyboard | None,
) -> MediaRef | None:
    """A file we keep, by its file id when Telegram gave one (file ids do not lapse; a
    refused one is uploaded again); the new id after an upload."""
    if file.known is not None:
        try:
            await _send_as(bot, chat_id, file.kind, file.known.id, caption, keyboard)
            return None
        except BadRequest as err:
            log.info("Telegram refused a kept file id (%s); uploading the file again", err)
    upload = InputFile(await file.load(), filename=file.filename)
    sent = await _send_as(bot, chat_id, file.kind, upload, caption, keyboard)
    file_id = _file_id(sent)
    return MediaRef(file_id, datetime.now(UTC)) if file_id is not None else None


def _file_id(message: Message) -> str | None:
    media = message.photo[-1] if message.photo else message.effective_attachment
    file_id = getattr(media, "file_id", None)
    return file_id if isinstance(file_id, str) else None


async def _fetch(bot: Bot, file_id: str, limit: int | None = None) -> bytes:
    try:
        file = await bot.get_file(file_id)
        if limit is not None and (file.file_size or 0) > limit:
            raise FetchTooLarge(str(file.file_size))
        data = bytes(await file.download_as_bytearray())
    except TelegramError as err:
        raise FetchFailed(str(err)) from err
    if limit is not None and len(data) > limit:
        raise FetchTooLarge(str(len(data)))
    return data


class TelegramReplies:
    """Replies within one update: its chat, and the message whose button was pressed."""

    def __init__(self, update: Update, bot: Bot) -> None:
        self._update = update
        self._bot = bot

    @property
    def _chat_id(self) -> int | None:
        chat = self._update.effective_chat
        if chat is not None:
            return chat.id
        user = self._update.effective_user  # a poll answer has no chat: the private chat's id
        return user.id if user is not None else None

    async def show(self, screen: Screen) -> str | None:
        text, keyboard, edit = screen.text, screen.choices, screen.edit
        query = self._update.callback_query
        message = query.message if query else None
        if edit and isinstance(message, Message) and message.text is not None:
            try:
                result = await message.edit_text(text, reply_markup=markup(keyboard))
                return str(result.message_id) if isinstance(result, Message) else None
            except BadRequest as err:
                if "message is not modified" in str(err).lower():
                    return str(message.message_id)
                log.info("could not edit message %s (%s); sending a new one", message.id, err)
        chat_id = self._chat_id
        if chat_id is None:
            return None
        sent = await self._bot.send_message(chat_id, text, reply_markup=markup(keyboard))
        return str(sent.message_id)

    async def send_file(
        self, file: OutFile, caption: str | None = None, keyboard: Keyboard | None = None
    ) -> None:
        chat_id = self._chat_id
        if chat_id is not None:
            await _send_file(self._bot, chat_id, file, caption, keyboard)

    async def send_stored(
        self, file: StoredFile, caption: str | None = None, keyboard: Keyboard | None = None
    ) -> MediaRef | None:
        chat_id = self._chat_id
        if chat_id is None:
            return None
        return await send_stored(self._bot, chat_id, file, caption, keyboard)

    async def ask(self, question: Question) -> str | None:
        chat_id = self._chat_id
        if chat_id is None:
            return None
        return await send_quiz(self._bot, chat_id, question)

    keeps_files = True  # a bot can fetch a file by its id for as long as Telegram has it

    async def fetch(self, file_id: str, limit: int | None = None) -> bytes:
        return await _fetch(self._bot, file_id, limit)

    def invite_link(self, code: str) -> str:
        return invite_link(self._bot.username, code)


async def send_quiz(bot: Bot, chat_id: int, question: Question) -> str | None:
    """A question as a native quiz poll; its id comes back with the answer."""
    message = await bot.send_poll(
        chat_id,
        question.prompt,
        [InputPollOption(option, text_parse_mode=None) for option in question.options],
        is_anonymous=False,
        type=Poll.QUIZ,
        correct_option_ids=[cast(Literal[0, 1, 2, 3], question.correct)],  # 2-4 options
        explanation=question.explanation,
        explanation_parse_mode=None,
        question_parse_mode=None,
        # PTB adds the default parse_mode to every send; sendPoll has no such parameter.
        api_kwargs={"parse_mode": None},
    )
    return message.poll.id if message.poll is not None else None


class TelegramChannel:
    """Reaching a Telegram chat outside an update (jobs, a reply to someone else). Telegram
    has no reply window: a job's message (`unprompted`) goes as it is."""

    platform = PLATFORM

    def __init__(self, bot: Bot) -> None:
        self._bot = bot
        self._uploaded: dict[str, str] = {}

    async def send(
        self,
        address: str,
        text: str,
        keyboard: Keyboard | None = None,
        *,
        unprompted: Unprompted | None = None,
    ) -> Attempt:
        return await self._sent(
            self._bot.send_message(int(address), text, reply_markup=markup(keyboard)), "message"
        )

    async def send_file(
        self,
        address: str,
        file: OutFile,
        caption: str | None = None,
        keyboard: Keyboard | None = None,
        *,
        unprompted: Unprompted | None = None,
    ) -> Attempt:
        return await self._sent(
            _send_file(self._bot, int(address), file, caption, keyboard, self._uploaded),
            file.kind,
        )

    async def edit(
        self,
        address: str,
        ref: str,
        text: str,
        keyboard: Keyboard | None = None,
        *,
        unprompted: Unprompted | None = None,
    ) -> Attempt:
        return await self._sent(
            self._bot.edit_message_text(
                text, chat_id=int(address), message_id=int(ref), reply_markup=markup(keyboard)
            ),
            "edit",
        )

    async def copy(self, address: str, from_address: str, ref: str) -> Attempt:
        return await self._sent(
            self._bot.copy_message(int(address), int(from_address), int(ref)), "copy"
        )

    async def fetch(self, file_id: str) -> bytes:
        return await _fetch(self._bot, file_id)

    def invite_link(self, code: str) -> str:
        return invite_link(self._bot.username, code)

    async def _sent(self, send: Awaitable[object], what: str) -> Attempt:
        return await attempt(send, what, RETRY_AFTER_NETWORK_ERROR)
