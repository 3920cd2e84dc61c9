"""Announcements: a trainer's message, its audience, when it goes, and its delivery.

Writing one: the trainer's message becomes a draft (its text and our own copy of its
file, so it can reach learners on any channel), they pick cohorts (admins may pick
everyone), see a preview, then send now or schedule it. Delivery (bot.jobs.announcements)
turns a due announcement into one row per recipient in one transaction, then leases rows
in batches, sends, and records each outcome, so a restart resumes from the rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.config import TemplatePurpose
from bot.conversation.ports import Attempt, Channel, FileKind, OutFile, Unprompted
from bot.db.repositories import (
    AnnouncementContent,
    AnnouncementRecord,
    ClaimedCopy,
    CohortRecord,
    Delivered,
)
from bot.db.repositories.users import UserRecord
from bot.db.uow import UnitOfWork
from bot.errors import AppError, NotYourCohort, StaleButton
from bot.i18n import N_
from bot.services.deliveries import ref_digest
from bot.services.zones import load_zone, suggested_zone

LEASE = timedelta(minutes=2)  # far longer than a batch takes at 30 messages a second
BATCH = 100
# Scheduling: the next few days at a few hours, in the trainer's time zone.
SCHEDULE_DAYS = 3
SCHEDULE_HOURS = (8, 12, 18)


@dataclass(frozen=True, slots=True)
class Draft:
    """An announcement being written, with what the trainer can pick from."""

    announcement: AnnouncementRecord
    cohorts: list[CohortRecord]  # the author's cohorts
    may_announce_to_everyone: bool
    audience: int


# Telegram lets a bot download files of up to 20 MB: larger ones cannot be kept.
MAX_FILE_MB = 20
FILE_KINDS: tuple[FileKind, ...] = ("document", "photo", "voice", "audio", "video")
_EXTENSIONS = {"photo": "jpg", "voice": "ogg", "audio": "mp3", "video": "mp4"}


class FileTooLarge(AppError):
    msgid = N_("This file is too big to announce. Please send a smaller one (up to 20 MB).")


async def content(uow: UnitOfWork, announcement_id: int) -> AnnouncementContent:
    found = await uow.announcements.content(announcement_id)
    if found is None:
        raise StaleButton(str(announcement_id))
    return found


def unprompted(language: str | None, last_wrote: datetime | None, default: str) -> Unprompted:
    """What a channel with a reply window needs to send a learner an announcement."""
    return Unprompted(TemplatePurpose.ANNOUNCEMENT, language or default, last_wrote, recorded=True)


async def deliver(
    channel: Channel,
    address: str,
    content: AnnouncementContent,
    to_learner: Unprompted | None = None,
) -> Attempt:
    """Send an announcement to one person as it was written: the same for the preview the
    author sees and for every learner (`to_learner`: sent on the bot's own initiative)."""
    if content.legacy is not None:
        chat_id, message_id = content.legacy
        return await channel.copy(address, str(chat_id), str(message_id))
    if content.media is not None:
        kind: FileKind = next((k for k in FILE_KINDS if k == content.kind), "document")
        name = content.media_name or f"announcement.{_EXTENSIONS.get(kind, 'bin')}"
        file = OutFile(content.media, name, kind, content.media_mime)
        return await channel.send_file(address, file, content.body or None, unprompted=to_learner)
    return await channel.send(address, content.body or "", unprompted=to_learner)


async def start_draft(
    uow: UnitOfWork, author_id: int, content: AnnouncementContent, now: datetime
) -> int:
    announcement_id = await uow.announcements.add_draft(author_id, content, now)
    await uow.commit()
    return announcement_id


async def _own(uow: UnitOfWork, author_id: int, announcement_id: int) -> AnnouncementRecord:
    record = await uow.announcements.get(announcement_id)
    if record is None or record.author_id != author_id:
        raise StaleButton(str(announcement_id))
    return record


async def draft(uow: UnitOfWork, author_id: int, announcement_id: int, is_admin: bool) -> Draft:
    record = await _own(uow, author_id, announcement_id)
    audience = await uow.announcements.count_audience(
        author_id, record.cohort_ids, record.everyone and is_admin
    )
    return Draft(record, await uow.cohorts.of_trainer(author_id), is_admin, audience)


async def toggle_cohort(
    uow: UnitOfWork, author_id: int, announcement_id: int, cohort_id: int, is_admin: bool
) -> Draft:
    record = await _own(uow, author_id, announcement_id)
    if record.status != "draft":
        raise StaleButton("not a draft")
    cohort = await uow.cohorts.get(cohort_id)
    if cohort is None or cohort.trainer_id != author_id:
        raise NotYourCohort(str(cohort_id))
    chosen = set(record.cohort_ids) ^ {cohort_id}
    await uow.announcements.set_audience(announcement_id, sorted(chosen), False)
    await uow.commit()
    return await draft(uow, author_id, announcement_id, is_admin)


async def toggle_everyone(
    uow: UnitOfWork, author_id: int, announcement_id: int, is_admin: bool
) -> Draft:
    record = await _own(uow, author_id, announcement_id)
    if not is_admin or record.status != "draft":
        raise StaleButton("everyone")
    await uow.announcements.set_audience(announcement_id, [], not record.everyone)
    await uow.commit()
    return await draft(uow, author_id, announcement_id, is_admin)


async def send_at(
    uow: UnitOfWork,
    author_id: int,
    announcement_id: int,
    at: datetime,
    is_admin: bool,
    progress_ref: str | None = None,
) -> Draft:
    """Schedule the draft (now or later); a second press or an empty audience changes
    nothing (StaleButton). `progress_ref`: the author's message to edit while it goes
    out."""
    current = await draft(uow, author_id, announcement_id, is_admin)
    if current.audience == 0 or current.announcement.status != "draft":
        raise StaleButton("nothing to send")
    if not await uow.announcements.schedule(announcement_id, at, progress_ref):
        raise StaleButton("already scheduled")
    await uow.commit()
    return await draft(uow, author_id, announcement_id, is_admin)


async def set_progress_ref(uow: UnitOfWork, announcement_id: int, ref: str) -> None:
    await uow.announcements.set_progress_ref(announcement_id, ref)
    await uow.commit()


async def cancel(uow: UnitOfWork, author_id: int, announcement_id: int) -> bool:
    """Cancel a draft or a scheduled announcement; False once it has started going out."""
    await _own(uow, author_id, announcement_id)
    cancelled = await uow.announcements.cancel(announcement_id)
    await uow.commit()
    return cancelled


async def scheduled(uow: UnitOfWork, author_id: int) -> list[AnnouncementRecord]:
    return await uow.announcements.scheduled_of(author_id)


def zone_of(user: UserRecord, language: str) -> ZoneInfo:
    """The trainer's time zone (set with reminders), or the one suggested for the language."""
    zone = load_zone(user.time_zone) if user.time_zone else None
    return zone or ZoneInfo(suggested_zone(language))


def schedule_choices(now: datetime, zone: ZoneInfo) -> list[tuple[int, int, datetime]]:
    """(day offset, hour, UTC time) of the slots offered, in the trainer's zone, future only."""
    today = now.astimezone(zone).date()
    choices = []
    for offset in range(SCHEDULE_DAYS):
        day = today + timedelta(days=offset)
        for hour in SCHEDULE_HOURS:
            local = datetime(day.year, day.month, day.day, hour, tzinfo=zone)
            if local > now:
                choices.append((offset, hour, local.astimezone(ZoneInfo("UTC"))))
    return choices


def slot_time(now: datetime, zone: ZoneInfo, offset: int, hour: int) -> datetime:
    """The UTC time of a slot button; slots not offered (forged or past) raise StaleButton."""
    for day, slot_hour, at in schedule_choices(now, zone):
        if (day, slot_hour) == (offset, hour):
            return at
    raise StaleButton(f"{offset}-{hour}")


# --- delivery --------------------------------------------------------------------------------


async def has_work(uow: UnitOfWork, now: datetime) -> bool:
    """Anything to start, send or close. A separate read transaction (ended here): on SQLite
    a transaction that read cannot write once another connection committed meanwhile."""
    due, ready, sending = await uow.announcements.work_waiting(now)
    await uow.commit()
    return due or ready or sending


async def start_due(uow: UnitOfWork, now: datetime) -> list[AnnouncementRecord]:
    """Start the due announcements: their recipients written, all in one commit."""
    started = await uow.announcements.start_due(now)
    await uow.commit()
    return started


async def claim(uow: UnitOfWork, now: datetime, limit: int = BATCH) -> list[ClaimedCopy]:
    """Lease a batch of copies to send and commit the lease before anything is sent."""
    claimed = await uow.announcements.claim(now, now + LEASE, limit)
    await uow.commit()
    return claimed


async def record(
    uow: UnitOfWork, copy: ClaimedCopy, state: Delivered, now: datetime, ref: str | None = None
) -> None:
    """The copy's outcome; `ref`: the channel's id for it, where the channel reports its
    delivery later (only a digest is kept)."""
    digest = ref_digest(ref) if ref is not None else None
    await uow.announcements.record(copy.id, state, now, digest)
    if state is Delivered.BLOCKED:
        await uow.users.mark_blocked(copy.user_id)
    await uow.commit()


async def retry_later(uow: UnitOfWork, copy: ClaimedCopy, at: datetime) -> None:
    """The copy surely did not go out (flood limit, no connection, shutting down)."""
    await uow.announcements.release(copy.id, at)
    await uow.commit()


async def counts(uow: UnitOfWork, announcement_id: int) -> dict[Delivered, int]:
    return await uow.announcements.counts(announcement_id)


async def finish(uow: UnitOfWork, now: datetime) -> list[int]:
    done = await uow.announcements.finish_complete(now)
    await uow.commit()
    return done


async def in_delivery(uow: UnitOfWork) -> list[AnnouncementRecord]:
    return await uow.announcements.sending()
