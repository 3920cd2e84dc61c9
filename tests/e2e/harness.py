"""Drive the real Application over HTTP against the Bot API stand-in, like a person would.

`say` and `press` inject an update into the stand-in, then wait until the bot has answered
in that chat and has nothing left in flight, so tests read like transcripts.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from telegram.ext import BaseRateLimiter

from bot.channels.telegram.app import build_application
from bot.channels.telegram.context import BotApplication
from bot.channels.telegram.runner import running
from bot.channels.telegram.standin import BotApiStandIn
from bot.channels.telegram.updates import PerUserUpdateProcessor
from bot.config import Settings, load_settings
from bot.content import Course
from bot.i18n import I18n
from bot.jobs.faq_notices import NoticeReport, send_faq_notices
from bot.services.container import Services
from tests.conftest import shared_content

TOKEN = "123456:TEST-TOKEN-for-the-end-to-end-tests"
VISIBLE = {
    "sendMessage",
    "editMessageText",
    "sendPhoto",
    "sendDocument",
    "sendVoice",
    "sendAudio",
    "sendPoll",
}
POLL = 0.002  # seconds between two looks at whether the bot is idle


def make_settings(root: str | None, database_url: str, **extra: Any) -> Settings:
    assert root is not None, "start the stand-in first"
    return load_settings(
        _env_file=None,
        telegram_bot_token=TOKEN,
        telegram_api_url=root,
        database_url=database_url,
        **extra,
    )


@functools.cache
def shared_i18n(default_language: str) -> I18n:
    """The interface catalogues, compiled once per test process (read-only once built)."""
    return I18n(default=default_language)


@dataclass
class Harness:
    standin: BotApiStandIn
    settings: Settings
    course: Course | None = None
    i18n: I18n | None = None  # None: the shipped catalogues, compiled once per process
    clock: Any = None
    # Builds the rate limiter for each start (None: the app's own, 30 messages/s); bulk
    # tests that must not wait at Telegram's pace pass a faster one.
    limiter: Callable[[], BaseRateLimiter[Any]] | None = None
    app: BotApplication | None = None
    _stack: AsyncExitStack = field(default_factory=AsyncExitStack)

    async def start(self) -> None:
        kwargs: dict[str, Any] = {
            "course": self.course,
            "i18n": self.i18n or shared_i18n(self.settings.default_language),
        }
        if self.course is None:
            kwargs["course"], kwargs["faq_index"] = shared_content(self.settings.content_dir)
        if self.clock is not None:
            kwargs["clock"] = self.clock
        if self.limiter is not None:
            kwargs["rate_limiter"] = self.limiter()
        app = build_application(self.settings, **kwargs)
        self._stack = AsyncExitStack()
        self.app = await self._stack.enter_async_context(running(app, polling=True))

    async def stop(self) -> None:
        await self._stack.aclose()
        self.app = None

    async def __aenter__(self) -> Harness:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    async def uid(self, telegram_id: int) -> int:
        """The internal id of the person behind a Telegram user (who has written to the bot)."""
        async with self.services.uow() as uow:
            found = await uow.accounts.user_id("telegram", str(telegram_id))
        assert found is not None, f"Telegram user {telegram_id} has not written to the bot"
        return found

    @property
    def services(self) -> Services:
        assert self.app is not None and self.app.bot_data.services is not None
        return self.app.bot_data.services

    # --- acting as a user -------------------------------------------------------------
    async def say(self, user_id: int, text: str, *, expect_reply: bool = True) -> None:
        mark = len(self.standin.requests)
        await self.standin.send_text(user_id, text)
        await self._settle(user_id, mark, expect_reply)

    async def press(
        self,
        user_id: int,
        data: str,
        *,
        message_id: int | None = None,
        expect_reply: bool = True,
        settle: bool = True,
        timeout: float = 10,  # noqa: ASYNC109 - how long a reply may take, not a deadline
    ) -> None:
        """Press a button by its callback data, on the given or the last bot message.

        `settle=False` returns at the first reply instead of waiting until the update has
        been handled to the end. `timeout` is how long the reply may take (a PDF the bot
        draws takes seconds on a busy machine)."""
        if message_id is None:
            message_id = self.last(user_id)["message_id"]
        mark = len(self.standin.requests)
        await self.standin.press(user_id, message_id, data)
        await self._settle(user_id, mark, expect_reply, quiet=settle, timeout=timeout)

    async def press_label(self, user_id: int, label: str) -> None:
        """Press the button of the last message whose text contains `label`."""
        for text, data in self.buttons(user_id):
            if label in text:
                await self.press(user_id, data)
                return
        raise AssertionError(f"no button {label!r} in {self.buttons(user_id)}")

    async def vote(
        self, user_id: int, poll_id: str, option_ids: list[int], *, expect_reply: bool = True
    ) -> None:
        """Answer a poll as the user (the stand-in emits the PollAnswer update)."""
        mark = len(self.standin.requests)
        await self.standin.answer_poll(user_id, poll_id, option_ids)
        await self._settle(user_id, mark, expect_reply)

    async def _settle(
        self,
        chat_id: int,
        mark: int,
        expect_reply: bool,
        *,
        quiet: bool = True,
        timeout: float = 10,  # noqa: ASYNC109 - see press
    ) -> None:
        deadline = time.monotonic() + timeout
        if expect_reply:
            await self.standin.wait_for_request(
                lambda r: (
                    r.method in VISIBLE and r.status == 200 and _chat_of(r.params) == chat_id
                ),
                since=mark,
                timeout=timeout,
            )
        if not quiet:
            return
        # then wait until the update has been handled to the end (a reply can be two messages)
        await self.until_idle(deadline)

    def busy(self) -> bool:
        """Whether an update is on its way to the bot or being handled: one the stand-in
        holds (not yet fetched and confirmed), one in the Application's queue, one the
        update processor was handed and has not finished, or work it started in the
        background (an export) that is not done."""
        assert self.app is not None
        processor = self.app.update_processor
        assert isinstance(processor, PerUserUpdateProcessor)
        return bool(
            self.standin.pending_updates
            or self.app.update_queue.qsize()
            or processor.in_flight
            or self.services.background.running
        )

    async def until_idle(self, deadline: float | None = None) -> None:
        """Wait until the bot is not busy (or the deadline passes, as the quiet wait did).

        Idle twice, one turn of the event loop apart: an update the Application has just
        taken from its queue, or one that waited for a free slot, reaches the processor on
        the next turn."""
        deadline = deadline if deadline is not None else time.monotonic() + 10
        while time.monotonic() < deadline:
            if not self.busy():
                await asyncio.sleep(0)
                if not self.busy():
                    return
            await asyncio.sleep(POLL)

    async def answered_meanwhile(self, user_id: int, since: int) -> None:
        """`user_id` writes /menu and is answered while work started since the mark is
        still under way (the work runs beside the turns), which is left unfinished."""
        await self.standin.send_text(user_id, "/menu")
        await self.standin.wait_for_request(
            lambda r: r.method == "sendMessage" and r.params.get("chat_id") == user_id,
            since=since,
            timeout=10,
        )
        assert self.services.background.running == 1, "the work is still under way"
        assert not [r for r in self.requests_since(since) if r.method == "sendDocument"]

    async def notify_staff(self) -> NoticeReport:
        """Run the staff notice job once, as the scheduler does every QUESTION_INTERVAL."""
        return await send_faq_notices(self.services)

    # --- reading the chat ---------------------------------------------------------------
    def messages(self, user_id: int) -> list[dict[str, Any]]:
        return self.standin.messages(user_id)

    def last(self, user_id: int) -> dict[str, Any]:
        messages = [m for m in self.messages(user_id) if m.get("from", {}).get("is_bot")]
        assert messages, "the bot has not written to this user"
        return messages[-1]

    def text(self, user_id: int) -> str:
        message = self.last(user_id)
        return str(message.get("text") or message.get("caption") or "")

    def buttons(self, user_id: int) -> list[tuple[str, str]]:
        markup = self.last(user_id).get("reply_markup") or {}
        return [
            (b["text"], b.get("callback_data", ""))
            for row in markup.get("inline_keyboard", [])
            for b in row
        ]

    def requests_since(self, mark: int) -> list[Any]:
        return self.standin.requests[mark:]

    def documents_since(self, mark: int) -> dict[str, bytes]:
        """The files the bot sent as documents since `mark`, by file name."""
        return {
            r.params["document"].filename: r.params["document"].data
            for r in self.requests_since(mark)
            if r.method == "sendDocument" and r.status == 200
        }


def _chat_of(params: dict[str, Any]) -> int | None:
    chat = params.get("chat_id")
    try:
        return int(chat) if chat is not None else None
    except (TypeError, ValueError):
        return None


class FakeClock:
    """A clock tests can move; services read time only through it."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now
