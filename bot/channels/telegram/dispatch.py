"""Updates into turns: one PTB handler reads each update as a neutral event, finds its
route and runs the turn with Telegram's replies and the person's memory. The turn claims
the update's id (bot.services.processed): Telegram resends a webhook update not answered
in time, and a poller restarting before it confirmed its last batch fetches it again, so
an update delivered twice is processed once, by whichever instance claims it first."""

from __future__ import annotations

import asyncio
import logging

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import BaseHandler

from bot.channels.telegram.context import BotContext
from bot.channels.telegram.events import read_update
from bot.channels.telegram.replies import TelegramReplies
from bot.conversation.events import Event, Person, Pressed
from bot.conversation.memory import MEMORIES_KEPT, Memory
from bot.conversation.router import Router
from bot.conversation.turn import TurnHandler, take_turn

log = logging.getLogger(__name__)


def _username(update: Update) -> str | None:
    try:
        return update.get_bot().username
    except RuntimeError:
        return None


def read(update: object) -> tuple[Person, Event] | None:
    return read_update(update, _username(update)) if isinstance(update, Update) else None


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
    # Stop the button's spinner at once, beside the turn rather than before it: slow work
    # cannot make the query "too old", and the turn need not wait for the answer's round
    # trip (on SQLite turns run one at a time, so every wait in one delays them all).
    spinner = asyncio.ensure_future(answer_quietly(update)) if isinstance(event, Pressed) else None
    try:
        memory = context.user_data if context.user_data is not None else Memory()
        if update.effective_user is not None:
            _keep_recent(context, update.effective_user.id)
        replies = TelegramReplies(update, context.bot)
        update_id = str(update.update_id)
        await take_turn(
            context.services,
            person,
            event,
            replies,
            memory,
            handler,
            update_id,
            order=update.update_id,
        )
    finally:
        if spinner is not None:
            await spinner


def _keep_recent(context: BotContext, user_id: int) -> None:
    """Keep at most MEMORIES_KEPT people's memory: PTB's user_data otherwise grows by one
    entry per person who ever wrote, for the life of the process."""
    recent = context.bot_data.recent_users
    recent.pop(user_id, None)
    recent[user_id] = None
    while len(recent) > MEMORIES_KEPT:
        oldest, _ = recent.popitem(last=False)
        context.application.drop_user_data(oldest)


class EventHandler(BaseHandler[Update, BotContext, None]):
    """The router's events as one PTB handler: every update the router has a handler for,
    its catch-alls (unknown command or choice, messages) included."""

    def __init__(self, router: Router) -> None:
        super().__init__(self._handle)
        self._router = router

    def check_update(self, update: object) -> bool:
        read_ = read(update)
        return read_ is not None and self._router.find(read_[1]) is not None

    async def _handle(self, update: Update, context: BotContext) -> None:
        read_ = read(update)
        if read_ is None:
            return
        person, event = read_
        handler = self._router.find(event)
        if handler is not None:
            await run_turn(update, context, person, event, handler)
