"""What is stored (/privacy) and deletion (/deleteme)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape

from babel.dates import format_datetime

from bot.db.repositories import AccountRecord
from bot.i18n import LANGUAGE_NAMES, Translator, formatting_locale
from bot.screens import shorten
from bot.services.learners import PrivacyReport
from bot.services.schedule import mask_to_days
from bot.views.consultations import answer_lines, privacy_lines
from bot.views.reminders import days_label, hour_label
from bot.views.trainers import cohort_title


def _when(value: datetime | None, language: str, t: Translator) -> str:
    if value is None:
        return t.gettext("not given")
    return (
        format_datetime(value, "medium", tzinfo=value.tzinfo, locale=formatting_locale(language))
        + " UTC"
    )


MAX_MESSAGE = 4096  # Telegram's limit on a text message, in UTF-16 code units
MAX_ITEMS = 10  # of each list (questions, answers, cohorts), newest first
ITEM_TEXT = 80  # characters shown of a question or a draft
MORE_ROOM = 60  # kept free per list for its "… and n more" line


@dataclass(frozen=True, slots=True)
class _Items:
    """Lines naming what the person wrote or joined: as many as fit the message."""

    lines: tuple[str, ...]


def _units(text: str) -> int:
    """Length as Telegram counts it; the markup counts too, which only errs on the safe side."""
    return len(text.encode("utf-16-le")) // 2


def _item(text: str) -> str:
    return "  • " + escape(shorten(text, ITEM_TEXT))


def _fit(t: Translator, blocks: list[str | _Items]) -> str:
    """Join the lines, listing each list's items while they fit in one message; the rest
    are counted ("… and 3 more"). Whole lines only, so no tag or entity is ever cut."""
    fixed = "\n".join(b for b in blocks if isinstance(b, str))
    lists = sum(1 for b in blocks if isinstance(b, _Items))
    budget = MAX_MESSAGE - _units(fixed) - MORE_ROOM * lists
    out: list[str] = []
    for block in blocks:
        if isinstance(block, str):
            out.append(block)
            continue
        shown = 0
        for line in block.lines[:MAX_ITEMS]:
            if _units(line) + 1 > budget:
                break
            out.append(line)
            budget -= _units(line) + 1
            shown += 1
        left = len(block.lines) - shown
        if left:
            out.append("  " + t.ngettext("… and {n} more", "… and {n} more", left).format(n=left))
    return "\n".join(out)


def _account_lines(t: Translator, account: AccountRecord, language: str) -> list[str]:
    """How the person is known on each channel, and on WhatsApp the minute of their last
    message (kept for its 24-hour window)."""
    if account.platform == "telegram":
        return [t.gettext("Telegram user number: {value}").format(value=account.external_id)]
    if account.platform != "whatsapp":
        return []
    lines = [t.gettext("WhatsApp number: {value}").format(value=escape(account.external_id))]
    if account.last_inbound_at is not None:
        lines.append(
            t.gettext(
                "Your last message on WhatsApp (kept for its 24-hour window): {value}"
            ).format(value=_when(account.last_inbound_at, language, t))
        )
    return lines


def render_privacy(t: Translator, report: PrivacyReport, language: str) -> str:
    user = report.user
    roles = {
        "learner": t.gettext("learner"),
        "trainer": t.gettext("trainer"),
        "admin": t.gettext("admin"),
    }
    lines: list[str | _Items] = [
        "<b>" + t.gettext("What the bot stores about you") + "</b>",
        "",
        *(line for account in report.accounts for line in _account_lines(t, account, language)),
        t.gettext("Language: {value}").format(
            # an added language's code where it has no shipped name (its name is content)
            value=LANGUAGE_NAMES.get(user.language, escape(user.language))
            if user.language
            else t.gettext("not chosen")
        ),
        t.gettext("Time zone: {value}").format(
            value=escape(user.time_zone or t.gettext("not given"))
        ),
        t.gettext("Role: {value}").format(value=roles.get(user.role, user.role)),
        *(
            [
                t.gettext("Listening: {language}, audio first {state}").format(
                    language=escape(user.listen_language or t.gettext("as you read")),
                    state=t.gettext("on") if user.audio_first else t.gettext("off"),
                )
            ]
            if user.listen_language or user.audio_first
            else []
        ),
        t.gettext("Agreed to start: {value}").format(value=_when(user.consent_at, language, t)),
        t.gettext("First seen: {value}").format(value=_when(user.first_seen_at, language, t)),
        t.gettext("Last seen: {value}").format(value=_when(user.last_seen_at, language, t)),
        _opt_out_line(t, user.opted_out_at, language),
        *(
            [t.gettext("A step in progress: which answer the bot waits for, not what you type")]
            if user.waiting
            else []
        ),
        t.ngettext("Cards opened: {n} card", "Cards opened: {n} cards", report.cards_seen).format(
            n=report.cards_seen
        ),
        t.ngettext(
            "Activity log: {n} entry (what you did and when)",
            "Activity log: {n} entries (what you did and when)",
            report.events,
        ).format(n=report.events),
        *_reminder_lines(t, report, language),
        *_quiz_lines(t, report, language),
        *privacy_lines(t, report.consultations),
        _Items(tuple(answer_lines(report.consultations, language))),
        *_cohort_lines(t, report),
        *_faq_lines(t, report, language),
        *_recording_lines(t, report),
        "",
        *_name_lines(t, report),
    ]
    return _fit(t, lines)


def _recording_lines(t: Translator, report: PrivacyReport) -> list[str]:
    """Recordings they made; /deleteme deletes all but approved ones, which stay without
    their name until replaced."""
    if not report.recordings:
        return []
    return [
        t.ngettext(
            "Recordings you made: {n} (your voice, the card, the language, when, your name, "
            "the review). /deleteme deletes it unless it was approved: an approved one stays "
            "for learners, without your name, until a new recording replaces it.",
            "Recordings you made: {n} (your voice, the card, the language, when, your name, "
            "the review). /deleteme deletes them except approved ones: those stay for "
            "learners, without your name, until new recordings replace them.",
            report.recordings,
        ).format(n=report.recordings),
    ]


def _name_lines(t: Translator, report: PrivacyReport) -> list[str]:
    """Where the user's name is kept, if anywhere, and what /deleteme does."""
    places = []
    if report.certificate is not None:
        places.append(
            "• "
            + t.gettext(
                "on your certificate (after /deleteme its code shows as withdrawn, "
                "without your name)"
            )
        )
    if report.consultations.named_answers:
        places.append(
            "• " + t.gettext("with your named answers to consultations, and what you sent")
        )
    if report.cohorts_joined:
        places.append("• " + t.gettext("your first name, for the trainers of your cohorts"))
    if not places:
        return [
            t.gettext(
                "The bot does not store your name or phone number, nor what you type, except the "
                "questions and answers you choose to send to a person and a draft you choose to "
                "save. /deleteme erases all of the above."
            )
        ]
    return [
        t.gettext("The bot stores no phone number, and your name only:"),
        *places,
        t.gettext(
            "Otherwise what you type is kept only when you send it to a person or save a "
            "complaint draft."
        ),
        t.gettext("/deleteme erases all of the above."),
    ]


def _reminder_lines(t: Translator, report: PrivacyReport, language: str) -> list[str]:
    reminder = report.reminder
    if reminder is None:
        return [t.gettext("Reminders: never turned on")]
    choice = t.gettext("{days} at {time}").format(
        days=days_label(t, mask_to_days(reminder.days), language),
        time=hour_label(reminder.hour),
    )
    state = t.gettext("on") if reminder.enabled else t.gettext("off")
    lines = [t.gettext("Reminders: {state} ({choice})").format(state=state, choice=choice)]
    if reminder.next_due_at is not None:
        lines.append(
            t.gettext("Next reminder, at the earliest: {value}").format(
                value=_when(reminder.next_due_at, language, t)
            )
        )
    if reminder.last_sent_at is not None:
        lines.append(
            t.gettext("Last reminder sent: {value}").format(
                value=_when(reminder.last_sent_at, language, t)
            )
        )
    lines.append(
        t.ngettext(
            "Reminder log: {n} entry (sent or skipped, kept for a month)",
            "Reminder log: {n} entries (sent or skipped, kept for a month)",
            report.reminders_logged,
        ).format(n=report.reminders_logged)
    )
    return lines


def _quiz_lines(t: Translator, report: PrivacyReport, language: str) -> list[str]:
    lines = [
        t.ngettext("Quizzes: {n} attempt", "Quizzes: {n} attempts", report.quiz_attempts).format(
            n=report.quiz_attempts
        )
        + ", "
        + t.ngettext(
            "{n} answer (with its time)", "{n} answers (with their times)", report.quiz_answers
        ).format(n=report.quiz_answers)
    ]
    cert = report.certificate
    if cert is not None:
        lines.append(
            t.gettext("Certificate: issued {date} to the name {name}, code {code}").format(
                date=_when(cert.issued_at, language, t),
                name=escape(cert.name or ""),
                code=cert.code,
            )
        )
    return lines


def _cohort_lines(t: Translator, report: PrivacyReport) -> list[str | _Items]:
    lines: list[str | _Items] = [
        t.ngettext(
            "Cohorts you joined: {n}. Each one's trainer sees the first name you had when "
            "you joined, the modules you finished, your best quiz scores and the last day "
            "you used the bot; nobody else does. Leave with /cohorts.",
            "Cohorts you joined: {n}. Each one's trainer sees the first name you had when "
            "you joined, the modules you finished, your best quiz scores and the last day "
            "you used the bot; nobody else does. Leave with /cohorts.",
            report.cohorts_joined,
        ).format(n=report.cohorts_joined),
        _Items(tuple("  • " + cohort_title(c) for c in report.cohorts)),
    ]
    if report.announcements_received:
        lines.append(
            t.ngettext(
                "Announcements sent to you: {n} (a delivery record each)",
                "Announcements sent to you: {n} (a delivery record each)",
                report.announcements_received,
            ).format(n=report.announcements_received)
        )
    if report.cohorts_run:
        lines.append(
            t.ngettext(
                "Cohorts you run: {n} (name, language, place, invitation links, announcements)",
                "Cohorts you run: {n} (name, language, place, invitation links, announcements)",
                report.cohorts_run,
            ).format(n=report.cohorts_run)
        )
        lines.append(_Items(tuple("  • " + cohort_title(c) for c in report.cohorts_led)))
    return lines


def _faq_lines(t: Translator, report: PrivacyReport, language: str) -> list[str | _Items]:
    lines: list[str | _Items] = [
        t.ngettext(
            "Questions you sent to a person: {n} (with the replies)",
            "Questions you sent to a person: {n} (with the replies)",
            report.questions_asked,
        ).format(n=report.questions_asked),
        _Items(tuple(_item(q.text) for q in report.questions)),
        t.ngettext(
            "Messages you wrote to a person or a learner: {n}",
            "Messages you wrote to a person or a learner: {n}",
            report.messages_written,
        ).format(n=report.messages_written),
        t.ngettext(
            "Answers you rated (👍 or 👎): {n}",
            "Answers you rated (👍 or 👎): {n}",
            report.answer_ratings,
        ).format(n=report.answer_ratings),
    ]
    if report.draft is None:
        lines.append(t.gettext("Complaint draft: none"))
    else:
        lines.append(
            t.gettext("Complaint draft: saved {value}").format(
                value=_when(report.draft.saved_at, language, t)
            )
        )
        lines.append(_Items((_item(report.draft.text),)))
    return lines


def render_delete_confirm(t: Translator) -> str:
    return t.gettext(
        "Delete everything the bot stores about you, including your progress? "
        "This cannot be undone."
    )


def _opt_out_line(t: Translator, since: datetime | None, language: str) -> str:
    if since is None:
        return t.gettext("Reminders, announcements and consultation news: on (/stop stops them)")
    return t.gettext(
        "Reminders, announcements and consultation news: stopped since {value} "
        "(/start brings them back)"
    ).format(value=_when(since, language, t))


def render_opted_out(t: Translator) -> str:
    return t.gettext(
        "Stopped: the bot will send you nothing on its own any more (no reminders, "
        "announcements or consultation news). It still answers when you write to it. "
        "To get them again, send /start."
    )


def render_opted_in(t: Translator) -> str:
    return t.gettext(
        "Welcome back: reminders, announcements and consultation news reach you again. "
        "Send /stop to stop them."
    )


def render_deleted(t: Translator) -> str:
    return t.gettext("Done: everything about you is deleted. Send /start to begin again.")


def render_kept(t: Translator) -> str:
    return t.gettext("Nothing was deleted.")
