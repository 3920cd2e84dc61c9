"""What every handler shares: the turn, the pressed action, showing a screen, waiting.

Handlers converted to the neutral core take one `Turn` (bot.conversation.turn). The rest
still take PTB's (update, context, turn): `turn` wraps them into the same take_turn, and
`show`, `picked`, `wait` and `waiting_for` accept either form until every feature is moved.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from telegram import Update

from bot.actions import Action
from bot.channels.telegram.context import BotContext
from bot.channels.telegram.dispatch import answer_quietly, read, run_turn
from bot.conversation import turn as core
from bot.conversation.turn import Turn
from bot.errors import StaleButton
from bot.screens import Keyboard
from bot.waiting import Wait

__all__ = ["Turn", "answer_quietly", "picked", "show", "turn", "wait", "waiting_for"]

C = TypeVar("C", bound=Action)
W = TypeVar("W", bound=Wait)


def picked(source: Update | Turn, kind: type[C]) -> C:
    """The pressed button's parsed data; stale or forged data raises StaleButton."""
    if isinstance(source, Turn):
        return core.picked(source, kind)
    data = kind.unpack(source.callback_query.data if source.callback_query else None)
    if data is None:
        raise StaleButton(kind.PREFIX)
    return data


TurnHandler = Callable[[Update, BotContext, Turn], Coroutine[Any, Any, None]]
UpdateHandler = Callable[[Update, BotContext], Coroutine[Any, Any, None]]


def turn(fn: TurnHandler) -> UpdateHandler:
    """Run a PTB-style handler as a turn of the neutral core."""

    @functools.wraps(fn)
    async def wrapper(update: Update, context: BotContext) -> None:
        read_ = read(update)
        if read_ is None:
            return
        person, event = read_

        async def handler(turn_: Turn) -> None:
            await fn(update, context, turn_)

        await run_turn(update, context, person, event, handler)

    return wrapper


def wait(source: BotContext | Turn, step: Wait | None) -> None:
    """Wait for a typed message (saved at the end of the update), or stop waiting."""
    if isinstance(source, Turn):
        core.wait(source, step)
    elif source.user_data is not None:
        source.user_data.waiting = step


def waiting_for(source: BotContext | Turn, kind: type[W]) -> W | None:
    """The step the bot waits in, if it is of this kind."""
    if isinstance(source, Turn):
        return core.waiting_for(source, kind)
    step = source.user_data.waiting if source.user_data is not None else None
    return step if isinstance(step, kind) else None


async def show(
    source: Update | Turn,
    text: str,
    keyboard: Keyboard | None = None,
    *,
    edit: bool = True,
) -> str | None:
    """Show a screen: in place of the pressed message where the channel can, else anew."""
    if isinstance(source, Turn):
        return await source.reply.show(text, keyboard, edit=edit)
    from bot.channels.telegram.replies import TelegramReplies

    return await TelegramReplies(source, source.get_bot()).show(text, keyboard, edit=edit)
