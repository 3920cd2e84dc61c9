"""Announcement buttons: the audience, the preview's choices, the schedule slots, cancel."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.actions.announcements import (
    CancelAnnouncement,
    ChangeAudience,
    ChooseSendTime,
    DropAnnouncement,
    PreviewAnnouncement,
    SendAnnouncement,
    SendAt,
    ToEveryone,
    ToggleCohort,
)
from bot.actions.menu import Menu
from bot.db.repositories import AnnouncementRecord
from bot.i18n import Translator
from bot.keyboards import button
from bot.keyboards.trainers import MAX_LABEL
from bot.screens import Choice, Keyboard, keyboard
from bot.services.announcements import Draft
from bot.views.announcements import when_label


def _trainer_menu(t: Translator) -> list[Choice]:
    return [button("◀ " + t.gettext("Trainer menu"), Menu("trainer"))]


def audience_keyboard(t: Translator, draft: Draft) -> Keyboard:
    record = draft.announcement
    rows = []
    for cohort in draft.cohorts:
        name = cohort.name if len(cohort.name) <= MAX_LABEL else cohort.name[:MAX_LABEL] + "…"
        tick = "✓ " if cohort.id in record.cohort_ids and not record.everyone else ""
        label = f"{tick}{name} ({cohort.members})"
        rows.append([button(label, ToggleCohort(record.id, cohort.id))])
    if draft.may_announce_to_everyone:
        tick = "✓ " if record.everyone else ""
        rows.append([button(tick + t.gettext("Everyone"), ToEveryone(record.id))])
    if draft.audience:
        rows.append([button("👁 " + t.gettext("Preview"), PreviewAnnouncement(record.id))])
    rows.append([button("✖ " + t.gettext("Discard"), DropAnnouncement(record.id))])
    return keyboard(rows)


def preview_keyboard(t: Translator, announcement_id: int) -> Keyboard:
    return keyboard(
        [
            [button("📣 " + t.gettext("Send now"), SendAnnouncement(announcement_id))],
            [button("🗓 " + t.gettext("Schedule"), ChooseSendTime(announcement_id))],
            [button("◀ " + t.gettext("Change the cohorts"), ChangeAudience(announcement_id))],
            [button("✖ " + t.gettext("Discard"), DropAnnouncement(announcement_id))],
        ]
    )


def schedule_keyboard(
    t: Translator,
    announcement_id: int,
    choices: list[tuple[int, int, datetime]],
    zone: ZoneInfo,
    language: str,
) -> Keyboard:
    slots = [
        button(when_label(at, zone, language), SendAt(announcement_id, offset, hour))
        for offset, hour, at in choices
    ]
    rows = [slots[i : i + 2] for i in range(0, len(slots), 2)]
    rows.append([button("◀ " + t.gettext("Back"), PreviewAnnouncement(announcement_id))])
    return keyboard(rows)


def scheduled_keyboard(t: Translator, records: list[AnnouncementRecord]) -> Keyboard:
    rows = [
        [button("✖ " + t.gettext("Cancel {n}").format(n=index), CancelAnnouncement(record.id))]
        for index, record in enumerate(records, start=1)
    ]
    rows.append(_trainer_menu(t))
    return keyboard(rows)


def cancel_one_keyboard(t: Translator, announcement_id: int) -> Keyboard:
    return keyboard(
        [
            [button("✖ " + t.gettext("Cancel it"), CancelAnnouncement(announcement_id))],
            _trainer_menu(t),
        ]
    )


def done_keyboard(t: Translator) -> Keyboard:
    return keyboard([_trainer_menu(t)])
