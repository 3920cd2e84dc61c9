"""Texts of "Have your say": consultations, sections, receipts, notices and admin screens."""

from __future__ import annotations

import html
from datetime import datetime, timedelta

from babel.dates import format_date

from bot.i18n import Translator, formatting_locale
from bot.screens import shorten
from bot.services.consultations import (
    ConsultationPrivacy,
    Loaded,
    MyAnswer,
    Notice,
    Receipt,
    SectionCounts,
)

STANCE_ICONS = {"agree": "✅", "concern": "⚠️", "suggestion": "💡"}
MINE_SHOWN = 20


def stance_label(t: Translator, stance: str) -> str:
    labels = {
        "agree": t.gettext("I agree"),
        "concern": t.gettext("I have a concern"),
        "suggestion": t.gettext("I have a suggestion"),
    }
    return STANCE_ICONS[stance] + " " + labels[stance]


def kind_label(t: Translator, kind: str) -> str:
    labels = {
        "text": t.gettext("text"),
        "voice": t.gettext("voice note"),
        "photo": t.gettext("photo"),
        "document": t.gettext("document"),
    }
    return labels.get(kind, kind)


def last_day(closes_at: datetime, language: str) -> str:
    """The last day answers are taken (closes_at is the start of the day after)."""
    return format_date(
        (closes_at - timedelta(seconds=1)).date(), "medium", locale=formatting_locale(language)
    )


def _title(t: Translator, consultation: Loaded, language: str) -> str:
    title = html.escape(consultation.spec.text(language).title)
    if consultation.spec.practice:
        title = "🧪 " + title
    return title


def render_list(
    t: Translator, consultations: list[Loaded], language: str, subscribed: bool
) -> str:
    lines = [
        "<b>" + t.gettext("Have your say") + "</b>",
        "",
        t.gettext(
            "When ASI revises its Standards, it asks everyone for comments. Here you read a "
            "short summary of each part of a draft and answer by text, voice note, photo or "
            "document, with your name or anonymously."
        ),
        "",
    ]
    if consultations:
        lines.append(t.gettext("Open now:"))
        for c in consultations:
            lines.append(
                "• "
                + t.gettext("{title}, until {date}").format(
                    title=_title(t, c, language), date=last_day(c.record.closes_at, language)
                )
            )
    else:
        lines.append(t.gettext("No consultation is open right now."))
    lines += [
        "",
        t.gettext("You will hear when a consultation opens and three days before it closes.")
        if subscribed
        else t.gettext("Press the bell to hear when a consultation opens."),
    ]
    return "\n".join(lines)


def render_consultation(t: Translator, consultation: Loaded, language: str) -> str:
    text = consultation.spec.text(language)
    lines = ["<b>" + _title(t, consultation, language) + "</b>", ""]
    if consultation.spec.practice:
        lines += [
            "<i>"
            + t.gettext("A practice consultation: not a real ASI draft. Your answers train you.")
            + "</i>",
            "",
        ]
    lines += [
        text.summary,
        "",
        t.gettext("Open until {date}.").format(
            date=last_day(consultation.record.closes_at, language)
        ),
        t.gettext("Pick a part to read and answer:"),
    ]
    return "\n".join(lines)


def render_section(t: Translator, consultation: Loaded, index: int, language: str) -> str:
    section = consultation.spec.text(language).sections[index]
    lines = [
        "<b>"
        + html.escape(f"{section.clause} · {section.title}")
        + "</b>  <i>("
        + _title(t, consultation, language)
        + ")</i>",
        "",
        section.summary,
    ]
    if section.question:
        lines += ["", "❓ <i>" + html.escape(section.question) + "</i>"]
    lines += ["", t.gettext("What do you think?")]
    return "\n".join(lines)


def render_identity(t: Translator) -> str:
    return "\n".join(
        [
            t.gettext("Before you answer: stay anonymous, or give your name?"),
            "",
            "🕶 <b>"
            + t.gettext("Anonymous")
            + "</b>: "
            + t.gettext(
                "your answer is kept with no link to you: no user number, no name, only the "
                "day. It waits, sealed, until a few other people have answered too, then it is "
                "saved among their answers in a random order, so nobody who reads the bot's "
                "records can tell which one is yours. Someone in full control of the bot's "
                "server, watching while your answer waits, could. You cannot change or "
                "withdraw it later. Your own words can still give you away: leave out names "
                "if you are afraid."
            ),
            "",
            "👤 <b>"
            + t.gettext("Named")
            + "</b>: "
            + t.gettext(
                "your answer is stored with your Telegram user number and name, so ASI knows "
                "who said it. You can see, change or withdraw it until the consultation closes."
            ),
        ]
    )


def render_ask_answer(t: Translator, anonymous: bool, mb: int) -> str:
    who = t.gettext("Anonymous answer.") if anonymous else t.gettext("Named answer.")
    return (
        who
        + "\n"
        + t.gettext(
            "Send your answer now: type it, or send a voice note, a photo or a document "
            "(up to {mb} MB)."
        ).format(mb=mb)
    )


def render_receipt(t: Translator, receipt: Receipt, language: str) -> str:
    lines = [
        "✅ "
        + t.gettext("Thank you, your answer is saved. Reference: <b>{ref}</b>").format(
            ref=receipt.reference
        ),
        "",
    ]
    if receipt.anonymous:
        lines += [
            t.gettext(
                "It is stored without any link to you, so it cannot be changed or withdrawn. "
                "Keep the reference if you want to mention your answer later."
            ),
            "",
            t.gettext(
                "Would you like a thank-you and a note on what changed after the close? Then "
                "the bot stores that you took part in this consultation, but never which "
                "answer is yours."
            ),
        ]
    else:
        lines.append(
            t.gettext(
                "You can see, change or withdraw it until {date} in Have your say → My answers."
            ).format(date=last_day(receipt.closes_at, language))
        )
    return "\n".join(lines)


def render_followed(t: Translator) -> str:
    return t.gettext(
        "Done: you will get a thank-you after the close, and the note on what changed when "
        "ASI writes it."
    )


def render_mine(t: Translator, answers: list[MyAnswer], language: str) -> str:
    lines = ["<b>" + t.gettext("My answers") + "</b>", ""]
    if not answers:
        lines.append(
            t.gettext("You have no named answers. Anonymous answers are not linked to you.")
        )
    # the newest ones, so the message stays far below Telegram's 4,096 characters
    for mine in answers[-MINE_SHOWN:]:
        section = mine.consultation.spec.text(language).sections[mine.answer.section]
        lines.append(
            f"• <b>{mine.reference}</b> "
            + html.escape(section.clause)
            + " "
            + STANCE_ICONS.get(mine.answer.stance, "")
            + " "
            + kind_label(t, mine.answer.kind)
        )
    return "\n".join(lines)


def render_answer(t: Translator, mine: MyAnswer, language: str, now: datetime) -> str:
    section = mine.consultation.spec.text(language).sections[mine.answer.section]
    answer = mine.answer
    lines = [
        "<b>" + mine.reference + "</b> · " + _title(t, mine.consultation, language),
        html.escape(f"{section.clause} · {section.title}"),
        stance_label(t, answer.stance),
        t.gettext("Sent as: {kind}").format(kind=kind_label(t, answer.kind)),
    ]
    if answer.text:
        lines += ["", "<blockquote>" + html.escape(answer.text[:3000]) + "</blockquote>"]
    if mine.consultation.is_open(now):
        lines += [
            "",
            t.gettext("You can change or withdraw it until {date}.").format(
                date=last_day(mine.consultation.record.closes_at, language)
            ),
        ]
    else:
        lines += ["", t.gettext("The consultation is closed; this answer can no longer change.")]
    return "\n".join(lines)


def render_edit_prompt(t: Translator, reference: str) -> str:
    return t.gettext(
        "Send the new version of {ref}: a text, a voice note, a photo or a document. It "
        "replaces the old one."
    ).format(ref=reference)


def render_changed(t: Translator, reference: str) -> str:
    return "✅ " + t.gettext("Your answer {ref} is changed.").format(ref=reference)


def render_withdraw_confirm(t: Translator, reference: str) -> str:
    return t.gettext("Withdraw your answer {ref}? It will be deleted.").format(ref=reference)


def render_withdrawn(t: Translator, reference: str) -> str:
    return t.gettext("Your answer {ref} is withdrawn and deleted.").format(ref=reference)


def render_cancelled(t: Translator) -> str:
    return t.gettext("All right, nothing was sent.")


def render_file_too_large(t: Translator, mb: int) -> str:
    return t.gettext(
        "This file is too big: the limit is {mb} MB. Please send a smaller one, or a text."
    ).format(mb=mb)


def render_subscription(t: Translator, on: bool) -> str:
    if on:
        return t.gettext(
            "Done: you will hear when a consultation opens and three days before it closes."
        )
    return t.gettext("Done: no more messages about new consultations.")


def render_notice(t: Translator, kind: Notice, consultation: Loaded, language: str) -> str:
    title = "<b>" + _title(t, consultation, language) + "</b>"
    day = last_day(consultation.record.closes_at, language)
    if kind == Notice.OPEN:
        return "📣 " + t.gettext(
            "A consultation is open: {title}. You can answer until {date}."
        ).format(title=title, date=day)
    if kind == Notice.CLOSING:
        return "⏳ " + t.gettext(
            "Three days left: {title} closes after {date}. Have your say!"
        ).format(title=title, date=day)
    if kind == Notice.THANKS:
        return "🙏 " + t.gettext(
            "{title} is closed. Thank you for taking part! ASI reads every answer; you "
            "will hear what changed."
        ).format(title=title)
    note = html.escape(consultation.record.outcome or "")
    return (
        "📝 "
        + t.gettext("What changed because of your feedback on {title}:").format(title=title)
        + "\n\n"
        + note
    )


# --- admin ----------------------------------------------------------------------------------


def _statuses(t: Translator) -> dict[str, str]:
    return {
        "scheduled": t.gettext("published, opens {date}"),
        "open": t.gettext("open until {date}"),
        "closed": t.gettext("closed"),
    }


def _status(t: Translator, consultation: Loaded) -> str:
    record = consultation.record
    date = format_date(record.opens_at.date(), "medium", locale="en")
    if record.status == "open":
        date = last_day(record.closes_at, "en")
    return _statuses(t).get(record.status, record.status).format(date=date)


def render_admin_list(t: Translator, consultations: list[Loaded], files: list[str]) -> str:
    lines = ["<b>" + t.gettext("Consultations (admin)") + "</b>", ""]
    for c in consultations:
        lines.append(f"• C{c.id} {html.escape(c.record.slug)}: " + _status(t, c))
    if not consultations:
        lines.append(t.gettext("Nothing published yet."))
    lines += ["", t.gettext("Files not yet published:")]
    lines += [f"• {html.escape(slug)}" for slug in files] or ["• " + t.gettext("none")]
    return "\n".join(lines)


def render_admin_view(
    t: Translator, consultation: Loaded, counts: list[SectionCounts], waiting: int = 0
) -> str:
    """Counts per section; `waiting` held anonymous answers are not in them (or the exports)
    until their batch is written, and the admin is told so."""
    record = consultation.record
    lines = [
        f"<b>C{consultation.id} · " + html.escape(consultation.spec.text("en").title) + "</b>",
        t.gettext("Status: {status}").format(status=_status(t, consultation)),
        t.gettext("Open from {start} to {end} (UTC).").format(
            start=format_date(record.opens_at.date(), "medium", locale="en"),
            end=last_day(record.closes_at, "en"),
        ),
        "",
    ]
    total = 0
    for section in counts:
        n = sum(section.counts.values())
        total += n
        per = " · ".join(f"{STANCE_ICONS[s]} {section.counts[s]}" for s in section.counts)
        lines.append(f"{html.escape(section.clause)} {html.escape(section.title)}: {per}")
    lines += ["", t.gettext("Answers in all: {n}").format(n=total)]
    if waiting:
        lines.append(
            "⏳ "
            + t.ngettext(
                "{n} anonymous answer is waiting: anonymous answers are written in batches, "
                "with other people's, so it is not in these counts or the exports yet.",
                "{n} anonymous answers are waiting: anonymous answers are written in "
                "batches, with other people's, so they are not in these counts or the "
                "exports yet.",
                waiting,
            ).format(n=waiting)
        )
    if record.outcome:
        lines += ["", t.gettext("What changed (sent):"), html.escape(record.outcome)]
    return "\n".join(lines)


def render_outcome_prompt(t: Translator) -> str:
    return t.gettext(
        "Type the short note on what changed because of the feedback. It is sent once, as "
        "written, to everyone who took part with their name or asked to hear."
    )


def render_outcome_saved(t: Translator, people: int) -> str:
    return t.ngettext(
        "Saved. It goes out to {n} person in the next minutes.",
        "Saved. It goes out to {n} people in the next minutes.",
        people,
    ).format(n=people)


def render_nothing_to_zip(t: Translator) -> str:
    return t.gettext("No voice notes, photos or documents in this consultation yet.")


def render_zip_progress(t: Translator, done: int, total: int) -> str:
    return t.gettext("⏳ Fetching the files: {done} of {total}…").format(done=done, total=total)


def render_no_answers(t: Translator) -> str:
    return t.gettext("No answers yet.")


def answer_lines(report: ConsultationPrivacy, language: str) -> list[str]:
    """The person's named answers for /privacy, newest first: reference and section."""
    lines = []
    for mine in reversed(report.answers):
        sections = mine.consultation.spec.text(language).sections
        section = sections[mine.answer.section] if mine.answer.section < len(sections) else None
        where = f"{section.clause} {section.title}" if section is not None else ""
        lines.append("  • " + mine.reference + " · " + html.escape(shorten(where, 70)))
    return lines


def privacy_lines(t: Translator, report: ConsultationPrivacy) -> list[str]:
    state = t.gettext("yes") if report.subscribed else t.gettext("no")
    return [
        t.gettext("Tell me about consultations: {state}").format(state=state),
        t.ngettext(
            "Named answers to consultations: {n}",
            "Named answers to consultations: {n}",
            report.named_answers,
        ).format(n=report.named_answers),
        *(
            [
                t.ngettext(
                    "Of them, with a copy of the file you sent: {n}",
                    "Of them, with a copy of the file you sent: {n}",
                    report.kept_files,
                ).format(n=report.kept_files)
            ]
            if report.kept_files
            else []
        ),
        t.ngettext(
            "Consultations you follow for the outcome: {n}",
            "Consultations you follow for the outcome: {n}",
            report.following,
        ).format(n=report.following),
        t.ngettext(
            "Consultation notices sent to you: {n}",
            "Consultation notices sent to you: {n}",
            report.notices,
        ).format(n=report.notices),
        t.gettext(
            "Anonymous answers are not linked to you, so they are not listed here and "
            "/deleteme cannot find them."
        ),
    ]
