"""The WhatsApp side of one process: its channel, its webhook, and a turn per message.

Messages come from the webhook (bot.channels.whatsapp.webhook: signed, one person's in
order) as neutral events; each runs as a turn of the core with WhatsApp's replies and the
person's memory, the turn claiming the message's id so one delivered twice is not applied
twice (bot.services.processed). Errors get the same answers as on Telegram: a known
situation its translated sentence, anything else an apology, logged by kind and place only.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from datetime import datetime

from sqlalchemy.exc import DBAPIError, OperationalError

from bot.actions.pages import ListPage
from bot.channels.whatsapp.channel import PLATFORM, WhatsAppChannel, WhatsAppReplies
from bot.channels.whatsapp.client import GraphApi
from bot.channels.whatsapp.events import Delivery, Incoming, Status, Update
from bot.channels.whatsapp.pacing import SendPace, number_pace
from bot.channels.whatsapp.webhook import WhatsAppWebhook
from bot.conversation.events import Pressed
from bot.conversation.memory import Memory
from bot.conversation.router import Router
from bot.conversation.turn import Turn, picked, take_turn
from bot.db.repositories import Delivered
from bot.errors import APOLOGY, DB_DOWN, AppError, StaleButton
from bot.i18n import Translator
from bot.keyboards.menu import menu_keyboard
from bot.redact import error_summary, incident_ref, redacted_traceback, user_ref
from bot.screens import Keyboard, Screen
from bot.services import deliveries, learners
from bot.services.container import Services

log = logging.getLogger(__name__)

# People whose in-process memory is kept (the rest is in the database: what the bot waits
# for survives; a certificate name typed but not confirmed is asked again).
MEMORIES_KEPT = 10_000
UNREACHABLE = 131026
# How long a status of a message this process just sent waits for the send's record.
STATUS_WAITS = (0.05, 0.2, 0.5, 1.0, 1.5, 2.0)


class WhatsAppBot:
    """`pace`: the number's sending budget (bot.channels.whatsapp.pacing); without one, the
    core's: shared by every instance through Redis when REDIS_URL is set."""

    def __init__(self, services: Services, router: Router, pace: SendPace | None = None) -> None:
        settings = services.settings
        assert settings.whatsapp_configured, "the settings check that all four are set"
        assert settings.whatsapp_token is not None and settings.whatsapp_app_secret is not None
        assert settings.whatsapp_verify_token is not None
        phone_id = str(settings.whatsapp_phone_number_id)
        token = settings.whatsapp_token.get_secret_value()
        self._services = services
        self._router = router
        self._api = GraphApi(token=token, phone_id=phone_id, api_url=settings.whatsapp_api_url)
        self.channel = WhatsAppChannel(
            self._api,
            number=settings.whatsapp_number or phone_id,
            translator=services.i18n.translator(None),
            pace=pace or number_pace(services.rates, phone_id, settings.whatsapp_rate),
            templates=settings.whatsapp_template,
            languages=services.i18n.translator,
            clock=services.clock,
        )
        services.channels.add(self.channel)
        self.webhook = WhatsAppWebhook(
            app_secret=settings.whatsapp_app_secret.get_secret_value(),
            verify_token=settings.whatsapp_verify_token.get_secret_value(),
            handle=self.handle,
            phone_number_id=phone_id,
            at_once=settings.turns_at_once,
        )
        self._memories: OrderedDict[str, Memory] = OrderedDict()
        # wa_id -> the minute of their last message the database has (saves a write a
        # message while they are chatting)
        self._heard: OrderedDict[str, datetime] = OrderedDict()

    async def close(self) -> None:
        await self.webhook.drain()
        await self._api.close()

    def _memory(self, wa_id: str) -> Memory:
        memory = self._memories.pop(wa_id, None) or Memory()
        self._memories[wa_id] = memory
        while len(self._memories) > MEMORIES_KEPT:
            self._memories.popitem(last=False)
        return memory

    async def handle(self, update: Update) -> None:
        if isinstance(update, Status):
            await self._status(update)
            return
        await self._turn(update)

    async def _status(self, status: Status) -> None:
        """Record what became of a message a job sent (an announcement's totals count
        it); a number Meta says is not on WhatsApp is skipped like a user who blocked the
        bot, until they write again."""
        unreachable = status.status is Delivery.FAILED and status.error_code == UNREACHABLE
        if unreachable:
            async with self.webhook.slots.status(), self._services.uow() as uow:
                user_id = await uow.accounts.user_id(PLATFORM, status.recipient)
                if user_id is not None:
                    await learners.mark_blocked(uow, user_id)
        if self.channel.replied_lately(status.message_id):
            # a reply within a turn: no record to update, so no database visit (four
            # statuses a lesson card cost a third of the bot's time, benchmarks.whatsapp)
            return
        state = Delivered.BLOCKED if unreachable else Delivered(status.status.value)
        # A status can overtake the job's record of the send: for a message this process
        # sent lately, wait a little for the record.
        waits = STATUS_WAITS if self.channel.may_be_recorded_soon(status.message_id) else ()
        for wait in (*waits, None):
            async with self.webhook.slots.status(), self._services.uow() as uow:
                if await deliveries.reported(uow, status.message_id, state):
                    return
            if wait is None:
                return
            await asyncio.sleep(wait)

    async def _heard_from(self, incoming: Incoming) -> None:
        """Keep when the person last wrote (their 24-hour window), once a minute at most."""
        wa_id = incoming.person.external_id
        at = incoming.sent_at or self._services.clock()
        minute = at.replace(second=0, microsecond=0)
        if self._heard.get(wa_id) == minute:
            return
        async with self._services.uow() as uow:
            kept = await deliveries.heard_from(uow, PLATFORM, wa_id, minute)
        if kept is not None:
            self._heard[wa_id] = kept
            self._heard.move_to_end(wa_id)
            while len(self._heard) > MEMORIES_KEPT:
                self._heard.popitem(last=False)

    async def _turn(self, incoming: Incoming) -> None:
        try:
            await self._answer(incoming)
        finally:
            # after the turn: a new person's account exists only once the turn made it
            await self._heard_from(incoming)

    async def _answer(self, incoming: Incoming) -> None:
        person, event = incoming.person, incoming.event
        memory = self._memory(person.external_id)
        i18n = self._services.i18n

        def translator() -> Translator:
            return i18n.translator(memory.language or i18n.negotiate(person.language_code))

        replies = WhatsAppReplies(self.channel, person.address, translator, memory)

        async def show_page(turn_: Turn) -> None:
            """Another page of a long list: WhatsApp's own, no feature's."""
            await replies.show_page(picked(turn_, ListPage))

        paging = isinstance(event, Pressed) and isinstance(event.action, ListPage)
        handler = show_page if paging else self._router.find(event)
        if handler is None:
            return
        try:
            await take_turn(
                self._services, person, event, replies, memory, handler, incoming.message_id
            )
        except AppError as err:
            keyboard = menu_keyboard(translator()) if isinstance(err, StaleButton) else None
            await replies.show(Screen(translator().gettext(err.msgid), keyboard or Keyboard()))
        except Exception as err:  # logged by kind and place; the person gets an apology
            incident = incident_ref()
            log.error(
                "WhatsApp message from %s failed [%s]: %s\n%s",
                user_ref(person.external_id),
                incident,
                error_summary(err),
                redacted_traceback(err),
            )
            down = isinstance(err, OperationalError | DBAPIError | ConnectionError)
            try:
                await replies.show(Screen(translator().gettext(DB_DOWN if down else APOLOGY)))
            except Exception as again:  # the channel itself may be what failed
                log.warning("could not tell %s: %s", user_ref(person.external_id), again)
