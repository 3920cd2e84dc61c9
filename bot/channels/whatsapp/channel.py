"""The ports on WhatsApp: every screen is a new message (the Cloud API edits nothing), its
choices reply buttons or a list (bot.channels.whatsapp.render), files uploaded from our own
copy, and Meta's error codes sorted into the delivery outcomes every job understands.
What the bot sends on its own waits for its slot in the number's pace and, once the
person's 24 hours are over, goes only as the approved template for its purpose.
"""

from __future__ import annotations

import asyncio
import copy
import hashlib
import logging
import mimetypes
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote

import aiohttp

from bot.actions.pages import ListPage
from bot.actions.quizzes import question_ref
from bot.channels.whatsapp.client import Closed, GraphApi, GraphError
from bot.channels.whatsapp.markup import to_whatsapp
from bot.channels.whatsapp.pacing import SendPace
from bot.channels.whatsapp.render import (
    OutgoingMessage,
    page_count,
    render,
    render_question,
    screen_key,
)
from bot.config import Template, TemplatePurpose
from bot.conversation.memory import Memory
from bot.conversation.ports import (
    Attempt,
    FetchFailed,
    FetchTooLarge,
    MediaRef,
    OutFile,
    Sent,
    StoredFile,
    Unprompted,
)
from bot.errors import StaleButton
from bot.i18n import N_, Translator
from bot.screens import WHATSAPP, Keyboard, Question, Screen, shorten

log = logging.getLogger(__name__)

PLATFORM = "whatsapp"
# Meta's codes (../shared/CHANNELS.md) and what each means for a message.
UNREACHABLE = frozenset({131026})  # not on WhatsApp, old app, terms not accepted
WINDOW_CLOSED = frozenset({131047})  # more than 24 hours since they wrote: a template only
THROUGHPUT = 130429  # the number's messages per second
# Worth another try later, and after how long: the number's throughput, the spam rate
# limit, the pair rate (one message in ~6 s to one person), the app's own call limits.
LATER_AFTER = {
    THROUGHPUT: timedelta(seconds=2),
    131048: timedelta(minutes=5),
    131056: timedelta(seconds=10),
    4: timedelta(minutes=1),
    80007: timedelta(minutes=1),
}
# Meta's "something went wrong, try again" codes; any HTTP 5xx answer is taken alike.
TRANSIENT = frozenset({1, 2, 131000})
# A media id that lapsed or was never ours: upload our copy again and send once more.
MEDIA_REFUSED = frozenset({100, 131053})
RETRY_AFTER = timedelta(minutes=1)
# Tries of one request that failed before reaching Meta, or met a 5xx, and the waits
# between them (seconds); after the last, the message is left for later.
BACKOFF = (0.5, 1.0, 2.0)
# The window Meta gives after a person's message, and the part of it the bot leaves
# unused: the time kept is rounded down to the minute, and a paced bulk send takes a while.
WINDOW = timedelta(hours=24)
WINDOW_MARGIN = timedelta(minutes=10)
# A template body's parameter: no line breaks, and the whole body within 1,024 characters.
TEMPLATE_TEXT = 700
# Media ids we uploaded, by content, so one announcement's file goes up once; Meta keeps
# them 30 days, the bot uses them for 29.
UPLOADED_KEPT = 64
SENT_IN_BULK_KEPT = 10_000
# Ids of the latest replies sent within turns: their statuses have no record to update
# (Meta sends "sent" and "delivered" within seconds; a "read" hours later may find the id
# forgotten and costs the database visit it always cost).
REPLIES_KEPT = 10_000
MEDIA_LIFETIME = timedelta(days=29)
_MEDIA_TYPES = {"photo": "image", "voice": "audio", "audio": "audio", "video": "video"}
FILE_NOT_SENT = N_(
    "📎 A file came with this message. WhatsApp lets me send it only within 24 hours of "
    "your last message."
)


@dataclass(slots=True)
class _Counter:
    """A count shared by every copy of the channel."""

    value: int = 0


@dataclass(frozen=True, slots=True)
class _Answer:
    """One request's outcome, with Meta's code when it refused."""

    attempt: Attempt
    code: int | None = None
    as_template: bool = False  # the purpose's template went instead of the message


def window_open(last_wrote: datetime | None, now: datetime) -> bool:
    """Whether a free-form message may still go to someone who last wrote at `last_wrote`."""
    return last_wrote is not None and now < last_wrote + WINDOW - WINDOW_MARGIN


def template_text(text: str) -> str:
    """Our text as a template parameter: WhatsApp's markup, one line, within the limit."""
    return shorten(to_whatsapp(text), TEMPLATE_TEXT)


class WhatsAppChannel:
    """Reaching a WhatsApp number outside a turn (and, through WhatsAppReplies, inside).

    Messages sent through the `Channel` port (jobs, a staff member's reply) wait for their
    slot in `pace`; a job's message to someone whose 24 hours are over goes as the
    purpose's template in their language (`templates`), or not at all (SKIPPED).
    """

    platform = PLATFORM

    def __init__(
        self,
        api: GraphApi,
        *,
        number: str,
        translator: Translator,
        pace: SendPace,
        templates: Callable[[TemplatePurpose, str], Template | None],
        languages: Callable[[str | None], Translator],
        clock: Callable[[], datetime],
    ) -> None:
        self._api = api
        self._number = number
        self._t = translator
        self._pace = pace
        self._templates = templates
        self._languages = languages
        self._clock = clock
        self._bulk = True
        # A job's message whose send the job records (an announcement copy, a reminder), so
        # that its status may wait for the record; others' statuses need not wait.
        self._recorded = False
        # content digest -> (media id, when uploaded), shared by every copy of the channel
        self._uploaded: OrderedDict[str, tuple[str, datetime]] = OrderedDict()
        # ids of the latest bulk messages, and how many are on their way: their statuses
        # may come before the job recorded them (even before this process read the answer)
        self._sent_in_bulk: OrderedDict[str, None] = OrderedDict()
        self._in_flight = _Counter()
        self._replies: OrderedDict[str, None] = OrderedDict()

    def with_translator(self, t: Translator) -> WhatsAppChannel:
        """The same channel writing its own words (Choose, More…) in the person's language."""
        other = copy.copy(self)  # the same client and upload cache, shared
        other._t = t
        return other

    def replying(self, t: Translator) -> WhatsAppChannel:
        """The same channel answering within a person's turn: in their language, and
        without waiting for bulk sends."""
        other = self.with_translator(t)
        other._bulk = False
        return other

    def _for(self, unprompted: Unprompted | None) -> WhatsAppChannel:
        if unprompted is None:
            return self
        other = self.with_translator(self._languages(unprompted.language))
        other._recorded = unprompted.recorded
        return other

    async def _post(self, address: str, messages: Sequence[OutgoingMessage]) -> _Answer:
        sent = _Answer(Attempt(Sent.SENT))
        for message in messages:
            body = message.to_json(address)
            kind = str(body["type"])
            sent = await self._message(address, kind, body[kind])  # type: ignore[arg-type]
            if sent.attempt.result is not Sent.SENT:
                return sent
        return sent

    async def _message(self, address: str, kind: str, content: dict[str, object]) -> _Answer:
        """One /messages call: `content` is the object under the message's type. A bulk
        message waits for its slot; a request that surely did not reach Meta, or met a
        5xx, is tried again a few times."""
        for wait in (*BACKOFF, None):
            if self._bulk:
                await self._pace.bulk(address)
            else:
                await self._pace.reply(address)
            tracked = self._bulk and self._recorded
            self._in_flight.value += tracked
            try:
                answer = await self._call(address, kind, content)
            finally:
                self._in_flight.value -= tracked
            if answer is not None:
                ref = answer.attempt.ref
                if ref is not None and tracked:
                    _remember(self._sent_in_bulk, ref, SENT_IN_BULK_KEPT)
                elif ref is not None and not self._bulk:
                    _remember(self._replies, ref, REPLIES_KEPT)
                return answer
            if wait is None:
                return _Answer(Attempt(Sent.LATER, RETRY_AFTER))
            await asyncio.sleep(wait)
        raise AssertionError("the loop returns")

    async def _call(self, address: str, kind: str, content: dict[str, object]) -> _Answer | None:
        """Meta's answer sorted; None for a failure worth trying again at once."""
        try:
            answer = await self._api.send_message(address, kind, content)
        except GraphError as err:
            return await self._refused(err)
        except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError, Closed):
            return None  # the request never left: nothing can have arrived
        except (aiohttp.ClientError, TimeoutError) as err:
            # a timeout or a broken answer after the request went: Meta may have accepted
            # it, and a message must never come twice
            log.warning("a WhatsApp message may or may not have gone: %s", type(err).__name__)
            return _Answer(Attempt(Sent.FAILED))
        messages = answer.get("messages")
        ref = messages[0].get("id") if messages else None
        sent = Attempt(Sent.SENT, ref=str(ref) if ref else None, reported_later=ref is not None)
        return _Answer(sent)

    async def _refused(self, err: GraphError) -> _Answer | None:
        code = err.code
        if code in TRANSIENT or err.status >= 500:
            return None
        if code in UNREACHABLE:
            return _Answer(Attempt(Sent.BLOCKED), code)
        if code in WINDOW_CLOSED:
            return _Answer(Attempt(Sent.SKIPPED), code)
        if code == THROUGHPUT:
            await self._pace.hold(1.0)
        later = LATER_AFTER.get(code)
        if later is not None or err.transient is True:
            return _Answer(Attempt(Sent.LATER, later or RETRY_AFTER), code)
        log.warning("WhatsApp refused a message: code %s", code)
        return _Answer(Attempt(Sent.FAILED), code)

    async def send(
        self,
        address: str,
        text: str,
        keyboard: Keyboard | None = None,
        *,
        unprompted: Unprompted | None = None,
    ) -> Attempt:
        channel = self._for(unprompted)
        return (
            await channel._within_window(
                address,
                unprompted,
                lambda: channel._post(address, render(text, keyboard, t=channel._t)),
                text,
            )
        ).attempt

    async def _within_window(
        self,
        address: str,
        unprompted: Unprompted | None,
        send: Callable[[], Awaitable[_Answer]],
        text: str,
    ) -> _Answer:
        """`send` as it is, unless it is a job's message to someone whose window is closed
        (as far as the bot knows, or as Meta answers): then `text` in the template."""
        if unprompted is not None and not window_open(unprompted.last_wrote, self._clock()):
            return _Answer(await self._template(address, unprompted, text), as_template=True)
        sent = await send()
        if sent.code in WINDOW_CLOSED and unprompted is not None:
            return _Answer(await self._template(address, unprompted, text), as_template=True)
        return sent

    async def _template(self, address: str, unprompted: Unprompted, text: str) -> Attempt:
        """The purpose's approved template with our text as its parameter, or SKIPPED."""
        purpose = unprompted.purpose
        template = self._templates(purpose, unprompted.language) if purpose else None
        if template is None:
            return Attempt(Sent.SKIPPED)
        content: dict[str, object] = {
            "name": template.name,
            "language": {"code": template.language},
            "components": [
                {"type": "body", "parameters": [{"type": "text", "text": template_text(text)}]}
            ],
        }
        return (await self._message(address, "template", content)).attempt

    def replied_lately(self, ref: str) -> bool:
        """Whether `ref` is a reply this process sent within a turn lately: no job keeps a
        record of it, so its status has nothing to update."""
        return ref in self._replies

    def may_be_recorded_soon(self, ref: str) -> bool:
        """Whether the message `ref` may be one this process sent outside a turn and has
        not recorded yet: sent lately, or a bulk send is waiting for Meta's answer."""
        return ref in self._sent_in_bulk or self._in_flight.value > 0

    async def show(self, address: str, screen: Screen, page: int = 0) -> Attempt:
        """The screen as new messages; `page` of it when its choices are a paged list."""
        messages = render(screen.text, screen.choices, t=self._t, page=page)
        return (await self._post(address, messages)).attempt

    async def send_file(
        self,
        address: str,
        file: OutFile,
        caption: str | None = None,
        keyboard: Keyboard | None = None,
        *,
        unprompted: Unprompted | None = None,
    ) -> Attempt:
        channel = self._for(unprompted)
        # Outside the window a template carries no file of ours: the caption goes, and a
        # line saying a file came with it.
        note = channel._t.gettext(FILE_NOT_SENT)
        sent = await channel._within_window(
            address,
            unprompted,
            lambda: channel._file(address, file, caption),
            f"{caption}\n{note}" if caption else note,
        )
        if not sent.as_template and sent.attempt.result is Sent.SENT and keyboard:
            choose = channel._t.pgettext("whatsapp list", "Choose")
            return (await channel._post(address, render(choose, keyboard, t=channel._t))).attempt
        return sent.attempt

    async def _file(self, address: str, file: OutFile, caption: str | None) -> _Answer:
        for fresh in (False, True):
            media_id = await self._upload(file, fresh=fresh)
            if media_id is None:
                return _Answer(Attempt(Sent.LATER, RETRY_AFTER))
            sent = await self._media(address, file.kind, media_id, file.filename, caption)
            if sent.code not in MEDIA_REFUSED or fresh:
                return sent
            log.info("a WhatsApp media id was refused; uploading the file again")
        raise AssertionError("the loop returns")

    async def _media(
        self, address: str, file_kind: str, media_id: str, filename: str, caption: str | None
    ) -> _Answer:
        """One media message by its media id (audio carries no caption on WhatsApp)."""
        kind = _MEDIA_TYPES.get(file_kind, "document")
        payload: dict[str, object] = {"id": media_id}
        if kind == "document":
            payload["filename"] = filename
        if caption and kind != "audio":
            payload["caption"] = shorten(to_whatsapp(caption), WHATSAPP.body)
        return await self._message(address, kind, payload)

    async def send_stored(
        self,
        address: str,
        file: StoredFile,
        caption: str | None = None,
        keyboard: Keyboard | None = None,
    ) -> tuple[Attempt, MediaRef | None]:
        """A file we keep, by the media id of an earlier upload while Meta keeps it (29
        days), else (or when Meta says it does not know the id) uploaded anew; the new
        id comes back for the caller to keep. Audio takes no caption here: the caption
        goes as the text under which its choices are offered."""
        sent: _Answer | None = None
        known = file.known
        if known is not None and self._clock() - known.uploaded_at < MEDIA_LIFETIME:
            sent = await self._media(address, file.kind, known.id, file.filename, caption)
            if sent.code in MEDIA_REFUSED:
                log.info("a kept WhatsApp media id was refused; uploading the file again")
                sent = None
        fresh: MediaRef | None = None
        if sent is None:
            out = OutFile(await file.load(), file.filename, file.kind, file.mime)
            media_id = await self._upload(out, fresh=True)
            if media_id is None:
                return Attempt(Sent.LATER, RETRY_AFTER), None
            fresh = MediaRef(media_id, self._clock())
            sent = await self._media(address, file.kind, media_id, file.filename, caption)
        if sent.attempt.result is not Sent.SENT:
            return sent.attempt, fresh
        audio = _MEDIA_TYPES.get(file.kind) == "audio"
        text = caption if audio and caption else None
        if keyboard:
            text = text or self._t.pgettext("whatsapp list", "Choose")
        if text is not None:
            sent = await self._post(address, render(text, keyboard, t=self._t))
        return sent.attempt, fresh

    async def _upload(self, file: OutFile, *, fresh: bool = False) -> str | None:
        """Our copy's media id: uploaded once, again when it is older than Meta keeps it
        (or `fresh`: Meta refused the id)."""
        digest = hashlib.sha256(file.data).hexdigest()
        known = self._uploaded.get(digest)
        now = self._clock()
        if known is not None and not fresh and now - known[1] < MEDIA_LIFETIME:
            return known[0]
        mime = file.mime or _guess_mime(file)
        try:
            answer = await self._api.upload_media(file.data, mime, file.filename)
        except (GraphError, aiohttp.ClientError, TimeoutError) as err:
            log.warning("could not upload a file to WhatsApp: %s", type(err).__name__)
            return None
        if "id" not in answer:
            log.warning("WhatsApp gave no media id for an upload")
            return None
        media_id = str(answer["id"])
        self._uploaded[digest] = (media_id, now)
        self._uploaded.move_to_end(digest)
        while len(self._uploaded) > UPLOADED_KEPT:
            self._uploaded.popitem(last=False)
        return media_id

    async def edit(
        self,
        address: str,
        ref: str,
        text: str,
        keyboard: Keyboard | None = None,
        *,
        unprompted: Unprompted | None = None,
    ) -> Attempt:
        """WhatsApp edits nothing: the new text comes as a new message."""
        return await self.send(address, text, keyboard, unprompted=unprompted)

    async def copy(self, address: str, from_address: str, ref: str) -> Attempt:
        """Only Telegram keeps messages to copy."""
        return Attempt(Sent.FAILED)

    async def fetch(self, file_id: str, limit: int | None = None) -> bytes:
        """A person's media by its id: its URL works for 5 minutes, so it is fetched at
        once; over `limit` bytes (by Meta's word, then by what came) it is refused."""
        try:
            info = await self._api.media_info(file_id)
            size = info.get("file_size")
            if limit is not None and isinstance(size, int | str) and int(size) > limit:
                raise FetchTooLarge(str(size))
            content = await self._api.download(str(info["url"]))
        except (GraphError, aiohttp.ClientError, TimeoutError, KeyError, ValueError) as err:
            raise FetchFailed(type(err).__name__) from err
        if limit is not None and len(content) > limit:
            raise FetchTooLarge(str(len(content)))
        return content

    def invite_link(self, code: str) -> str:
        """A wa.me link that opens a chat with the bot, the code typed in."""
        return f"https://wa.me/{self._number}?text={quote(code)}"

    async def ask(self, address: str, question: Question) -> Attempt:
        messages = render_question(
            question, t=self._t, attempt=question.attempt, position=question.position
        )
        sent = (await self._post(address, messages)).attempt
        ref = question_ref(question.attempt, question.position)
        return Attempt(sent.result, sent.retry_in, ref if sent.result is Sent.SENT else None)


def _remember(refs: OrderedDict[str, None], ref: str, kept: int) -> None:
    refs[ref] = None
    while len(refs) > kept:
        refs.popitem(last=False)


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
        return self._channel.replying(self._translator())

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

    async def send_stored(
        self, file: StoredFile, caption: str | None = None, keyboard: Keyboard | None = None
    ) -> MediaRef | None:
        _, fresh = await self._in_language.send_stored(self._address, file, caption, keyboard)
        return fresh

    async def ask(self, question: Question) -> str | None:
        return (await self._in_language.ask(self._address, question)).ref

    keeps_files = False  # Meta drops a person's media after 7 to 30 days

    async def fetch(self, file_id: str, limit: int | None = None) -> bytes:
        return await self._channel.fetch(file_id, limit)

    def invite_link(self, code: str) -> str:
        return self._channel.invite_link(code)
