"""What every handler shares: the per-update unit of work and the reply helper."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

from telegram import Message, Update
from telegram.error import BadRequest

from bot import waiting
from bot.actions import Action, parse_action
from bot.channels.telegram.context import BotContext, load_steps, steps_to_save
from bot.channels.telegram.render import markup
from bot.db.repositories import UserRecord
from bot.db.uow import UnitOfWork
from bot.errors import StaleButton
from bot.i18n import Translator
from bot.screens import Keyboard
from bot.services import learners
from bot.services.container import Services
from bot.waiting import Wait

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
    def is_admin(self) -> bool:
        """Admins are named by their channel ids in the settings (ADMIN_IDS on Telegram);
        arriving gives them the admin role, so the role says it for every channel."""
        return self.user.role == "admin"

    @property
    def is_trainer(self) -> bool:
        """Trainers and admins get the Trainer menu."""
        return self.user.role in ("trainer", "admin")


C = TypeVar("C", bound=Action)


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

    What the bot waits for is read from the user's row, ended by the interrupt rule (a
    command, or a button of another feature: bot.waiting.ended_by) or by its timeout, and
    written back after the handler when it changed.
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
            who = learners.Identity("telegram", str(tg_user.id), str(tg_user.id))
            user = await learners.arrive(uow, who, services.clock(), services.is_admin(tg_user.id))
            language = user.language or services.i18n.negotiate(tg_user.language_code)
            data = context.user_data
            if data is not None:
                data.language = language
                load_steps(data, user.waiting, user.id, services.sealer)
                data.waiting = waiting.current(data.waiting, services.clock())
                if waiting.ended_by(data.waiting, _feature_of(update)):
                    data.waiting = None
            t = services.i18n.translator(language)
            await fn(update, context, Turn(user, language, t, uow, services))
            if data is not None and (data.waiting, data.pending_invitation) != data.loaded:
                steps = steps_to_save(data, user.id, services.sealer)
                await learners.save_steps(uow, user.id, steps)

    return wrapper


def _feature_of(update: Update) -> str | None:
    """Which feature this update belongs to, for the interrupt rule: a pressed button's
    (the module of its action), none for a command, the waiting one's for anything else."""
    query = update.callback_query
    if query is not None:
        action = parse_action(query.data)
        return type(action).__module__.rsplit(".", 1)[-1] if action is not None else None
    message = update.message
    text = message.text if message is not None else None
    if text is not None and text.startswith("/"):
        return None
    return waiting.TYPED


W = TypeVar("W", bound=Wait)


def wait(context: BotContext, step: Wait | None) -> None:
    """Wait for a typed message (saved at the end of the update), or stop waiting."""
    if context.user_data is not None:
        context.user_data.waiting = step


def waiting_for(context: BotContext, kind: type[W]) -> W | None:
    """The step the bot waits in, if it is of this kind."""
    step = context.user_data.waiting if context.user_data is not None else None
    return step if isinstance(step, kind) else None


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
    keyboard: Keyboard | None = None,
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
            result = await message.edit_text(text, reply_markup=markup(keyboard))
            return result if isinstance(result, Message) else None
        except BadRequest as err:
            if "message is not modified" in str(err).lower():
                return None
            log.info("could not edit message %s (%s); sending a new one", message.id, err)
    chat = update.effective_chat
    if chat is None:
        return None
    return await chat.send_message(text, reply_markup=markup(keyboard))
