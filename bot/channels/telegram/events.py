"""Telegram updates as neutral events: who acted and what they did.

Only private chats reach the features (a group's messages and commands are not for the
bot); a pressed button is taken from any chat, since only the bot's own messages carry
them. Edited messages are not events: re-running what an edit says (/deleteme, an answer)
would surprise the person.
"""

from __future__ import annotations

from telegram import Message, MessageEntity, Update, User
from telegram.constants import ChatType

from bot.conversation.events import (
    Command,
    Event,
    Media,
    Other,
    Person,
    Pressed,
    QuizAnswer,
    Typed,
)

PLATFORM = "telegram"


def person_of(user: User) -> Person:
    """A Telegram user as a person: in private chats the chat id is the user id."""
    name = user.full_name + (f" (@{user.username})" if user.username else "")
    return Person(
        PLATFORM, str(user.id), str(user.id), user.language_code, name[:256], user.first_name
    )


def read_update(update: Update, bot_username: str | None) -> tuple[Person, Event] | None:
    """The person and the event of an update; None for what no feature handles."""
    user = update.effective_user
    if user is None or user.is_bot:
        return None
    if update.callback_query is not None:
        return person_of(user), Pressed(update.callback_query.data)
    if update.poll_answer is not None:
        answer = update.poll_answer
        return person_of(user), QuizAnswer(answer.poll_id, tuple(answer.option_ids))
    message = update.message
    if message is None or message.chat.type != ChatType.PRIVATE:
        return None
    return person_of(user), read_message(message, bot_username)


def read_message(message: Message, bot_username: str | None) -> Event:
    """A private message as a command, typed text, a file or something else."""
    command = _command(message, bot_username)
    if command is not None:
        return command
    if message.text is not None:
        return Typed(message.text, message.text_html)
    caption = message.caption
    caption_html = message.caption_html if caption is not None else None
    if message.voice is not None:
        voice = message.voice
        mime = voice.mime_type or "audio/ogg"
        return Media("voice", voice.file_id, voice.file_size, mime, None, caption, caption_html)
    if message.audio is not None:
        audio = message.audio
        return Media(
            "audio",
            audio.file_id,
            audio.file_size,
            audio.mime_type,
            audio.file_name,
            caption,
            caption_html,
        )
    if message.photo:
        photo = message.photo[-1]  # the largest size
        return Media(
            "photo", photo.file_id, photo.file_size, "image/jpeg", None, caption, caption_html
        )
    if message.video is not None:
        video = message.video
        return Media(
            "video",
            video.file_id,
            video.file_size,
            video.mime_type,
            video.file_name,
            caption,
            caption_html,
        )
    if message.document is not None:
        doc = message.document
        return Media(
            "document",
            doc.file_id,
            doc.file_size,
            doc.mime_type,
            doc.file_name,
            caption,
            caption_html,
        )
    return Other()


def _command(message: Message, bot_username: str | None) -> Event | None:
    """`/name args` when the message starts with a bot command (as PTB's CommandHandler
    reads it); a command addressed to another bot (`/start@other`) is an unknown command."""
    text = message.text
    entities = message.entities
    if not text or not entities:
        return None
    first = entities[0]
    if first.type != MessageEntity.BOT_COMMAND or first.offset != 0:
        return None
    name, _, addressee = text[1 : first.length].partition("@")
    if addressee and (bot_username is None or addressee.lower() != bot_username.lower()):
        return Command("")
    return Command(name.lower(), tuple(text.split()[1:]))
