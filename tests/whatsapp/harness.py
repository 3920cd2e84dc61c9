"""The real WhatsApp side of the bot against the Cloud API stand-in: the core opened on a
test database, the webhook served on a local port, simulated users sending messages."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.channels.whatsapp.bot import WhatsAppBot
from bot.channels.whatsapp.pacing import LocalPace, SendPace
from bot.channels.whatsapp.standin import CloudApiStandIn
from bot.config import Settings, load_settings
from bot.content import Course
from bot.db.repositories import AnnouncementContent
from bot.i18n import I18n
from bot.runtime import close_services, open_services
from bot.services import deliveries, learners
from bot.services.container import Services, utc_now
from handlers import build_router
from tests.conftest import shared_content
from tests.e2e.harness import shared_i18n

CONTENT = Path(__file__).resolve().parents[2] / "content"


def quick_pace(settings: Settings) -> SendPace | None:
    """The number's throughput as the bot keeps it, without the 6.5 s between two bulk
    messages to one person: the stand-in asks for that spacing only from people who have not
    written for a minute, which a test's learners have, and waiting it out made a test of a
    reminder and an announcement to one person last half a minute. Tests of the spacing
    pass a pace of their own; with REDIS_URL, None: the bot's own, shared through Redis."""
    if settings.redis_url:
        return None
    return LocalPace(settings.whatsapp_rate, per_recipient=0)


JsonDict = dict[str, Any]


@dataclass
class WhatsAppHarness:
    standin: CloudApiStandIn
    bot: WhatsAppBot
    services: Services

    async def settle(self) -> None:
        """Until every webhook call was delivered, every message handled and the work it
        started in the background (a PDF, an export) done."""
        await self.standin.webhooks_delivered(timeout=10)
        for _ in range(3000):
            if not self.bot.webhook.busy and not self.services.background.running:
                return
            await asyncio.sleep(0.01)
        raise TimeoutError("the bot is still handling messages")

    async def say(self, wa_id: str, text: str) -> None:
        self.standin.send_text(wa_id, text)
        await self.settle()

    def last(self, wa_id: str) -> JsonDict:
        message = self.standin.last_message(wa_id)
        assert message is not None, f"{wa_id} got nothing"
        return message

    def text(self, wa_id: str) -> str:
        """The words of the newest message (a text, or an interactive message's body)."""
        message = self.last(wa_id)
        if message["type"] == "text":
            return str(message["text"]["body"])
        return str(message["interactive"]["body"]["text"])

    def everything(self, wa_id: str, since: int = 0) -> str:
        out = []
        for message in self.standin.messages(wa_id)[since:]:
            if message["type"] == "text":
                out.append(message["text"]["body"])
            elif message["type"] == "interactive":
                out.append(message["interactive"]["body"]["text"])
        return "\n".join(out)

    def choices(self, wa_id: str) -> list[tuple[str, str]]:
        """(title, id) of the newest message's buttons or list rows."""
        action = self.last(wa_id).get("interactive", {}).get("action", {})
        found = [(b["reply"]["title"], b["reply"]["id"]) for b in action.get("buttons", [])]
        for section in action.get("sections", []):
            found += [(row["title"], row["id"]) for row in section["rows"]]
        return found

    async def pick(self, wa_id: str, choice_id: str) -> None:
        """Press the button or pick the row with this id on the newest message."""
        message = self.last(wa_id)
        if message["interactive"]["type"] == "button":
            self.standin.press_button(wa_id, message["id"], choice_id)
        else:
            self.standin.choose_row(wa_id, message["id"], choice_id)
        await self.settle()


def whatsapp_settings(standin: CloudApiStandIn) -> dict[str, Any]:
    """The settings that point the bot at the stand-in, its repeating jobs off (the tests
    run them)."""
    return {
        **standin.bot_settings(),
        "reminder_interval": 0,
        "consultation_interval": 0,
        "announcement_interval": 0,
    }


async def add_learner(
    services: Services,
    standin: CloudApiStandIn,
    wa_id: str,
    language: str,
    now: datetime,
    *,
    wrote: datetime | None = None,
) -> int:
    """A WhatsApp learner who agreed at `now` (time zone UTC), written straight into the
    database; `wrote`: their last message, as both the bot and the stand-in know it."""
    standin.add_user(wa_id, f"Learner {wa_id[-3:]}")
    async with services.uow() as uow:
        who = learners.Identity("whatsapp", wa_id, wa_id)
        user = await learners.arrive(uow, who, now, is_admin=False)
        await learners.choose_language(uow, user.id, language, now)
        await learners.give_consent(uow, user.id, now)
        await uow.users.set_time_zone(user.id, "UTC")
        await uow.commit()
        if wrote is not None:
            await deliveries.heard_from(uow, "whatsapp", wa_id, wrote)
    if wrote is not None:
        standin.world.user(wa_id).last_inbound = wrote.timestamp()
    return user.id


async def trainer_cohort(services: Services, author: int, members: list[int]) -> int:
    """Make `author` a trainer with a cohort of `members`; its id."""
    now = services.clock()
    async with services.uow() as uow:
        await uow.users.set_role(author, "trainer")
        cohort = await uow.cohorts.add(author, "Kamsar", "fr", None, now)
        for member in members:
            await uow.cohorts.add_member(cohort, member, f"m{member}", now)
        await uow.commit()
    return cohort


async def announce(services: Services, author: int, cohort: int, body: str) -> int:
    """A text announcement by `author` to `cohort`, due now; its id."""
    now = services.clock()
    async with services.uow() as uow:
        announcement = await uow.announcements.add_draft(
            author, AnnouncementContent("text", body), now
        )
        await uow.announcements.set_audience(announcement, [cohort], False)
        assert await uow.announcements.schedule(announcement, now)
        await uow.commit()
    return announcement


@asynccontextmanager
async def whatsapp_bot(
    database_url: str,
    clock: Callable[[], datetime] = utc_now,
    *,
    course: Course | None = None,
    i18n: I18n | None = None,
    standin_options: dict[str, Any] | None = None,
    pace: SendPace | None = None,
    **extra: Any,
) -> AsyncIterator[WhatsAppHarness]:
    """WhatsApp alone (no Telegram token), with `extra` settings and the core's clock.
    `course` and `i18n`: a course of the test's own (its FAQ index is built here) and its
    catalogues; without them, the shipped ones built once per process. `standin_options`:
    the stand-in's limits and clock; `pace` the bot's own."""
    async with CloudApiStandIn(**(standin_options or {})) as standin:
        settings = load_settings(
            _env_file=None, database_url=database_url, **whatsapp_settings(standin), **extra
        )
        index = None
        if course is None:
            course, index = shared_content(CONTENT)
        services = await open_services(
            settings,
            course=course,
            clock=clock,
            faq_index=index,
            i18n=i18n or shared_i18n(settings.default_language),
        )
        bot = WhatsAppBot(services, build_router(), pace or quick_pace(settings))
        app = web.Application()
        bot.webhook.add_to(app)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        standin.webhook_url = f"http://127.0.0.1:{port}/whatsapp"
        try:
            yield WhatsAppHarness(standin, bot, services)
        finally:
            await runner.cleanup()
            await bot.close()
            await close_services(services)
