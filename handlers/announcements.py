"""Announcements: a trainer writes (any copyable message), picks cohorts, previews exactly
what learners will see, then sends now or schedules; scheduled ones can be cancelled.
Delivery itself is the background job in bot.delivery."""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.callbacks import AnnouncementAction, TrainerMenu
from bot.context import BotContext
from bot.errors import StaleButton
from bot.keyboards.announcements import (
    audience_keyboard,
    cancel_one_keyboard,
    done_keyboard,
    preview_keyboard,
    schedule_keyboard,
    scheduled_keyboard,
)
from bot.keyboards.trainers import cancel_keyboard
from bot.services import announcements
from bot.services.announcements import Draft
from bot.views.announcements import (
    render_audience,
    render_cancelled,
    render_compose_prompt,
    render_discarded,
    render_not_copyable,
    render_preview_note,
    render_progress_line,
    render_schedule_prompt,
    render_scheduled,
    render_scheduled_list,
)
from handlers.common import Turn, picked, show, turn
from handlers.menu import require_ready
from handlers.trainers import current_step, is_trainer, set_step

COPYABLE = ("photo", "document", "voice", "audio", "video")


def _kind(message: Message) -> str | None:
    """What the trainer sent, if copyMessage can pass it on as it is."""
    if message.forward_origin is not None:
        return "forward"
    if message.text is not None:
        return "text"
    return next((kind for kind in COPYABLE if getattr(message, kind)), None)


def _is_menu_item(data: object) -> bool:
    return TrainerMenu.unpack(data) in (TrainerMenu("announce"), TrainerMenu("scheduled"))


@turn
async def on_menu(update: Update, context: BotContext, turn_: Turn) -> None:
    """Trainer menu → New announcement (wait for the message) or Scheduled (the list)."""
    item = picked(update, TrainerMenu)
    if not await require_ready(update, turn_):
        return
    if not is_trainer(turn_):
        raise StaleButton("announce")
    t = turn_.t
    if item.action == "announce":
        set_step(context, turn_, "announce")
        await show(update, render_compose_prompt(t), cancel_keyboard(t))
        return
    set_step(context, turn_, None)
    records = await announcements.scheduled(turn_.uow, turn_.user.id)
    zone = announcements.zone_of(turn_.user, turn_.language)
    await show(
        update,
        render_scheduled_list(t, records, zone, turn_.language),
        scheduled_keyboard(t, records),
    )


async def take_announcement(update: Update, context: BotContext, turn_: Turn) -> bool:
    """The message to announce, when the Trainer menu asked for one; False otherwise."""
    message = update.message
    if message is None or current_step(context, turn_) != "announce" or not is_trainer(turn_):
        return False
    kind = _kind(message)
    if kind is None:
        await show(update, render_not_copyable(turn_.t), cancel_keyboard(turn_.t), edit=False)
        return True
    set_step(context, turn_, None)
    announcement_id = await announcements.start_draft(
        turn_.uow, turn_.user.id, message.chat_id, message.message_id, kind, turn_.services.clock()
    )
    draft = await announcements.draft(turn_.uow, turn_.user.id, announcement_id, _admin(turn_))
    await show(
        update, render_audience(turn_.t, draft), audience_keyboard(turn_.t, draft), edit=False
    )
    return True


def _admin(turn_: Turn) -> bool:
    return turn_.is_admin


async def _audience(update: Update, turn_: Turn, draft: Draft) -> None:
    await show(update, render_audience(turn_.t, draft), audience_keyboard(turn_.t, draft))


@turn
async def on_announcement(update: Update, context: BotContext, turn_: Turn) -> None:
    """Audience, preview, send now, schedule, discard or cancel one announcement."""
    action = picked(update, AnnouncementAction)
    if not await require_ready(update, turn_):
        return
    if not is_trainer(turn_):
        raise StaleButton("announcement")
    ids = action.ints(1)
    if ids is None:
        raise StaleButton(action.value)
    announcement_id, name = ids[0], action.action
    uow, user_id, admin, t = turn_.uow, turn_.user.id, _admin(turn_), turn_.t
    now = turn_.services.clock()
    if name == "to" and (pair := action.ints(2)) is not None:
        await _audience(
            update,
            turn_,
            await announcements.toggle_cohort(uow, user_id, announcement_id, pair[1], admin),
        )
    elif name == "all":
        await _audience(
            update,
            turn_,
            await announcements.toggle_everyone(uow, user_id, announcement_id, admin),
        )
    elif name == "back":
        await _audience(
            update, turn_, await announcements.draft(uow, user_id, announcement_id, admin)
        )
    elif name == "next":
        await _preview(update, turn_, announcement_id)
    elif name == "send":
        await _send_now(update, turn_, announcement_id)
    elif name == "when":
        draft = await announcements.draft(uow, user_id, announcement_id, admin)
        if draft.announcement.status != "draft":
            raise StaleButton("not a draft")
        zone = announcements.zone_of(turn_.user, turn_.language)
        choices = announcements.schedule_choices(now, zone)
        await show(
            update,
            render_schedule_prompt(t, zone),
            schedule_keyboard(t, announcement_id, choices, zone, turn_.language),
        )
    elif name == "at" and (slot := action.ints(3)) is not None:
        zone = announcements.zone_of(turn_.user, turn_.language)
        at = announcements.slot_time(now, zone, slot[1], slot[2])
        await announcements.send_at(uow, user_id, announcement_id, at, admin)
        await show(
            update,
            render_scheduled(t, at, zone, turn_.language),
            cancel_one_keyboard(t, announcement_id),
        )
    elif name in ("drop", "cancel"):
        cancelled = await announcements.cancel(uow, user_id, announcement_id)
        text = (
            render_discarded(t) if name == "drop" and cancelled else render_cancelled(t, cancelled)
        )
        await show(update, text, done_keyboard(t))
    else:
        raise StaleButton(action.value)


async def _preview(update: Update, turn_: Turn, announcement_id: int) -> None:
    """Copy the message to the trainer exactly as learners will get it, then the choices."""
    draft = await announcements.draft(turn_.uow, turn_.user.id, announcement_id, _admin(turn_))
    record = draft.announcement
    if record.status != "draft" or draft.audience == 0:
        raise StaleButton("nothing to preview")
    chat = update.effective_chat
    if chat is None:
        return
    await update.get_bot().copy_message(chat.id, record.source_chat_id, record.source_message_id)
    await show(
        update,
        render_preview_note(turn_.t, draft),
        preview_keyboard(turn_.t, announcement_id),
        edit=False,
    )


async def _send_now(update: Update, turn_: Turn, announcement_id: int) -> None:
    """Queue it for the delivery job; this message becomes the progress line."""
    draft = await announcements.draft(turn_.uow, turn_.user.id, announcement_id, _admin(turn_))
    if draft.announcement.status != "draft" or draft.audience == 0:
        raise StaleButton("already sent")
    line = await show(update, render_progress_line(turn_.t, {}, final=False))
    await announcements.send_at(
        turn_.uow,
        turn_.user.id,
        announcement_id,
        turn_.services.clock(),
        _admin(turn_),
        progress_message_id=line.message_id if line is not None else None,
    )


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    return [
        CallbackQueryHandler(on_menu, pattern=_is_menu_item),
        CallbackQueryHandler(on_announcement, pattern=AnnouncementAction.matches),
    ]
