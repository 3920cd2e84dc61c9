"""One person on one channel, as the parity scenarios see them: type, press a choice by its
label or id, read what the bot showed since the last step and the newest message's choices.

Everything a scenario needs that differs between the channels lives here (how a press
reaches the bot, what a screen is made of, how a quiz question is answered, how a webhook
call is signed and delivered again), so each scenario is written once for both. Both
drivers run on the same `Both` (one core serving Telegram and WhatsApp), so a scenario can
also have people on the two channels talk to each other.
"""

from __future__ import annotations

import copy
import enum
import itertools
import json
import time
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import aiohttp
from aiohttp import web

from bot.channels.telegram.webhook import SECRET_HEADER, webhook_app
from bot.channels.whatsapp.standin.webhook import signature
from bot.channels.whatsapp.webhook import SIGNATURE_HEADER
from bot.services import deliveries
from bot.telegram_html import visible_text
from tests.e2e.harness import VISIBLE, Harness
from tests.e2e.test_quizzes import answer as vote_in_poll
from tests.whatsapp import meta_bodies as meta
from tests.whatsapp.both import Both
from tests.whatsapp.harness import WhatsAppHarness
from tests.whatsapp.test_quizzes import _answer as pick_in_question

JsonDict = dict[str, Any]
TELEGRAM_SECRET = "parity-webhook-secret"
_numbers = itertools.count(1)


class Auth(enum.Enum):
    """How a webhook call is authenticated: Meta's signature, Telegram's secret token."""

    MISSING = "missing"
    WRONG = "wrong"
    RIGHT = "right"


@dataclass
class Person(ABC):
    """A person the scenario acts as; `mark` is where "since the last step" begins."""

    both: Both
    language: str
    mark: int = field(default=0, init=False)

    channel: str = field(default="", init=False)

    # --- what the person does ------------------------------------------------------------
    @abstractmethod
    async def say(self, text: str) -> None: ...

    @abstractmethod
    async def choose(self, choice_id: str) -> None:
        """Press the choice with this id on the newest message (it must be offered)."""

    async def press(self, label: str) -> None:
        """Press the newest message's choice whose label contains `label`."""
        for title, choice_id in self.choices():
            if label in title:
                await self.choose(choice_id)
                return
        raise AssertionError(f"no choice {label!r} in {self.choices()}")

    @abstractmethod
    async def forge(self, choice_id: str) -> None:
        """Send a press of a choice the bot never offered, as a tampered client could."""

    @abstractmethod
    def newest(self) -> str:
        """The newest bot message's reference, to press one of its choices later."""

    @abstractmethod
    async def press_old(self, ref: str, choice_id: str) -> None:
        """Press a choice of an older message (see `newest`)."""

    @abstractmethod
    async def answer(self, *, right: bool) -> str:
        """Answer the quiz question on screen rightly or wrongly; what the bot said."""

    @abstractmethod
    async def post(self, text: str, auth: Auth) -> int:
        """Post a webhook call carrying `text` from this person to the bot's webhook, with
        the right, a wrong or no authentication; the HTTP status it answered."""

    @abstractmethod
    async def deliver_again(self, back: int = 0) -> int:
        """Deliver a message or press of the person's to the bot again (the last, or `back`
        before it), as the platform does when an answer came late; how many messages the
        bot sent for it."""

    @abstractmethod
    async def last_wrote(self, when: datetime) -> None:
        """As if the person's last message had come at `when`, for the channel's window
        only (their activity for lessons and reminders is left as it is)."""

    # --- what the person reads -----------------------------------------------------------
    def step(self) -> None:
        """Start a new step: `shown` reads from here (each action calls it)."""
        self.mark = self._count()

    @abstractmethod
    def _count(self) -> int: ...

    @abstractmethod
    def shown(self) -> str:
        """Every word the bot sent this person since the step began, as they read it."""

    @abstractmethod
    def choices(self) -> list[tuple[str, str]]:
        """(label, id) of the newest message's choices."""

    def reads(self, words: str) -> bool:
        """Whether `words` (plain text) were among what was shown since the step began,
        whatever each channel's line breaks and bold or italic markers."""
        return _plain(words) in _plain(self.shown())

    def ids(self) -> set[str]:
        return {choice_id for _, choice_id in self.choices()}

    @abstractmethod
    def kinds(self) -> list[str]:
        """What kind each message since the step began was (Telegram: the method)."""

    @abstractmethod
    async def user_id(self) -> int: ...

    @property
    def t(self) -> Any:
        return self.both.telegram.services.i18n.translator(self.language)


@dataclass
class TelegramPerson(Person):
    telegram_id: int = 0
    _update_ids: itertools.count[int] = field(
        default_factory=lambda: itertools.count(10**9), init=False
    )

    def __post_init__(self) -> None:
        self.channel = "telegram"

    @property
    def bot(self) -> Harness:
        return self.both.telegram

    async def say(self, text: str) -> None:
        self.step()
        await self.bot.say(self.telegram_id, text)

    async def choose(self, choice_id: str) -> None:
        assert choice_id in self.ids(), (choice_id, self.choices())
        self.step()
        await self.bot.press(self.telegram_id, choice_id)

    async def forge(self, choice_id: str) -> None:
        self.step()
        await self.bot.press(self.telegram_id, choice_id, expect_reply=False)

    def newest(self) -> str:
        return str(self.bot.last(self.telegram_id)["message_id"])

    async def press_old(self, ref: str, choice_id: str) -> None:
        self.step()
        await self.bot.press(self.telegram_id, choice_id, message_id=int(ref), expect_reply=False)

    async def answer(self, *, right: bool) -> str:
        self.step()
        await vote_in_poll(self.bot, self.telegram_id, right=right)
        return self.shown()

    async def post(self, text: str, auth: Auth) -> int:
        update = {
            "update_id": next(self._update_ids),
            "message": {
                "message_id": 10**6 + next(_numbers),
                "date": int(time.time()),
                "chat": {"id": self.telegram_id, "type": "private", "first_name": "Web"},
                "from": {"id": self.telegram_id, "is_bot": False, "first_name": "Web"},
                "text": text,
            },
        }
        if text.startswith("/"):
            command = {"type": "bot_command", "offset": 0, "length": len(text.split()[0])}
            update["message"]["entities"] = [command]  # type: ignore[index]
        headers = {
            Auth.MISSING: {},
            Auth.WRONG: {SECRET_HEADER: "not-the-secret"},
            Auth.RIGHT: {SECRET_HEADER: TELEGRAM_SECRET},
        }[auth]
        assert self.bot.app is not None
        self.step()
        async with _served(webhook_app(self.bot.app, TELEGRAM_SECRET)) as url:
            status = await _post(f"{url}/telegram", json.dumps(update).encode(), headers)
            await self.bot.until_idle()
        return status

    async def deliver_again(self, back: int = 0) -> int:
        mine = [u for u in self.bot.standin.updates if _sender(u) == self.telegram_id]
        self.step()
        await self.bot.standin.redeliver(mine[-1 - back])
        await self.bot.until_idle()
        assert self.bot.standin.pending_updates == 0, "the bot fetched and confirmed it"
        return len(self._sent_since())

    async def last_wrote(self, when: datetime) -> None:
        """Telegram has no window."""

    def _count(self) -> int:
        return len(self.bot.standin.requests)

    def _sent_since(self) -> list[Any]:
        return [
            r
            for r in self.bot.requests_since(self.mark)
            if r.method in VISIBLE
            and r.status == 200
            and str(r.params.get("chat_id")) == str(self.telegram_id)
        ]

    def shown(self) -> str:
        out = []
        for request in self._sent_since():
            words = request.params.get("text") or request.params.get("caption")
            words = words or request.params.get("question") or ""
            out.append(visible_text(str(words)))
        return "\n".join(out)

    def choices(self) -> list[tuple[str, str]]:
        return self.bot.buttons(self.telegram_id)

    def kinds(self) -> list[str]:
        return [r.method for r in self._sent_since()]

    async def user_id(self) -> int:
        return await self.bot.uid(self.telegram_id)


@dataclass
class WhatsAppPerson(Person):
    wa_id: str = ""

    def __post_init__(self) -> None:
        self.channel = "whatsapp"

    @property
    def wa(self) -> WhatsAppHarness:
        return self.both.whatsapp

    async def say(self, text: str) -> None:
        self.step()
        await self.wa.say(self.wa_id, text)

    async def choose(self, choice_id: str) -> None:
        assert choice_id in self.ids(), (choice_id, self.choices())
        self.step()
        await self.wa.pick(self.wa_id, choice_id)

    async def forge(self, choice_id: str) -> None:
        self.step()
        self.wa.standin.send_forged_reply(self.wa_id, choice_id)
        await self.wa.settle()

    def newest(self) -> str:
        return str(self.wa.last(self.wa_id)["id"])

    async def press_old(self, ref: str, choice_id: str) -> None:
        message = next(m for m in self.wa.standin.messages(self.wa_id) if m["id"] == ref)
        self.step()
        if message["interactive"]["type"] == "button":
            self.wa.standin.press_button(self.wa_id, ref, choice_id)
        else:
            self.wa.standin.choose_row(self.wa_id, ref, choice_id)
        await self.wa.settle()

    async def answer(self, *, right: bool) -> str:
        self.step()
        return await pick_in_question(self.wa, self.wa_id, self.language, right=right)

    async def post(self, text: str, auth: Auth) -> int:
        body = meta.text(
            text,
            wa_id=self.wa_id,
            message_id=f"wamid.parity.{next(_numbers)}",
            timestamp=str(int(time.time())),
        )
        value = body["entry"][0]["changes"][0]["value"]
        value["metadata"]["phone_number_id"] = self.wa.standin.account.phone_number_id
        raw = json.dumps(body).encode()
        headers = {
            Auth.MISSING: {},
            Auth.WRONG: {SIGNATURE_HEADER: signature("not-the-app-secret", raw)},
            Auth.RIGHT: {SIGNATURE_HEADER: signature(self.wa.standin.app_secret, raw)},
        }[auth]
        assert self.wa.standin.webhook_url is not None
        self.step()
        status = await _post(self.wa.standin.webhook_url, raw, headers)
        await self.wa.settle()
        return status

    async def deliver_again(self, back: int = 0) -> int:
        calls: list[JsonDict] = []
        for delivery in self.wa.standin.deliveries:
            for entry in delivery.body.get("entry", []):
                for change in entry["changes"]:
                    messages = change["value"].get("messages", [])
                    mine = any(m["from"] == self.wa_id for m in messages)
                    if mine and delivery.body not in calls:
                        calls.append(delivery.body)
        raw = json.dumps(copy.deepcopy(calls[-1 - back])).encode()
        headers = {SIGNATURE_HEADER: signature(self.wa.standin.app_secret, raw)}
        assert self.wa.standin.webhook_url is not None
        self.step()
        assert await _post(self.wa.standin.webhook_url, raw, headers) == 200
        await self.wa.settle()
        return self._count() - self.mark

    async def last_wrote(self, when: datetime) -> None:
        async with self.wa.services.uow() as uow:
            await deliveries.heard_from(uow, "whatsapp", self.wa_id, when)
        self.wa.standin.world.user(self.wa_id).last_inbound = when.timestamp()

    def _count(self) -> int:
        return len(self.wa.standin.messages(self.wa_id))

    def _since(self) -> list[JsonDict]:
        return self.wa.standin.messages(self.wa_id)[self.mark :]

    def shown(self) -> str:
        out = []
        for message in self._since():
            kind = message["type"]
            if kind == "text":
                out.append(message["text"]["body"])
            elif kind == "interactive":
                out.append(message["interactive"]["body"]["text"])
            elif kind == "template":
                out.append(message["rendered"])
            elif "caption" in message.get(kind, {}):
                out.append(message[kind]["caption"])
        return "\n".join(out)

    def choices(self) -> list[tuple[str, str]]:
        return self.wa.choices(self.wa_id)

    def kinds(self) -> list[str]:
        return [str(m["type"]) for m in self._since()]

    async def user_id(self) -> int:
        async with self.wa.services.uow() as uow:
            found = await uow.accounts.user_id("whatsapp", self.wa_id)
        assert found is not None, f"{self.wa_id} has not written to the bot"
        return found


def _plain(text: str) -> str:
    return " ".join(text.translate(_MARKERS).split())


_MARKERS = str.maketrans("", "", "*_~")


def _sender(update: JsonDict) -> int | None:
    for kind in ("message", "callback_query"):
        if kind in update:
            return int(update[kind]["from"]["id"])
    return None


async def _post(url: str, raw: bytes, headers: dict[str, str]) -> int:
    headers = {"Content-Type": "application/json", **headers}
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=raw, headers=headers) as response,
    ):
        return response.status


@asynccontextmanager
async def _served(app: web.Application) -> AsyncIterator[str]:
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()
