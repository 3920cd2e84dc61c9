"""Updates into turns: one PTB handler reads each update as a neutral event, finds its
route and runs the turn with Telegram's replies and the person's memory; before any
handler, each update is claimed once (`first_delivery`)."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import ApplicationHandlerStop, BaseHandler, TypeHandler

from bot.channels.telegram.context import BotContext
from bot.channels.telegram.events import read_update
from bot.channels.telegram.replies import TelegramReplies
from bot.conversation.events import Event, Person, Pressed
from bot.conversation.memory import Memory
from bot.conversation.router import Router
from bot.conversation.turn import TurnHandler, take_turn
from bot.services import processed

log = logging.getLogger(__name__)


def _username(update: Update) -> str | None:
    try:
        return update.get_bot().username
    except RuntimeError:
        return None


def read(update: object) -> tuple[Person, Event] | None:
    return read_update(update, _username(update)) if isinstance(update, Update) else None


async def _claim(update: Update, context: BotContext) -> None:
    services = context.services
    async with services.uow() as uow:
        first = await processed.first_time(
            uow, "telegram", str(update.update_id), services.clock()
        )
    if not first:
        log.info("update %s was delivered before: dropped", update.update_id)
        raise ApplicationHandlerStop


def first_delivery() -> TypeHandler[Update, BotContext, None]:
    """Drop an update already processed (bot.services.processed), in a group before every
    other handler: Telegram resends a webhook update not answered in time, and a poller
    restarting before it confirmed its last batch fetches that batch again. Here rather
    than in the webhook route, so polling (the tests, the playground, small deployments)
    is covered too, and rather than in EventHandler, so block notices are too."""
    return TypeHandler(Update, _claim)


async def answer_quietly(update: Update, text: str | None = None) -> None:
    """Answer a callback query, ignoring one that is already answered or too old."""
    query = update.callback_query
    if query is None:
        return
    try:
        await query.answer(text)
    except BadRequest as err:
        if (
            "query is too old" not in str(err).lower()
            and "query id is invalid" not in str(err).lower()
        ):
            raise
        log.info("a callback query was too old to answer")


async def run_turn(
    update: Update, context: BotContext, person: Person, event: Event, handler: TurnHandler
) -> None:
    if isinstance(event, Pressed):
        # Stop the button's spinner first: slow work after this cannot make it "too old".
        await answer_quietly(update)
    memory = context.user_data if context.user_data is not None else Memory()
    replies = TelegramReplies(update, context.bot)
    await take_turn(context.services, person, event, replies, memory, handler)


class EventHandler(BaseHandler[Update, BotContext, None]):
    """The router's events as one PTB handler. With `catch_all` it also takes what only
    the router's catch-alls (unknown command or choice, messages) would."""

    def __init__(self, router: Router, *, catch_all: bool = True) -> None:
        super().__init__(self._handle)
        self._router = router
        self._catch_all = catch_all

    def check_update(self, update: object) -> bool:
        read_ = read(update)
        if read_ is None:
            return False
        _, event = read_
        if self._catch_all:
            return self._router.find(event) is not None
        return self._router.routes_for(event)

    async def _handle(self, update: Update, context: BotContext) -> None:
        read_ = read(update)
        if read_ is None:
            return
        person, event = read_
        handler = self._router.find(event)
        if handler is not None:
            await run_turn(update, context, person, event, handler)
