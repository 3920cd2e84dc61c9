"""The user blocked or unblocked the bot (my_chat_member): nothing to answer, only state.

Telegram tells a bot when a user blocks or unblocks it. Blocking is also learnt from a 403
on the next send; unblocking otherwise only shows when the user writes, so a learner who
unblocks the bot and waits would never hear their reminders again.
"""

from __future__ import annotations

from telegram import ChatMember, ChatMemberUpdated, Update
from telegram.constants import ChatType
from telegram.ext import BaseHandler, ChatMemberHandler

from bot.channels.telegram.context import BotContext
from bot.services import learners


async def on_my_chat_member(update: Update, context: BotContext) -> None:
    change: ChatMemberUpdated | None = update.my_chat_member
    if change is None or change.chat.type != ChatType.PRIVATE:
        return
    services = context.services
    now = services.clock()
    blocked = change.new_chat_member.status == ChatMember.BANNED
    was_blocked = change.old_chat_member.status == ChatMember.BANNED
    if blocked == was_blocked:
        return
    async with services.uow() as uow:
        user_id = await uow.accounts.user_id("telegram", str(change.chat.id))
        if user_id is None:
            return  # someone the bot does not know: nothing to mark
        if blocked:
            await learners.mark_blocked(uow, user_id)
        else:
            await learners.unblocked(uow, user_id, now)


def handler() -> BaseHandler[Update, BotContext, None]:
    return ChatMemberHandler(on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER)
