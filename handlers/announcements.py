"""Announcements: a trainer writes (any copyable message), picks cohorts, previews exactly
what learners will see, then sends now or schedules; scheduled ones can be cancelled.
Delivery itself is the background job in bot.jobs.announcements."""

from __future__ import annotations

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
from bot.conversation.events import Media, Typed
from bot.conversation.router import Router
from bot.db.repositories import AnnouncementContent
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
from handlers.common import Turn, picked, show, wait, waiting_for
from handlers.menu import require_ready
from handlers.trainers import is_trainer


async def _content(turn_: Turn) -> AnnouncementContent | None:
    """What the trainer sent, kept as it is (the text with its formatting, our own copy of
    the file); None for what cannot be announced (a sticker, a location)."""
    event = turn_.event
    if isinstance(event, Typed):
        return AnnouncementContent("text", event.html)
    if not isinstance(event, Media):
        return None
    if event.size is not None and event.size > announcements.MAX_FILE_MB * 1024 * 1024:
        raise announcements.FileTooLarge()
    data = await turn_.reply.fetch(event.file_id)
    if len(data) > announcements.MAX_FILE_MB * 1024 * 1024:
        raise announcements.FileTooLarge()
    return AnnouncementContent(event.kind, event.caption_html, data, event.name, event.mime)


async def _may_announce(turn_: Turn, what: str) -> bool:
    """Onboarding done (else it is asked for, False) and a trainer or admin (else the button
    is refused as stale: learners cannot announce)."""
    if not await require_ready(turn_):
        return False
    if not is_trainer(turn_):
        raise StaleButton(what)
    return True


async def on_write(turn_: Turn) -> None:
    """Trainer menu → New announcement: wait for the message to announce."""
    picked(turn_, WriteAnnouncement)
    if not await _may_announce(turn_, "announce"):
        return
    wait(turn_, AnnouncementText(turn_.services.clock()))
    await show(turn_, render_compose_prompt(turn_.t), cancel_keyboard(turn_.t))


async def on_scheduled(turn_: Turn) -> None:
    """Trainer menu → Scheduled: the announcements waiting to go out, each with Cancel."""
    picked(turn_, ScheduledAnnouncements)
    if not await _may_announce(turn_, "announce"):
        return
    t = turn_.t
    records = await announcements.scheduled(turn_.uow, turn_.user.id)
    zone = announcements.zone_of(turn_.user, turn_.language)
    await show(
        turn_,
        render_scheduled_list(t, records, zone, turn_.language),
        scheduled_keyboard(t, records),
    )


async def take_announcement(turn_: Turn) -> bool:
    """The message to announce, when the Trainer menu asked for one; False otherwise."""
    if waiting_for(turn_, AnnouncementText) is None or not is_trainer(turn_):
        return False
    try:
        content = await _content(turn_)
    except announcements.FileTooLarge as err:
        await show(turn_, turn_.t.gettext(err.msgid), cancel_keyboard(turn_.t), edit=False)
        return True
    if content is None:
        await show(turn_, render_not_copyable(turn_.t), cancel_keyboard(turn_.t), edit=False)
        return True
    wait(turn_, None)
    announcement_id = await announcements.start_draft(
        turn_.uow, turn_.user.id, content, turn_.services.clock()
    )
    draft = await announcements.draft(turn_.uow, turn_.user.id, announcement_id, _admin(turn_))
    await show(
        turn_, render_audience(turn_.t, draft), audience_keyboard(turn_.t, draft), edit=False
    )
    return True


def _admin(turn_: Turn) -> bool:
    return turn_.is_admin


async def _audience(turn_: Turn, draft: Draft) -> None:
    await show(turn_, render_audience(turn_.t, draft), audience_keyboard(turn_.t, draft))


# One handler per button of an announcement. The announcement being the trainer's own (and
# a cohort being one of theirs) is checked by the service, as is its status.


async def on_toggle_cohort(turn_: Turn) -> None:
    """Add a cohort to the recipients, or take it out."""
    action = picked(turn_, ToggleCohort)
    if not await _may_announce(turn_, "announcement"):
        return
    draft = await announcements.toggle_cohort(
        turn_.uow, turn_.user.id, action.announcement, action.cohort, _admin(turn_)
    )
    await _audience(turn_, draft)


async def on_to_everyone(turn_: Turn) -> None:
    """Admins: address every learner (or stop doing so)."""
    action = picked(turn_, ToEveryone)
    if not await _may_announce(turn_, "announcement"):
        return
    draft = await announcements.toggle_everyone(
        turn_.uow, turn_.user.id, action.announcement, _admin(turn_)
    )
    await _audience(turn_, draft)


async def on_change_audience(turn_: Turn) -> None:
    """From the preview, back to choosing the cohorts."""
    action = picked(turn_, ChangeAudience)
    if not await _may_announce(turn_, "announcement"):
        return
    draft = await announcements.draft(turn_.uow, turn_.user.id, action.announcement, _admin(turn_))
    await _audience(turn_, draft)


async def on_preview(turn_: Turn) -> None:
    """The message exactly as learners will get it, then send now, schedule or discard."""
    action = picked(turn_, PreviewAnnouncement)
    if await _may_announce(turn_, "announcement"):
        await _preview(turn_, action.announcement)


async def on_send_now(turn_: Turn) -> None:
    """Send now: the delivery job takes it from here."""
    action = picked(turn_, SendAnnouncement)
    if await _may_announce(turn_, "announcement"):
        await _send_now(turn_, action.announcement)


async def on_choose_send_time(turn_: Turn) -> None:
    """The slots to schedule a draft at, in the trainer's time zone."""
    action = picked(turn_, ChooseSendTime)
    if not await _may_announce(turn_, "announcement"):
        return
    t = turn_.t
    draft = await announcements.draft(turn_.uow, turn_.user.id, action.announcement, _admin(turn_))
    if draft.announcement.status != "draft":
        raise StaleButton("not a draft")
    zone = announcements.zone_of(turn_.user, turn_.language)
    choices = announcements.schedule_choices(turn_.services.clock(), zone)
    await show(
        turn_,
        render_schedule_prompt(t, zone),
        schedule_keyboard(t, action.announcement, choices, zone, turn_.language),
    )


async def on_send_at(turn_: Turn) -> None:
    """Schedule at one of the offered slots (the service refuses any slot it did not offer)."""
    action = picked(turn_, SendAt)
    if not await _may_announce(turn_, "announcement"):
        return
    t = turn_.t
    zone = announcements.zone_of(turn_.user, turn_.language)
    at = announcements.slot_time(turn_.services.clock(), zone, action.day, action.hour)
    await announcements.send_at(turn_.uow, turn_.user.id, action.announcement, at, _admin(turn_))
    await show(
        turn_,
        render_scheduled(t, at, zone, turn_.language),
        cancel_one_keyboard(t, action.announcement),
    )


async def on_drop(turn_: Turn) -> None:
    """Discard a draft."""
    action = picked(turn_, DropAnnouncement)
    if not await _may_announce(turn_, "announcement"):
        return
    t = turn_.t
    cancelled = await announcements.cancel(turn_.uow, turn_.user.id, action.announcement)
    text = render_discarded(t) if cancelled else render_cancelled(t, cancelled)
    await show(turn_, text, done_keyboard(t))


async def on_cancel(turn_: Turn) -> None:
    """Cancel a scheduled announcement, unless it already started."""
    action = picked(turn_, CancelAnnouncement)
    if not await _may_announce(turn_, "announcement"):
        return
    cancelled = await announcements.cancel(turn_.uow, turn_.user.id, action.announcement)
    await show(turn_, render_cancelled(turn_.t, cancelled), done_keyboard(turn_.t))


async def _preview(turn_: Turn, announcement_id: int) -> None:
    """Send the message to the trainer exactly as learners will get it, then the choices."""
    draft = await announcements.draft(turn_.uow, turn_.user.id, announcement_id, _admin(turn_))
    record = draft.announcement
    if record.status != "draft" or draft.audience == 0:
        raise StaleButton("nothing to preview")
    channel = turn_.services.channels.get(turn_.person.platform)
    if channel is None:
        return
    content = await announcements.content(turn_.uow, announcement_id)
    await announcements.deliver(channel, turn_.person.address, content)
    await show(
        turn_,
        render_preview_note(turn_.t, draft),
        preview_keyboard(turn_.t, announcement_id),
        edit=False,
    )


async def _send_now(turn_: Turn, announcement_id: int) -> None:
    """Queue it for the delivery job; this message becomes the progress line."""
    draft = await announcements.draft(turn_.uow, turn_.user.id, announcement_id, _admin(turn_))
    if draft.announcement.status != "draft" or draft.audience == 0:
        raise StaleButton("already sent")
    line = await show(turn_, render_progress_line(turn_.t, {}, final=False))
    await announcements.send_at(
        turn_.uow,
        turn_.user.id,
        announcement_id,
        turn_.services.clock(),
        _admin(turn_),
        progress_ref=line,
    )


def routes(router: Router) -> None:
    router.action(WriteAnnouncement, on_write)
    router.action(ScheduledAnnouncements, on_scheduled)
    router.action(ToggleCohort, on_toggle_cohort)
    router.action(ToEveryone, on_to_everyone)
    router.action(ChangeAudience, on_change_audience)
    router.action(PreviewAnnouncement, on_preview)
    router.action(SendAnnouncement, on_send_now)
    router.action(ChooseSendTime, on_choose_send_time)
    router.action(SendAt, on_send_at)
    router.action(DropAnnouncement, on_drop)
    router.action(CancelAnnouncement, on_cancel)
