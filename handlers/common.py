"""What every handler shares: the per-update unit of work and the reply helper."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from bot.callbacks import CallbackData
from bot.context import BotContext, durable_steps, restore_steps
from bot.db.repositories import UserRecord
from bot.db.uow import UnitOfWork
from bot.errors import StaleButton
from bot.i18n import Translator
from bot.services import learners
from bot.services.container import Services

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Turn:
    """One update's view of the world: who, in which language, with which unit of work."""

    user: UserRecord
    language: str
    t: Translator
    uow: UnitOfWork
    services: Services

    @property
    def ready(self) -> bool:
        """Onboarding done: a language was chosen and the welcome accepted."""
        return self.user.language is not None and self.user.consent_at is not None

    @property
    def is_trainer(self) -> bool:
        """Trainers and admins get the Trainer menu."""
        return self.user.role in ("trainer", "admin") or self.services.is_admin(self.user.id)


C = TypeVar("C", bound=CallbackData)


def picked(update: Update, kind: type[C]) -> C:
    """The pressed button's parsed data; stale or forged data raises StaleButton."""
    data = kind.unpack(update.callback_query.data if update.callback_query else None)
    if data is None:
        raise StaleButton(kind.PREFIX)
    return data


TurnHandler = Callable[[Update, BotContext, Turn], Coroutine[Any, Any, None]]
UpdateHandler = Callable[[Update, BotContext], Coroutine[Any, Any, None]]


def turn(fn: TurnHandler) -> UpdateHandler:
    """Open one unit of work for the update, record the user's visit, pick their translator.

    The first update of a user in this process puts back the steps saved before a restart;
    after the handler, changed steps are saved (bot.context.durable_steps).
    """

    @functools.wraps(fn)
    async def wrapper(update: Update, context: BotContext) -> None:
        tg_user = update.effective_user
        if tg_user is None or tg_user.is_bot:
            return
        if update.callback_query is not None:
            # Stop the button's spinner first: slow work after this cannot make it "too old".
            await answer_quietly(update)
        services = context.services
        async with services.uow() as uow:
            user = await learners.arrive(
                uow, tg_user.id, services.clock(), services.is_admin(tg_user.id)
            )
            language = user.language or services.i18n.negotiate(tg_user.language_code)
            data = context.user_data
            if data is not None:
                data.language = language
                if not data.restored:
                    restore_steps(data, user.waiting)
            t = services.i18n.translator(language)
            await fn(update, context, Turn(user, language, t, uow, services))
            if data is not None and (steps := durable_steps(data)) != data.saved_steps:
                await learners.save_steps(uow, user.id, steps)
                data.saved_steps = steps

    return wrapper


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


async def show(
    update: Update,
    text: str,
    keyboard: InlineKeyboardMarkup | None = None,
    *,
    edit: bool = True,
) -> Message | None:
    """Edit the message whose button was pressed, or send a new one.

    Editing keeps the chat short on small screens; when the message cannot be edited (too old,
    deleted, a photo) a new one is sent so the user is never left without an answer.
    """
    query = update.callback_query
    message = query.message if query else None
    if edit and isinstance(message, Message) and message.text is not None:
        try:
            result = await message.edit_text(text, reply_markup=keyboard)
            return result if isinstance(result, Message) else None
        except BadRequest as err:
            if "message is not modified" in str(err).lower():
                return None
            log.info("could not edit message %s (%s); sending a new one", message.id, err)
    chat = update.effective_chat
    if chat is None:
        return None
    return await chat.send_message(text, reply_markup=keyboard)
