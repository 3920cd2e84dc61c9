"""The single error handler: known errors get a translated answer, the rest an apology.

What it logs and sends to admins names the error's kind and place and an opaque reference
to the person (bot.redact), never the update's contents, an exception's message or a
Telegram id: those can carry what someone wrote, even an anonymous answer. The full error
goes to DEBUG only.
"""

from __future__ import annotations

import html
import logging
from datetime import timedelta

from sqlalchemy.exc import DBAPIError, OperationalError
from telegram import Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from bot.channels.telegram.context import BotContext
from bot.channels.telegram.replies import TelegramReplies
from bot.errors import APOLOGY, DB_DOWN, AppError, StaleButton
from bot.i18n import Translator
from bot.keyboards.menu import menu_keyboard
from bot.redact import error_summary, incident_ref, redacted_traceback, user_ref
from bot.screens import Keyboard, Screen
from bot.services import learners

log = logging.getLogger(__name__)

ALERT_INTERVAL = timedelta(minutes=1)


def _translator(update: Update | None, context: BotContext) -> Translator:
    services = context.services
    language = context.user_data.language if context.user_data else None
    if language is None and update is not None and update.effective_user is not None:
        language = services.i18n.negotiate(update.effective_user.language_code)
    return services.i18n.translator(language)


async def on_error(update: object, context: BotContext) -> None:
    """Log with context, tell the user in their language, alert admins at most once a minute."""
    error = context.error
    upd = update if isinstance(update, Update) else None
    if isinstance(error, BadRequest) and "message is not modified" in str(error).lower():
        return
    if isinstance(error, Forbidden):
        await _mark_blocked(upd, context)
        return
    if isinstance(error, AppError):
        t = _translator(upd, context)
        if upd is not None:
            keyboard = menu_keyboard(t) if isinstance(error, StaleButton) else None
            await _reply(upd, t.gettext(error.msgid), keyboard)
        return
    if isinstance(error, RetryAfter):
        log.warning("Telegram flood limit still hit after retries: %s", error)
        return

    incident = incident_ref()
    log.error(
        "update %s failed [%s]: %s\n%s",
        _describe(upd),
        incident,
        error_summary(error),
        redacted_traceback(error),
    )
    log.debug("[%s] in full (may hold what the user wrote):", incident, exc_info=error)
    database_down = isinstance(error, OperationalError | DBAPIError | ConnectionError | OSError)
    if upd is not None and not isinstance(error, NetworkError):
        t = _translator(upd, context)
        await _reply(upd, t.gettext(DB_DOWN if database_down else APOLOGY), None)
    await _alert_admins(context, error, incident)


async def _reply(update: Update, text: str, keyboard: Keyboard | None) -> None:
    try:
        screen = Screen(text, keyboard or Keyboard())
        await TelegramReplies(update, update.get_bot()).show(screen)
    except (NetworkError, Forbidden) as err:
        log.warning("could not tell the user about an error: %s", err)


async def _mark_blocked(update: Update | None, context: BotContext) -> None:
    if update is None or update.effective_user is None:
        return
    services = context.services
    who = user_ref(update.effective_user.id)
    try:
        async with services.uow() as uow:
            user_id = await uow.accounts.user_id("telegram", str(update.effective_user.id))
            if user_id is not None:
                await learners.mark_blocked(uow, user_id)
    except (OperationalError, DBAPIError, OSError) as err:
        log.warning("could not mark %s blocked: %s", who, error_summary(err))
    log.info("%s blocked the bot; no more messages until they write", who)


def _describe(update: Update | None) -> str:
    """The update's number, kind and an opaque reference to its person: no contents."""
    if update is None:
        return "(no update)"
    user = update.effective_user.id if update.effective_user else None
    kind = "callback" if update.callback_query else "message" if update.message else "other"
    return f"#{update.update_id} {kind} from {user_ref(user)}"


async def _alert_admins(context: BotContext, error: BaseException | None, incident: str) -> None:
    """Tell admins what broke and where, and the reference of its log line; never the
    error's message, which can quote what a person wrote."""
    services = context.services
    kind = type(error).__name__
    now = services.clock()
    last = services.admin_alerts.get(kind)
    if last is not None and now - last < ALERT_INTERVAL:
        return
    services.admin_alerts[kind] = now
    text = f"⚠️ <b>{html.escape(error_summary(error))}</b> (log: {incident})"
    for admin_id in services.settings.admin_ids:
        try:
            await context.bot.send_message(admin_id, text)
        except (NetworkError, Forbidden) as err:
            log.warning("could not alert admin %s: %s", user_ref(admin_id), err)
