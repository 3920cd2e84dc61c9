"""Reminders: the learner's settings, and the dispatcher's claim, decision and record.

The dispatcher's steps are separate transactions so that nothing is held open while a
message goes out: `claim_due` leases due rows and commits, `prepare` decides each (writing
the ones not sent), the caller sends, then `record` writes what happened. A dispatcher that
dies after the claim leaves rows leased; when the lease runs out they are claimed again, and
the grace rule decides whether they are still worth sending.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.content import CardPlace, Course
from bot.db.repositories import (
    AccountRecord,
    Outcome,
    ReminderCounts,
    ReminderRecord,
    UserRecord,
)
from bot.db.uow import UnitOfWork
from bot.errors import StaleButton
from bot.services.deliveries import ref_digest
from bot.services.schedule import (
    EVENING,
    EVERY_DAY,
    WEEK,
    Action,
    ReminderState,
    ReminderTime,
    days_to_mask,
    decide,
    first_due,
    mask_to_days,
)
from bot.services.zones import load_zone, suggested_zone

LEASE = timedelta(minutes=5)  # far longer than sending one batch takes
BATCH = 100
LOG_KEPT = timedelta(days=31)
DEFAULT_TIME = ReminderTime(EVERY_DAY, EVENING)


@dataclass(frozen=True, slots=True)
class ReminderSettings:
    """What the settings screen shows."""

    enabled: bool
    when: ReminderTime
    zone: str  # the learner's zone, or the one suggested for their language
    next_due_at: datetime | None


def _zone_name(user: UserRecord, language: str) -> str:
    if user.time_zone is not None and load_zone(user.time_zone) is not None:
        return user.time_zone
    return suggested_zone(language)


def _settings(user: UserRecord, language: str, record: ReminderRecord | None) -> ReminderSettings:
    if record is None:
        return ReminderSettings(False, DEFAULT_TIME, _zone_name(user, language), None)
    return ReminderSettings(
        enabled=record.enabled,
        when=ReminderTime(mask_to_days(record.days), record.hour),
        zone=_zone_name(user, language),
        next_due_at=record.next_due_at,
    )


async def current(uow: UnitOfWork, user: UserRecord, language: str) -> ReminderSettings:
    """The learner's reminder settings (defaults, off, if they never chose)."""
    return _settings(user, language, await uow.reminders.get(user.id))


async def _save(
    uow: UnitOfWork,
    user: UserRecord,
    zone: str,
    now: datetime,
    *,
    enabled: bool,
    when: ReminderTime,
) -> ReminderSettings:
    """Store the settings (and the zone, so it stays fixed once used) with a fresh due time."""
    if user.time_zone != zone:
        await uow.users.set_time_zone(user.id, zone)
    due = first_due(now, user.last_seen_at, when, ZoneInfo(zone)) if enabled else None
    await uow.reminders.save(
        user.id, enabled=enabled, days=days_to_mask(when.days), hour=when.hour, next_due_at=due
    )
    await uow.commit()
    return ReminderSettings(enabled, when, zone, due)


async def turn_on(
    uow: UnitOfWork,
    user: UserRecord,
    language: str,
    now: datetime,
    when: ReminderTime | None = None,
) -> ReminderSettings:
    """Turn reminders on at `when`, or with the saved (or default: every evening) choice."""
    settings = await current(uow, user, language)
    return await _save(uow, user, settings.zone, now, enabled=True, when=when or settings.when)


async def turn_off(uow: UnitOfWork, user_id: int) -> bool:
    """Turn reminders off, keeping the choice; return whether they were on."""
    record = await uow.reminders.get(user_id)
    if record is None or not record.enabled:
        return False
    await uow.reminders.save(
        user_id, enabled=False, days=record.days, hour=record.hour, next_due_at=None
    )
    await uow.commit()
    return True


async def change_time(
    uow: UnitOfWork,
    user: UserRecord,
    language: str,
    now: datetime,
    *,
    days: frozenset[int] | None = None,
    hour: int | None = None,
) -> ReminderSettings:
    """Change the days or the hour; invalid values (forged buttons) raise StaleButton."""
    settings = await current(uow, user, language)
    try:
        when = ReminderTime(
            settings.when.days if days is None else days,
            settings.when.hour if hour is None else hour,
        )
    except ValueError as err:
        raise StaleButton(str(err)) from err
    return await _save(uow, user, settings.zone, now, enabled=settings.enabled, when=when)


async def toggle_day(
    uow: UnitOfWork, user: UserRecord, language: str, day: int, now: datetime
) -> ReminderSettings:
    """Add or remove one weekday; the last chosen day cannot be removed."""
    settings = await current(uow, user, language)
    days = settings.when.days ^ {day}
    if not days:
        return settings
    return await change_time(uow, user, language, now, days=days)


async def set_zone(
    uow: UnitOfWork, user: UserRecord, language: str, zone: str, now: datetime
) -> ReminderSettings:
    """Save the learner's time zone (checked by the caller) and reschedule."""
    settings = await current(uow, user, language)
    return await _save(uow, user, zone, now, enabled=settings.enabled, when=settings.when)


async def stats(uow: UnitOfWork, now: datetime) -> ReminderCounts:
    """Opted in, sent and skipped today (UTC), and opted-in learners who blocked the bot."""
    day_start = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return await uow.reminders.counts(day_start)


# --- the dispatcher --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Delivery:
    """A reminder to send now."""

    user_id: int
    language: str | None
    due_at: datetime
    place: CardPlace  # where the learner stopped (or the first card)
    next_due_at: datetime  # once it went out
    platform: str  # the channel that reaches them
    address: str  # where that channel sends to reach them
    last_wrote: datetime | None = None  # their last message on that channel, where kept


async def claim_due(uow: UnitOfWork, now: datetime, limit: int = BATCH) -> list[int]:
    """Lease up to `limit` due reminders and commit the claim, before anything is sent."""
    user_ids = await uow.reminders.claim(now, now + LEASE, limit)
    await uow.commit()
    return user_ids


async def prune_log(uow: UnitOfWork, now: datetime) -> None:
    """Forget outcomes older than LOG_KEPT (the weekly limit needs only the last week)."""
    await uow.reminders.prune_log(now - LOG_KEPT)
    await uow.commit()


async def where_stopped(uow: UnitOfWork, course: Course, user_id: int, language: str) -> CardPlace:
    """The card the learner last opened, or the course's first card."""
    last = await uow.progress.last_seen(user_id)
    place = course.place(language, last.card_id) if last else None
    if place is None:
        first = course.modules_in(language)[0].card_ids[0]
        place = course.place(language, first)
    assert place is not None, "the content check guarantees a first card"
    return place


async def prepare(
    uow: UnitOfWork,
    course: Course,
    user_ids: Sequence[int],
    now: datetime,
    platforms: Collection[str] = ("telegram",),
) -> list[Delivery]:
    """Decide each claimed reminder; write the ones not sent now and return those to send.

    Each goes to the learner's oldest account on one of `platforms` (the channels this
    process runs); a learner with none cannot be reached: skipped.
    """
    if not user_ids:
        return []
    rows = await uow.reminders.load_due(user_ids)
    sends = await uow.reminders.sends_since(user_ids, now - WEEK)
    reach: dict[int, AccountRecord] = {}
    for account in await uow.accounts.of_users(list(user_ids)):
        if account.platform in platforms:
            reach.setdefault(account.user_id, account)
    deliveries: list[Delivery] = []
    for row in rows:
        language = row.language or "en"
        tz = load_zone(row.time_zone) or ZoneInfo(suggested_zone(language))
        decision = decide(
            now,
            ReminderState(
                when=ReminderTime(mask_to_days(row.days), row.hour),
                tz=tz,
                due_at=row.due_at,
                last_seen_at=row.last_seen_at,
                recent_sends=tuple(sends.get(row.user_id, ())),
                blocked=row.blocked,
                opted_out=row.opted_out,
            ),
        )
        found = reach.get(row.user_id)
        if decision.action is Action.SEND and decision.next_due_at is not None and found:
            place = await where_stopped(uow, course, row.user_id, language)
            deliveries.append(
                Delivery(
                    row.user_id,
                    row.language,
                    row.due_at,
                    place,
                    decision.next_due_at,
                    found.platform,
                    found.address,
                    found.last_inbound_at,
                )
            )
            continue
        await uow.reminders.finish(row.user_id, decision.next_due_at)
        if decision.action is Action.SKIP:
            await uow.reminders.log(row.user_id, row.due_at, now, Outcome.SKIPPED)
    await uow.commit()
    return deliveries


async def record(
    uow: UnitOfWork, delivery: Delivery, outcome: Outcome, now: datetime, ref: str | None = None
) -> None:
    """Write what became of a sent reminder and when the next one is due (`ref`: the
    channel's id for it, where the channel reports a failure later; a digest is kept).

    A failed send counts like a sent one for the spacing rules: it may have reached the
    learner, and a reminder must never come twice. A skipped one (the channel could not
    write to them) waits for the next due time.
    """
    digest = ref_digest(ref) if ref is not None else None
    await uow.reminders.log(delivery.user_id, delivery.due_at, now, outcome, digest)
    if outcome is Outcome.BLOCKED:
        await uow.users.mark_blocked(delivery.user_id)
        await uow.reminders.finish(delivery.user_id, None)
    else:
        sent_at = now if outcome is Outcome.SENT else None
        await uow.reminders.finish(delivery.user_id, delivery.next_due_at, sent_at=sent_at)
    await uow.commit()


async def retry_later(uow: UnitOfWork, delivery: Delivery, retry_at: datetime) -> None:
    """The message surely did not go out (flood limit, no connection): try it again later."""
    await uow.reminders.release(delivery.user_id, retry_at)
    await uow.commit()
