"""The WhatsApp side of one process: its channel, its webhook, and a turn per message.

Messages come from the webhook (bot.channels.whatsapp.webhook: signed, claimed once, one
person's in order) as neutral events; each runs as a turn of the core with WhatsApp's
replies and the person's memory. Errors get the same answers as on Telegram: a known
situation its translated sentence, anything else an apology, logged by kind and place only.
"""

from __future__ import annotations

import logging
from collections import OrderedDict

from sqlalchemy.exc import DBAPIError, OperationalError

from bot.channels.whatsapp.channel import PLATFORM, WhatsAppChannel, WhatsAppReplies
from bot.channels.whatsapp.client import make_client
from bot.channels.whatsapp.events import Delivery, Incoming, Status, Update
from bot.channels.whatsapp.webhook import WhatsAppWebhook
from bot.conversation.memory import Memory
from bot.conversation.router import Router
from bot.conversation.turn import take_turn
from bot.errors import APOLOGY, DB_DOWN, AppError, StaleButton
from bot.i18n import Translator
from bot.keyboards.menu import menu_keyboard
from bot.redact import error_summary, incident_ref, redacted_traceback, user_ref
from bot.screens import Keyboard, Screen
from bot.services import learners
from bot.services.container import Services

log = logging.getLogger(__name__)

# People whose in-process memory is kept (the rest is in the database: what the bot waits
# for survives; a certificate name typed but not confirmed is asked again).
MEMORIES_KEPT = 10_000
UNREACHABLE = 131026


class WhatsAppBot:
    def __init__(self, services: Services, router: Router) -> None:
        settings = services.settings
        assert settings.whatsapp_configured, "the settings check that all four are set"
        assert settings.whatsapp_token is not None and settings.whatsapp_app_secret is not None
        assert settings.whatsapp_verify_token is not None
        phone_id = str(settings.whatsapp_phone_number_id)
        token = settings.whatsapp_token.get_secret_value()
        self._services = services
        self._router = router
        client, self._http = make_client(
            token=token,
            phone_id=phone_id,
            app_secret=settings.whatsapp_app_secret.get_secret_value(),
            verify_token=settings.whatsapp_verify_token.get_secret_value(),
            api_url=settings.whatsapp_api_url,
        )
        self.channel = WhatsAppChannel(
            client,
            self._http,
            phone_id=phone_id,
            token=token,
            number=settings.whatsapp_number or phone_id,
            translator=services.i18n.translator(None),
        )
        services.channels.add(self.channel)
        self.webhook = WhatsAppWebhook(
            app_secret=settings.whatsapp_app_secret.get_secret_value(),
            verify_token=settings.whatsapp_verify_token.get_secret_value(),
            handle=self.handle,
            uow=services.uow,
            clock=services.clock,
            phone_number_id=phone_id,
            at_once=settings.turns_at_once,
        )
        self._memories: OrderedDict[str, Memory] = OrderedDict()

    async def close(self) -> None:
        await self.webhook.drain()
        await self._http.aclose()

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
        """A number Meta says is not on WhatsApp is skipped like a user who blocked the
        bot, until they write again."""
        if status.status is not Delivery.FAILED or status.error_code != UNREACHABLE:
            return
        async with self._services.uow() as uow:
            user_id = await uow.accounts.user_id(PLATFORM, status.recipient)
            if user_id is not None:
                await learners.mark_blocked(uow, user_id)

    async def _turn(self, incoming: Incoming) -> None:
        person, event = incoming.person, incoming.event
        handler = self._router.find(event)
        if handler is None:
            return
        memory = self._memory(person.external_id)
        i18n = self._services.i18n

        def translator() -> Translator:
            return i18n.translator(memory.language or i18n.negotiate(person.language_code))

        replies = WhatsAppReplies(self.channel, person.address, translator)
        try:
            await take_turn(self._services, person, event, replies, memory, handler)
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
