"""Announcement buttons: the audience, the preview's choices, the schedule slots, cancel."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.callbacks import AnnouncementAction, Menu
from bot.db.repositories import AnnouncementRecord
from bot.i18n import Translator
from bot.keyboards import button
from bot.keyboards.trainers import MAX_LABEL
from bot.screens import Choice, Keyboard, keyboard
from bot.services.announcements import Draft
from bot.views.announcements import when_label


def _act(text: str, value: str) -> Choice:
    return button(text, AnnouncementAction(value))


def _trainer_menu(t: Translator) -> list[Choice]:
    return [button("◀ " + t.gettext("Trainer menu"), Menu("trainer"))]


def audience_keyboard(t: Translator, draft: Draft) -> Keyboard:
    record = draft.announcement
    rows = []
    for cohort in draft.cohorts:
        name = cohort.name if len(cohort.name) <= MAX_LABEL else cohort.name[:MAX_LABEL] + "…"
        tick = "✓ " if cohort.id in record.cohort_ids and not record.everyone else ""
        rows.append([_act(f"{tick}{name} ({cohort.members})", f"to-{record.id}-{cohort.id}")])
    if draft.may_announce_to_everyone:
        tick = "✓ " if record.everyone else ""
        rows.append([_act(tick + t.gettext("Everyone"), f"all-{record.id}")])
    if draft.audience:
        rows.append([_act("👁 " + t.gettext("Preview"), f"next-{record.id}")])
    rows.append([_act("✖ " + t.gettext("Discard"), f"drop-{record.id}")])
    return keyboard(rows)


def preview_keyboard(t: Translator, announcement_id: int) -> Keyboard:
    return keyboard(
        [
            [_act("📣 " + t.gettext("Send now"), f"send-{announcement_id}")],
            [_act("🗓 " + t.gettext("Schedule"), f"when-{announcement_id}")],
            [_act("◀ " + t.gettext("Change the cohorts"), f"back-{announcement_id}")],
            [_act("✖ " + t.gettext("Discard"), f"drop-{announcement_id}")],
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
        _act(when_label(at, zone, language), f"at-{announcement_id}-{offset}-{hour}")
        for offset, hour, at in choices
    ]
    rows = [slots[i : i + 2] for i in range(0, len(slots), 2)]
    rows.append([_act("◀ " + t.gettext("Back"), f"next-{announcement_id}")])
    return keyboard(rows)


def scheduled_keyboard(t: Translator, records: list[AnnouncementRecord]) -> Keyboard:
    rows = [
        [_act("✖ " + t.gettext("Cancel {n}").format(n=index), f"cancel-{record.id}")]
        for index, record in enumerate(records, start=1)
    ]
    rows.append(_trainer_menu(t))
    return keyboard(rows)


def cancel_one_keyboard(t: Translator, announcement_id: int) -> Keyboard:
    return keyboard(
        [[_act("✖ " + t.gettext("Cancel it"), f"cancel-{announcement_id}")], _trainer_menu(t)]
    )


def done_keyboard(t: Translator) -> Keyboard:
    return keyboard([_trainer_menu(t)])
