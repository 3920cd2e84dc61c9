"""Recording a card, reviewing recordings, and the messages recorders get."""

from __future__ import annotations

from datetime import datetime
from html import escape

from babel.dates import format_date

from bot.db.repositories import RecordingRecord
from bot.i18n import Translator


def length(duration_ms: int | None) -> str:
    """m:ss, as a phone shows a voice note's length."""
    if duration_ms is None:
        return "?:??"
    seconds = round(duration_ms / 1000)
    return f"{seconds // 60}:{seconds % 60:02d}"


def size(t: Translator, count: int) -> str:
    if count >= 1_000_000:
        return t.gettext("{mb} MB").format(mb=f"{count / 1_000_000:.1f}")
    return t.gettext("{kb} KB").format(kb=max(1, round(count / 1000)))


def render_choose_language(t: Translator, title: str) -> str:
    return "🎙 " + t.gettext("Which language will you speak when you read “{title}” aloud?").format(
        title=escape(title)
    )


def render_send_recording(t: Translator, title: str, language: str, minutes: int) -> str:
    return "🎙 " + t.ngettext(
        "Send a voice note now: read the card “{title}” aloud in {language}, in at most "
        "{minutes} minute. An MP3 or M4A audio file works too.",
        "Send a voice note now: read the card “{title}” aloud in {language}, in at most "
        "{minutes} minutes. An MP3 or M4A audio file works too.",
        minutes,
    ).format(title=escape(title), language=escape(language), minutes=minutes)


def render_too_long(t: Translator, minutes: int) -> str:
    return t.ngettext(
        "This recording is too long: the limit is {minutes} minute. Please send a shorter one.",
        "This recording is too long: the limit is {minutes} minutes. Please send a shorter one.",
        minutes,
    ).format(minutes=minutes)


def render_waiting_for_audio(t: Translator) -> str:
    return t.gettext("I am waiting for a voice note. Send one, or press Cancel.")


def render_not_received(t: Translator) -> str:
    return t.gettext("I could not receive that recording. Please send it again.")


def render_listen_back(t: Translator, draft: RecordingRecord) -> str:
    return t.gettext(
        "Listen to your recording ({length}). Submit it for review, or record it again."
    ).format(length=length(draft.duration_ms))


def render_submitted(t: Translator) -> str:
    return "✅ " + t.gettext(
        "Sent for review. An admin will listen to it, and I will tell you when it is approved."
    )


def render_cancelled(t: Translator) -> str:
    return t.gettext("Recording cancelled. Nothing was kept.")


def render_review_list(t: Translator, waiting: int) -> str:
    if not waiting:
        return t.gettext("No recordings are waiting for review.")
    return "🎙 " + t.ngettext(
        "{n} recording is waiting for review. Open one to listen.",
        "{n} recordings are waiting for review. Open one to listen.",
        waiting,
    ).format(n=waiting)


def render_new_submission(t: Translator, title: str, language: str, who: str) -> str:
    return "🎙 " + t.gettext(
        "A new recording waits for review: “{title}” ({language}), by {name}. /recordings "
        "lists all of them."
    ).format(title=escape(title), language=escape(language), name=escape(who or "?"))


def review_label(title: str, language: str) -> str:
    return f"{title} · {language}"


def render_review(
    t: Translator, recording: RecordingRecord, title: str, language: str, locale: str
) -> str:
    who = recording.recorder_name or t.gettext("someone who deleted their data")
    return "\n".join(
        [
            f"<b>{escape(title)}</b>",
            t.gettext("Language: {language}").format(language=escape(language)),
            t.gettext("Recorded by {name} on {date}").format(
                name=escape(who), date=_day(recording.created_at, locale)
            ),
            t.gettext("Length: {length} · {size}").format(
                length=length(recording.duration_ms), size=size(t, recording.size)
            ),
        ]
    )


def _day(when: datetime, locale: str) -> str:
    return format_date(when.date(), "medium", locale=locale.split("-")[0])


def render_approved(t: Translator) -> str:
    return "✅ " + t.gettext("Approved. Learners now hear it on this card.")


def render_ask_reason(t: Translator) -> str:
    return t.gettext(
        "Why is it not approved? Type the reason in a few words: the recorder will read it."
    )


def render_rejected(t: Translator) -> str:
    return t.gettext("Rejected. The recorder was told why.")


def render_told_approved(t: Translator, title: str, language: str) -> str:
    return "✅ " + t.gettext(
        "Your recording of “{title}” ({language}) was approved. Learners can listen to it "
        "now. Thank you!"
    ).format(title=escape(title), language=escape(language))


def render_told_rejected(t: Translator, title: str, language: str, reason: str) -> str:
    return t.gettext(
        "Your recording of “{title}” ({language}) was not approved. The reviewer said: "
        "{reason}\nYou can record it again from the card."
    ).format(title=escape(title), language=escape(language), reason=escape(reason))


def render_listen_caption(title: str) -> str:
    return f"🔊 {escape(title)}"


def render_listening(t: Translator, reading: str, hearing: str, audio_first: bool) -> str:
    state = t.gettext("on") if audio_first else t.gettext("off")
    return "\n\n".join(
        [
            "<b>🔊 " + t.gettext("Listening") + "</b>",
            t.gettext(
                "Cards with a recording have a 🔊 Listen button. You read in {reading}; "
                "choose the language you hear them in."
            ).format(reading=escape(reading)),
            t.gettext("You hear: {language}").format(language=escape(hearing)),
            t.gettext(
                "Audio first: {state}. When it is on, each card with a recording comes as a "
                "voice note with its buttons; 📖 Read shows its text."
            ).format(state=state),
        ]
    )


def render_card_heading(title: str, progress: str) -> str:
    """A card sent audio first: its title and place, under the voice note."""
    return f"🔊 <b>{escape(title)}</b>\n<i>{progress}</i>"
