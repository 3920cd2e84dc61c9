"""Announcements: a trainer writes (any copyable message), picks cohorts, previews exactly
what learners will see, then sends now or schedules; scheduled ones can be cancelled.
Delivery itself is the background job in bot.jobs.announcements."""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.actions.announcements import (
    CancelAnnouncement,
    ChangeAudience,
    ChooseSendTime,
    DropAnnouncement,
    PreviewAnnouncement,
    ScheduledAnnouncements,
    SendAnnouncement,
    SendAt,
    ToEveryone,
    ToggleCohort,
    WriteAnnouncement,
)
from bot.channels.telegram.context import BotContext
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
from bot.waiting import AnnouncementText
from handlers.common import Turn, picked, show, turn, wait, waiting_for
from handlers.menu import require_ready
from handlers.trainers import is_trainer

COPYABLE = ("photo", "document", "voice", "audio", "video")


def _kind(message: Message) -> str | None:
    """What the trainer sent, if copyMessage can pass it on as it is."""
    if message.forward_origin is not None:
        return "forward"
    if message.text is not None:
        return "text"
    return next((kind for kind in COPYABLE if getattr(message, kind)), None)


async def _may_announce(update: Update, turn_: Turn, what: str) -> bool:
    """Onboarding done (else it is asked for, False) and a trainer or admin (else the button
    is refused as stale: learners cannot announce)."""
    if not await require_ready(update, turn_):
        return False
    if not is_trainer(turn_):
        raise StaleButton(what)
    return True


@turn
async def on_write(update: Update, context: BotContext, turn_: Turn) -> None:
    """Trainer menu → New announcement: wait for the message to announce."""
    picked(update, WriteAnnouncement)
    if not await _may_announce(update, turn_, "announce"):
        return
    wait(context, AnnouncementText(turn_.services.clock()))
    await show(update, render_compose_prompt(turn_.t), cancel_keyboard(turn_.t))


@turn
async def on_scheduled(update: Update, context: BotContext, turn_: Turn) -> None:
    """Trainer menu → Scheduled: the announcements waiting to go out, each with Cancel."""
    picked(update, ScheduledAnnouncements)
    if not await _may_announce(update, turn_, "announce"):
        return
    t = turn_.t
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
    if message is None or waiting_for(context, AnnouncementText) is None:
        return False
    if not is_trainer(turn_):
        return False
    kind = _kind(message)
    if kind is None:
        await show(update, render_not_copyable(turn_.t), cancel_keyboard(turn_.t), edit=False)
        return True
    wait(context, None)
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


# One handler per button of an announcement. The announcement being the trainer's own (and
# a cohort being one of theirs) is checked by the service, as is its status.


@turn
async def on_toggle_cohort(update: Update, context: BotContext, turn_: Turn) -> None:
    """Add a cohort to the recipients, or take it out."""
    action = picked(update, ToggleCohort)
    if not await _may_announce(update, turn_, "announcement"):
        return
    draft = await announcements.toggle_cohort(
        turn_.uow, turn_.user.id, action.announcement, action.cohort, _admin(turn_)
    )
    await _audience(update, turn_, draft)


@turn
async def on_to_everyone(update: Update, context: BotContext, turn_: Turn) -> None:
    """Admins: address every learner (or stop doing so)."""
    action = picked(update, ToEveryone)
    if not await _may_announce(update, turn_, "announcement"):
        return
    draft = await announcements.toggle_everyone(
        turn_.uow, turn_.user.id, action.announcement, _admin(turn_)
    )
    await _audience(update, turn_, draft)


@turn
async def on_change_audience(update: Update, context: BotContext, turn_: Turn) -> None:
    """From the preview, back to choosing the cohorts."""
    action = picked(update, ChangeAudience)
    if not await _may_announce(update, turn_, "announcement"):
        return
    draft = await announcements.draft(turn_.uow, turn_.user.id, action.announcement, _admin(turn_))
    await _audience(update, turn_, draft)


@turn
async def on_preview(update: Update, context: BotContext, turn_: Turn) -> None:
    """The message exactly as learners will get it, then send now, schedule or discard."""
    action = picked(update, PreviewAnnouncement)
    if await _may_announce(update, turn_, "announcement"):
        await _preview(update, turn_, action.announcement)


@turn
async def on_send_now(update: Update, context: BotContext, turn_: Turn) -> None:
    """Send now: the delivery job takes it from here."""
    action = picked(update, SendAnnouncement)
    if await _may_announce(update, turn_, "announcement"):
        await _send_now(update, turn_, action.announcement)


@turn
async def on_choose_send_time(update: Update, context: BotContext, turn_: Turn) -> None:
    """The slots to schedule a draft at, in the trainer's time zone."""
    action = picked(update, ChooseSendTime)
    if not await _may_announce(update, turn_, "announcement"):
        return
    t = turn_.t
    draft = await announcements.draft(turn_.uow, turn_.user.id, action.announcement, _admin(turn_))
    if draft.announcement.status != "draft":
        raise StaleButton("not a draft")
    zone = announcements.zone_of(turn_.user, turn_.language)
    choices = announcements.schedule_choices(turn_.services.clock(), zone)
    await show(
        update,
        render_schedule_prompt(t, zone),
        schedule_keyboard(t, action.announcement, choices, zone, turn_.language),
    )


@turn
async def on_send_at(update: Update, context: BotContext, turn_: Turn) -> None:
    """Schedule at one of the offered slots (the service refuses any slot it did not offer)."""
    action = picked(update, SendAt)
    if not await _may_announce(update, turn_, "announcement"):
        return
    t = turn_.t
    zone = announcements.zone_of(turn_.user, turn_.language)
    at = announcements.slot_time(turn_.services.clock(), zone, action.day, action.hour)
    await announcements.send_at(turn_.uow, turn_.user.id, action.announcement, at, _admin(turn_))
    await show(
        update,
        render_scheduled(t, at, zone, turn_.language),
        cancel_one_keyboard(t, action.announcement),
    )


@turn
async def on_drop(update: Update, context: BotContext, turn_: Turn) -> None:
    """Discard a draft."""
    action = picked(update, DropAnnouncement)
    if not await _may_announce(update, turn_, "announcement"):
        return
    t = turn_.t
    cancelled = await announcements.cancel(turn_.uow, turn_.user.id, action.announcement)
    text = render_discarded(t) if cancelled else render_cancelled(t, cancelled)
    await show(update, text, done_keyboard(t))


@turn
async def on_cancel(update: Update, context: BotContext, turn_: Turn) -> None:
    """Cancel a scheduled announcement, unless it already started."""
    action = picked(update, CancelAnnouncement)
    if not await _may_announce(update, turn_, "announcement"):
        return
    cancelled = await announcements.cancel(turn_.uow, turn_.user.id, action.announcement)
    await show(update, render_cancelled(turn_.t, cancelled), done_keyboard(turn_.t))


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
        progress_message_id=int(line) if line is not None else None,
    )


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    return [
        CallbackQueryHandler(on_write, pattern=WriteAnnouncement.matches),
        CallbackQueryHandler(on_scheduled, pattern=ScheduledAnnouncements.matches),
        CallbackQueryHandler(on_toggle_cohort, pattern=ToggleCohort.matches),
        CallbackQueryHandler(on_to_everyone, pattern=ToEveryone.matches),
        CallbackQueryHandler(on_change_audience, pattern=ChangeAudience.matches),
        CallbackQueryHandler(on_preview, pattern=PreviewAnnouncement.matches),
        CallbackQueryHandler(on_send_now, pattern=SendAnnouncement.matches),
        CallbackQueryHandler(on_choose_send_time, pattern=ChooseSendTime.matches),
        CallbackQueryHandler(on_send_at, pattern=SendAt.matches),
        CallbackQueryHandler(on_drop, pattern=DropAnnouncement.matches),
        CallbackQueryHandler(on_cancel, pattern=CancelAnnouncement.matches),
    ]
