"""Announcement texts: the prompt, the audience, the preview note, scheduling, the
progress line and the totals."""

from __future__ import annotations

from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from bot.db.repositories import AnnouncementRecord, Delivered
from bot.i18n import Translator, formatting_locale
from bot.services.announcements import Draft
from bot.views.trainers import cohort_title


def kind_label(t: Translator, kind: str) -> str:
    labels = {
        "text": t.gettext("text"),
        "photo": t.gettext("photo"),
        "document": t.gettext("document"),
        "voice": t.gettext("voice note"),
        "audio": t.gettext("audio"),
        "video": t.gettext("video"),
        "forward": t.gettext("forwarded message"),
    }
    return labels.get(kind, kind)


def render_compose_prompt(t: Translator) -> str:
    return t.gettext(
        "Send me the announcement: a text, a photo, a document, a voice note, or forward a "
        "message here. Learners receive an exact copy."
    )


def render_not_copyable(t: Translator) -> str:
    return t.gettext(
        "I can send text, photos, documents, voice notes, audio, video or forwarded messages. "
        "Please send one of those."
    )


def render_audience(t: Translator, draft: Draft) -> str:
    lines = ["<b>" + t.gettext("Who should get it?") + "</b>"]
    if not draft.cohorts and not draft.may_announce_to_everyone:
        lines.append(t.gettext("You have no cohort yet. Create one first."))
    else:
        lines.append(t.gettext("Pick one or more cohorts, then press Preview."))
    lines.append(
        t.ngettext("{n} learner chosen.", "{n} learners chosen.", draft.audience).format(
            n=draft.audience
        )
    )
    return "\n".join(lines)


def render_preview_note(t: Translator, draft: Draft) -> str:
    record = draft.announcement
    if record.everyone:
        to = t.gettext("everyone who uses the bot")
    else:
        chosen = [c for c in draft.cohorts if c.id in record.cohort_ids]
        to = ", ".join(cohort_title(c) for c in chosen)
    return "\n".join(
        [
            "⬆ " + t.gettext("This is exactly what learners will see."),
            t.ngettext(
                "It goes to {n} learner ({to}).", "It goes to {n} learners ({to}).", draft.audience
            ).format(n=draft.audience, to=to),
        ]
    )


def when_label(at: datetime, zone: ZoneInfo, language: str) -> str:
    return format_datetime(
        at.astimezone(zone), "EEE d MMM, HH:mm", locale=formatting_locale(language)
    )


def render_schedule_prompt(t: Translator, zone: ZoneInfo) -> str:
    return t.gettext("When should it go? Times are in your time zone ({zone}).").format(
        zone=escape(str(zone))
    )


def render_scheduled(t: Translator, at: datetime, zone: ZoneInfo, language: str) -> str:
    return t.gettext(
        "Scheduled for {when} ({zone}). You can cancel it until then in Trainer menu → Scheduled."
    ).format(when=when_label(at, zone, language), zone=escape(str(zone)))


def render_scheduled_list(
    t: Translator, records: list[AnnouncementRecord], zone: ZoneInfo, language: str
) -> str:
    if not records:
        return t.gettext("No announcement is scheduled.")
    lines = ["<b>" + t.gettext("Scheduled announcements") + "</b>", ""]
    for index, record in enumerate(records, start=1):
        assert record.scheduled_at is not None
        lines.append(
            f"{index}. {when_label(record.scheduled_at, zone, language)} · "
            + kind_label(t, record.kind)
        )
    return "\n".join(lines)


def render_cancelled(t: Translator, cancelled: bool) -> str:
    if cancelled:
        return t.gettext("Cancelled: it will not be sent.")
    return t.gettext("Too late to cancel: it is already going out, or was sent.")


def render_discarded(t: Translator) -> str:
    return t.gettext("Discarded. Nothing was sent.")


def render_progress_line(t: Translator, counts: dict[Delivered, int], *, final: bool) -> str:
    total = sum(counts.values())
    delivered = counts.get(Delivered.DELIVERED, 0)
    read = counts.get(Delivered.READ, 0)
    sent = counts.get(Delivered.SENT, 0) + delivered + read
    blocked = counts.get(Delivered.BLOCKED, 0)
    failed = counts.get(Delivered.FAILED, 0)
    skipped = counts.get(Delivered.SKIPPED, 0)
    opted_out = counts.get(Delivered.OPTED_OUT, 0)
    totals = t.gettext("Sent: {sent} · Blocked the bot: {blocked} · Failed: {failed}").format(
        sent=sent, blocked=blocked, failed=failed
    )
    if delivered or read:
        # Translators: WhatsApp tells which messages reached the phone and were opened
        totals += "\n" + t.gettext("Delivered: {delivered} · Read: {read}").format(
            delivered=delivered + read, read=read
        )
    if skipped:
        totals += "\n" + t.gettext(
            "Not sent on WhatsApp (no message from them for 24 hours, and no template): {skipped}"
        ).format(skipped=skipped)
    if opted_out:
        totals += "\n" + t.gettext("Skipped, they sent /stop: {n}").format(n=opted_out)
    if final:
        head = t.ngettext(
            "📣 Announcement delivered: {sent} of {total} learner.",
            "📣 Announcement delivered: {sent} of {total} learners.",
            total,
        ).format(sent=sent, total=total)
    else:
        head = t.gettext("📣 Sending: {done} of {total}…").format(
            done=sent + blocked + failed + skipped + opted_out, total=total
        )
    return head + "\n" + totals
