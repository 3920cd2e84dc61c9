"""The ports on WhatsApp: every screen is a new message (the Cloud API edits nothing), its
choices reply buttons or a list (bot.channels.whatsapp.render), files uploaded from our own
copy, and Meta's error codes sorted into the delivery outcomes every job understands.
"""

from __future__ import annotations

import copy
import hashlib
import logging
import mimetypes
from collections.abc import Callable, Sequence
from datetime import timedelta
from urllib.parse import quote

import httpx
from pywa.errors import WhatsAppError
from pywa_async import WhatsApp

from bot.actions.pages import ListPage
from bot.actions.quizzes import question_ref
from bot.channels.whatsapp.markup import to_whatsapp
from bot.channels.whatsapp.render import (
    OutgoingMessage,
    page_count,
    render,
    render_question,
    screen_key,
)
from bot.conversation.memory import Memory
from bot.conversation.ports import Attempt, FetchFailed, FetchTooLarge, OutFile, Sent
from bot.errors import StaleButton
from bot.i18n import Translator
from bot.screens import WHATSAPP, Keyboard, Question, Screen, shorten

log = logging.getLogger(__name__)

PLATFORM = "whatsapp"
# Meta's codes (../shared/CHANNELS.md): the person cannot be reached, retry later, or not.
UNREACHABLE = frozenset({131026})
LATER = frozenset({130429, 131048, 131056, 4, 80007})
RETRY_AFTER = timedelta(minutes=1)
# Media ids we uploaded, by content, so one announcement's file goes up once.
UPLOADED_KEPT = 64
_MEDIA_TYPES = {"photo": "image", "voice": "audio", "audio": "audio", "video": "video"}


class WhatsAppChannel:
    """Reaching a WhatsApp number outside a turn (and, through WhatsAppReplies, inside)."""

    platform = PLATFORM

    def __init__(
        self,
        client: WhatsApp,
        http: httpx.AsyncClient,
        *,
        phone_id: str,
        token: str,
        number: str,
        translator: Translator,
    ) -> None:
        self._client = client
        self._http = http
        self._phone_id = phone_id
        self._token = token
        self._number = number
        self._t = translator
        self._uploaded: dict[str, str] = {}

    def with_translator(self, t: Translator) -> WhatsAppChannel:
        """The same channel writing its own words (Choose, More…) in the person's language."""
        other = copy.copy(self)  # the same client and upload cache, shared
        other._t = t
        return other

    async def _post(self, address: str, messages: Sequence[OutgoingMessage]) -> Attempt:
        sent = Attempt(Sent.SENT)
        for message in messages:
            body = message.to_json(address)
            kind = str(body["type"])
            sent = await self._message(address, kind, body[kind])  # type: ignore[arg-type]
            if sent.result is not Sent.SENT:
                return sent
        return sent

    async def _message(self, address: str, kind: str, content: dict[str, object]) -> Attempt:
        """One /messages call: `content` is the object under the message's type."""
        return await self._call(
            self._client.api.send_message(
                sender=self._phone_id,
                to=address,
                recipient=None,
                recipient_type="individual",
                typ=kind,
                msg=content,
            )
        )

    async def _call(self, request: object) -> Attempt:
        try:
            answer = await request  # type: ignore[misc]
        except WhatsAppError as err:
            code = err.code
            if code in UNREACHABLE:
                return Attempt(Sent.BLOCKED)
            if code in LATER or (err.is_transient is True):
                return Attempt(Sent.LATER, RETRY_AFTER)
            log.warning("WhatsApp refused a message: code %s", code)
            return Attempt(Sent.FAILED)
        except httpx.TimeoutException:
            return Attempt(Sent.FAILED)  # it may have arrived: never twice
        except httpx.TransportError:
            return Attempt(Sent.LATER, RETRY_AFTER)
        messages = answer.get("messages") if isinstance(answer, dict) else None
        ref = messages[0].get("id") if messages else None
        return Attempt(Sent.SENT, ref=str(ref) if ref else None)

    async def send(self, address: str, text: str, keyboard: Keyboard | None = None) -> Attempt:
        return await self._post(address, render(text, keyboard, t=self._t))

    async def show(self, address: str, screen: Screen, page: int = 0) -> Attempt:
        """The screen as new messages; `page` of it when its choices are a paged list."""
        return await self._post(address, render(screen.text, screen.choices, t=self._t, page=page))

    async def send_file(
        self,
        address: str,
        file: OutFile,
        caption: str | None = None,
        keyboard: Keyboard | None = None,
    ) -> Attempt:
        media_id = await self._upload(file)
        if media_id is None:
            return Attempt(Sent.LATER, RETRY_AFTER)
        kind = _MEDIA_TYPES.get(file.kind, "document")
        payload: dict[str, object] = {"id": media_id}
        if kind == "document":
            payload["filename"] = file.filename
        if caption and kind != "audio":
            payload["caption"] = shorten(to_whatsapp(caption), WHATSAPP.body)
        sent = await self._message(address, kind, payload)
        if sent.result is Sent.SENT and keyboard:
            return await self.send(address, self._t.pgettext("whatsapp list", "Choose"), keyboard)
        return sent

    async def _upload(self, file: OutFile) -> str | None:
        digest = hashlib.sha256(file.data).hexdigest()
        known = self._uploaded.get(digest)
        if known is not None:
            return known
        mime = file.mime or _guess_mime(file)
        try:
            answer = await self._client.api.upload_media(
                phone_id=self._phone_id, media=file.data, mime_type=mime, filename=file.filename
            )
        except (WhatsAppError, httpx.TransportError) as err:
            log.warning("could not upload a file to WhatsApp: %s", type(err).__name__)
            return None
        media_id = str(answer["id"])
        if len(self._uploaded) >= UPLOADED_KEPT:
            self._uploaded.pop(next(iter(self._uploaded)))
        self._uploaded[digest] = media_id
        return media_id

    async def edit(
        self, address: str, ref: str, text: str, keyboard: Keyboard | None = None
    ) -> Attempt:
        """WhatsApp edits nothing: the new text comes as a new message."""
        return await self.send(address, text, keyboard)

    async def copy(self, address: str, from_address: str, ref: str) -> Attempt:
        """Only Telegram keeps messages to copy."""
        return Attempt(Sent.FAILED)

    async def fetch(self, file_id: str, limit: int | None = None) -> bytes:
        """A person's media by its id: its URL works for 5 minutes, so it is fetched at
        once; over `limit` bytes (by Meta's word, then by what came) it is refused."""
        try:
            info = await self._client.api.get_media_url(media_id=file_id)
            size = info.get("file_size")
            if limit is not None and isinstance(size, int | str) and int(size) > limit:
                raise FetchTooLarge(str(size))
            response = await self._http.get(
                str(info["url"]), headers={"Authorization": f"Bearer {self._token}"}
            )
            response.raise_for_status()
        except (WhatsAppError, httpx.HTTPError, KeyError, ValueError) as err:
            raise FetchFailed(type(err).__name__) from err
        if limit is not None and len(response.content) > limit:
            raise FetchTooLarge(str(len(response.content)))
        return response.content

    def invite_link(self, code: str) -> str:
        """A wa.me link that opens a chat with the bot, the code typed in."""
        return f"https://wa.me/{self._number}?text={quote(code)}"

    async def ask(self, address: str, question: Question) -> Attempt:
        messages = render_question(
            question, t=self._t, attempt=question.attempt, position=question.position
        )
        sent = await self._post(address, messages)
        ref = question_ref(question.attempt, question.position)
        return Attempt(sent.result, sent.retry_in, ref if sent.result is Sent.SENT else None)


def _guess_mime(file: OutFile) -> str:
    """The type Meta is told at upload: by kind for media (a voice note must be Ogg Opus),
    by name for a document (a certificate is a PDF, which WhatsApp shows as one; a
    document of an unknown type it may refuse)."""
    by_kind = {
        "photo": "image/jpeg",
        "voice": "audio/ogg",
        "audio": "audio/mpeg",
        "video": "video/mp4",
    }.get(file.kind)
    if by_kind is not None:
        return by_kind
    guessed, _ = mimetypes.guess_type(file.filename, strict=True)
    return guessed or "application/octet-stream"


class WhatsAppReplies:
    """Replies within one turn: to the person who wrote, every screen a new message, the
    channel's own words (Choose, More…) in the language the turn picked. A screen sent as a
    paged list is kept in the person's memory, so "More…" can show its next page."""

    def __init__(
        self,
        channel: WhatsAppChannel,
        address: str,
        translator: Callable[[], Translator],
        memory: Memory,
    ) -> None:
        self._channel = channel
        self._address = address
        self._translator = translator
        self._memory = memory

    @property
    def _in_language(self) -> WhatsAppChannel:
        return self._channel.with_translator(self._translator())

    async def show(self, screen: Screen) -> str | None:
        if page_count(screen) > 1:
            self._memory.paged = screen
        return (await self._in_language.show(self._address, screen)).ref

    async def show_page(self, page: ListPage) -> None:
        """Another page of the paged list shown last; a press naming another list (an older
        one, one from before a restart, a forged one) is a stale button."""
        screen = self._memory.paged
        if (
            screen is None
            or screen_key(screen.choices) != page.screen
            or page.page >= page_count(screen)
        ):
            raise StaleButton(ListPage.PREFIX)
        await self._in_language.show(self._address, screen, page.page)

    async def send_file(
        self, file: OutFile, caption: str | None = None, keyboard: Keyboard | None = None
    ) -> None:
        await self._in_language.send_file(self._address, file, caption, keyboard)

    async def ask(self, question: Question) -> str | None:
        return (await self._in_language.ask(self._address, question)).ref

    keeps_files = False  # Meta drops a person's media after 7 to 30 days

    async def fetch(self, file_id: str, limit: int | None = None) -> bytes:
        return await self._channel.fetch(file_id, limit)

    def invite_link(self, code: str) -> str:
        return self._channel.invite_link(code)
