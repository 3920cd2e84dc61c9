"""FAQ texts: answers with the safety line, "I don't know", the handoff, the guide."""

from __future__ import annotations

import html
from collections.abc import Container, Mapping
from datetime import datetime

from babel.dates import format_datetime

from bot.content import Faq, FaqEntry
from bot.db.repositories import DraftRecord, QuestionRecord
from bot.i18n import LANGUAGE_NAMES, Translator, formatting_locale
from bot.services.faq import GUIDE_STEPS, Gaps, GroupPage
from bot.views.bridged import not_translated_html

PORTAL = "aluminium-stewardship.ethicspoint.com"
PAGE = "aluminium-stewardship.org/complaints-mechanism"
EMAIL = "info@aluminium-stewardship.org"  # ASI's published address (its help-desk page)


def safety_line(t: Translator) -> str:
    """Said under every complaints answer: this bot is not the mechanism, and the real one."""
    return "⚠️ " + t.gettext(
        "This bot is not ASI's complaints mechanism: nothing you write here reaches ASI. "
        "To complain, use {portal} or write to ASI at {email} (see {page})."
    ).format(portal=PORTAL, email=EMAIL, page=PAGE)


def render_faq_home(t: Translator) -> str:
    return "\n".join(
        [
            "<b>" + t.gettext("Questions about complaints") + "</b>",
            "",
            t.gettext("Choose a topic, or just type your question in your own words."),
            "",
            safety_line(t),
        ]
    )


def render_group(t: Translator, page: GroupPage) -> str:
    lines = ["<b>" + html.escape(page.group.title) + "</b>"]
    if page.pages > 1:
        lines.append(
            t.gettext("Page {page} of {pages}").format(page=page.page + 1, pages=page.pages)
        )
    lines += ["", t.gettext("Choose a question.")]
    return "\n".join(lines)


def _sources(t: Translator, entry: FaqEntry) -> str:
    links = ", ".join(
        f'<a href="{html.escape(url, quote=True)}">{i}</a>'
        for i, url in enumerate(entry.sources, start=1)
    )
    return t.gettext("Sources: {links}").format(links=links)


def _safety_first(safety: FaqEntry | None) -> list[str]:
    """The general safety advice, first, for a question that mentions danger."""
    if safety is None:
        return []
    return [safety.answer, "", "➖➖➖", ""]


def render_answer(
    t: Translator,
    entry: FaqEntry,
    safety: FaqEntry | None = None,
    shown_in: str | None = None,
) -> str:
    """An entry (content is trusted, validated HTML) with its sources and the safety line;
    `safety` (the general safety advice) goes above it when the question mentions danger,
    and is not said twice when the entry is that advice itself; `shown_in` names the bridge
    language the entry is shown in when it is not translated yet."""
    lines = _safety_first(safety)
    lines += ["<b>" + html.escape(entry.question) + "</b>"]
    if safety is None or safety.id != entry.id:
        lines += ["", entry.answer]
    if entry.detail:
        lines += ["", entry.detail]
    if shown_in:
        lines += ["", not_translated_html(t, shown_in)]
    lines += ["", _sources(t, entry), "", safety_line(t), "", t.gettext("Was this helpful?")]
    return "\n".join(lines)


def render_not_sure(t: Translator, safety: FaqEntry | None = None) -> str:
    return "\n".join(
        [
            *_safety_first(safety),
            t.gettext("I am not sure I have the answer to that."),
            t.gettext(
                "Here are the closest topics. If none of them helps, a person can answer you: "
                "press Ask a person."
            ),
            "",
            safety_line(t),
        ]
    )


def render_ask_prompt(t: Translator) -> str:
    return "\n".join(
        [
            t.gettext(
                "Type your question in one message. A trainer or an admin of this bot will "
                "answer here. Do not write names or private details you would not want others "
                "to read."
            ),
            "🎤 " + t.gettext("You can also send your question as a voice note."),
        ]
    )


def render_voice_not_here(t: Translator) -> str:
    """A voice note where no question is expected: the FAQ cannot search it."""
    return "🎤 " + t.gettext(
        "I cannot listen to voice notes, so I cannot look for the answer in the FAQ. "
        "A person can: press Ask a person to send them your voice note."
    )


def render_voice_gone(t: Translator) -> str:
    return t.gettext("The recording was deleted once the question was answered.")


def _spoken(question: QuestionRecord) -> str:
    """The mark of a question asked by voice, in lists of questions."""
    return "🎤 " if question.voice is not None else ""


def _asked(t: Translator, question: QuestionRecord, limit: int = 1000) -> list[str]:
    """The learner's question as staff read it: their words, escaped, or that they spoke
    it (with the caption, if any)."""
    lines = []
    if question.voice is not None:
        lines.append("🎤 " + t.gettext("Asked by voice: the recording comes with it."))
    if question.text:
        lines.append("<blockquote>" + html.escape(question.text[:limit]) + "</blockquote>")
    return lines


def render_question_sent(t: Translator, question: QuestionRecord, staff: int) -> str:
    lines = [
        t.gettext("Your question was sent (number {n}). A person will answer here.").format(
            n=question.id
        )
    ]
    if staff == 0:
        lines.append(t.gettext("No one is available right now; it waits in the queue."))
    lines += ["", safety_line(t)]
    return "\n".join(lines)


def render_nothing_to_send(t: Translator) -> str:
    return t.gettext("There is no question to send. Type your question first.")


def render_staff_question(t: Translator, question: QuestionRecord, faq: Faq) -> str:
    """What admins and trainers receive: the learner's words, escaped, and no name."""
    closest = faq.entry(question.best_entry_id) if question.best_entry_id else None
    lines = [
        "❓ "
        + t.gettext("Question {n} from a learner ({language}):").format(
            n=question.id, language=LANGUAGE_NAMES.get(question.language, question.language)
        ),
        "",
        *_asked(t, question),
    ]
    if closest is not None and question.best_score is not None:
        lines.append(
            t.gettext("Closest FAQ entry: {entry} (score {score:.2f})").format(
                entry=html.escape(closest.question), score=question.best_score
            )
        )
    return "\n".join(lines)


def render_staff_answer_back(t: Translator, question: QuestionRecord, text: str) -> str:
    return "\n".join(
        [
            "↩ " + t.gettext("The learner answered about question {n}:").format(n=question.id),
            "",
            "<blockquote>" + html.escape(text) + "</blockquote>",
        ]
    )


def render_reply_prompt(t: Translator, question: QuestionRecord) -> str:
    return "\n".join(
        [
            t.gettext(
                "Type your reply to question {n}; it goes to the learner as written."
            ).format(n=question.id),
            "🎤 " + t.gettext("Or send a voice note: the learner gets it as one."),
            "",
            *_asked(t, question),
        ]
    )


def render_reply_to_learner(
    t: Translator, question: QuestionRecord, text: str, *, voice: bool = False
) -> str:
    """A person's reply; `voice`: it is a voice note that comes next (`text` its caption)."""
    asked = question.text[:300] if question.text else t.gettext("your voice note")
    lines = [
        "💬 " + t.gettext("A person answered your question:"),
        "<i>" + html.escape(asked) + "</i>",
        "",
    ]
    if voice:
        lines.append("🎤 " + t.gettext("They answered by voice: listen to the next message."))
    if text:
        lines.append(html.escape(text))
    return "\n".join([*lines, "", safety_line(t)])


def render_answer_back_prompt(t: Translator) -> str:
    return t.gettext("Type your answer in one message; it goes to the person who replied.")


def render_sent(t: Translator) -> str:
    return t.gettext("Sent.")


def render_reply_on_its_way(t: Translator) -> str:
    return t.gettext("Your reply is on its way to the learner.")


def render_reply_not_delivered(t: Translator, question: QuestionRecord) -> str:
    return t.gettext(
        "Your reply to question {n} could not be delivered: the learner has blocked the bot."
    ).format(n=question.id)


def render_not_staff(t: Translator) -> str:
    return t.gettext("Only admins and trainers can reply to questions.")


def _when(value: datetime, language: str) -> str:
    return (
        format_datetime(value, "short", tzinfo=value.tzinfo, locale=formatting_locale(language))
        + " UTC"
    )


def _taker(t: Translator, question: QuestionRecord, takers: Mapping[int, str]) -> str:
    if question.taken_by is None:
        return t.gettext("not taken")
    return t.gettext("taken by {user}").format(user=takers.get(question.taken_by, "?"))


def render_questions(
    t: Translator,
    questions: list[QuestionRecord],
    total: int,
    language: str,
    takers: Mapping[int, str],
    readable: Container[int],
) -> str:
    """The open questions; the words of one another staff member took stay theirs."""
    if not questions:
        return t.gettext("No open questions.")
    lines = [
        "<b>"
        + t.ngettext(
            "{n} open question, oldest first", "{n} open questions, oldest first", total
        ).format(n=total)
        + "</b>",
        "",
    ]
    for q in questions:
        lines.append(
            f"<b>{q.id}</b> · {_when(q.created_at, language)} · {q.language} · "
            + _taker(t, q, takers)
        )
        if q.id in readable:
            lines.append(_spoken(q) + "<i>" + html.escape(q.text[:120]) + "</i>")
    return "\n".join(lines)


def render_gaps(t: Translator, gaps: Gaps, faq: Faq, language: str) -> str:
    """The FAQ's gaps: for admins the questions themselves, for trainers (whose Gaps hold
    no questions) only how many came near each topic."""
    statuses = {
        "open": t.gettext("waiting"),
        "answered": t.gettext("answered"),
        "closed": t.gettext("closed"),
    }
    lines = ["<b>" + t.gettext("Questions the FAQ could not answer") + "</b>"]
    if not gaps.topics:
        lines.append(t.gettext("None yet."))
    elif not gaps.questions:
        lines.append(t.gettext("Questions sent to a person, by the closest topic:"))
        for entry_id, n in gaps.topics:
            topic = faq.entry(entry_id) if entry_id else None
            label = html.escape(topic.question) if topic else t.gettext("no close entry")
            lines.append(f"• {label}: {n}")
    for q in gaps.questions:
        closest = faq.entry(q.best_entry_id) if q.best_entry_id else None
        guess = (
            t.gettext("closest: {entry} ({score:.2f})").format(
                entry=closest.id, score=q.best_score or 0.0
            )
            if closest
            else t.gettext("no close entry")
        )
        lines.append(
            f"• {_spoken(q)}<i>{html.escape(q.text[:120])}</i> ({q.language}, "
            f"{statuses.get(q.status, q.status)}; {guess})"
        )
    lines += ["", "<b>" + t.gettext("Answers marked not helpful") + "</b>"]
    if not gaps.not_helpful:
        lines.append(t.gettext("None yet."))
    for count in gaps.not_helpful:
        entry = faq.entry(count.entry_id)
        title = html.escape(entry.question) if entry else html.escape(count.entry_id)
        lines.append(f"• {title}: 👎 {count.not_helpful} · 👍 {count.helpful}")
    return "\n".join(lines)


def render_thanks(t: Translator, helpful: bool) -> str:
    if helpful:
        return t.gettext("Thank you! Glad it helped.")
    return t.gettext(
        "Thank you for telling us. We will improve this answer. You can also ask a person."
    )


# --- the "Preparing a complaint" guide ---------------------------------------------------------


def guide_labels(t: Translator) -> Mapping[str, str]:
    return {
        "what": t.gettext("What happened"),
        "where": t.gettext("Where"),
        "when": t.gettext("When"),
        "who": t.gettext("Who was involved"),
        "evidence": t.gettext("Evidence"),
        "outcome": t.gettext("Outcome wanted"),
        "anonymous": t.gettext("Stay anonymous"),
    }


def render_guide_intro(t: Translator) -> str:
    return "\n".join(
        [
            "<b>" + t.gettext("Preparing a complaint") + "</b>",
            "",
            t.gettext(
                "I will ask seven short questions to help you write down the facts. At the end "
                "you get your own summary to send through ASI's official channel."
            ),
            "",
            "🔒 <b>" + t.gettext("Before you start") + "</b>",
            t.gettext(
                "This bot stores nothing unless you choose to save a draft, and you can skip "
                "any question. But what you type stays in this chat: on your phone and with "
                "Telegram, the messaging company."
            ),
            t.gettext(
                "So leave out names (yours and other people's), phone numbers and anything "
                "else that shows who you are, and keep places and dates general (a village, a "
                "month). Give the exact details only in the official channel, and only if it "
                "is safe. Do not send photos or documents here."
            ),
            "",
            safety_line(t),
        ]
    )


def render_guide_step(t: Translator, step: int) -> str:
    prompts = {
        "what": t.gettext("What happened? Describe it in a few sentences."),
        "where": t.gettext("Where did it happen (village, site, river, road)?"),
        "when": t.gettext("When did it happen? A date or a period is enough."),
        "who": t.gettext(
            "Who was involved (the company, the site, the roles of people)? You do not have "
            "to name yourself."
        ),
        "evidence": t.gettext(
            "What evidence do you have (photos, documents, witnesses)? Only list it here: do "
            "not send the files to this bot, keep them safe."
        ),
        "outcome": t.gettext(
            "What outcome do you want (for example: stop the harm, repair it, compensation, "
            "an apology)?"
        ),
        "anonymous": t.gettext("Do you want to stay anonymous (your name kept from others)?"),
    }
    name = GUIDE_STEPS[step]
    counter = t.gettext("Question {n} of {total}").format(n=step + 1, total=len(GUIDE_STEPS))
    return f"<b>{counter}</b>\n\n{prompts[name]}"


def compose_summary(t: Translator, answers: Mapping[str, str]) -> str:
    """The learner's summary as plain text (escaped when shown), in the guide's order."""
    labels = guide_labels(t)
    not_given = t.gettext("(not given)")
    return "\n\n".join(f"{labels[step]}: {answers.get(step) or not_given}" for step in GUIDE_STEPS)


def render_summary(t: Translator, summary: str) -> str:
    return "\n".join(
        [
            "<b>" + t.gettext("Your summary") + "</b>",
            "",
            html.escape(summary),
            "",
            t.gettext(
                "Send it through the official channel: the EthicsPoint portal {portal}, or "
                "by email or post to ASI ({email}; see {page}). You may first ask ASI, by "
                "email or on the portal, how to raise it."
            ).format(portal=PORTAL, email=EMAIL, page=PAGE),
            "",
            safety_line(t),
        ]
    )


def render_draft(t: Translator, draft: DraftRecord, language: str) -> str:
    return "\n".join(
        [
            "<b>"
            + t.gettext("Your saved draft ({when})").format(when=_when(draft.saved_at, language))
            + "</b>",
            "",
            html.escape(draft.text),
            "",
            safety_line(t),
        ]
    )


def render_no_draft(t: Translator) -> str:
    return t.gettext("You have no saved draft.")


def render_draft_saved(t: Translator) -> str:
    return t.gettext(
        "Draft saved. Only you can see it, under Questions about complaints → My draft; you "
        "can delete it there or with /deleteme."
    )


def render_draft_deleted(t: Translator) -> str:
    return t.gettext("Your draft is deleted.")


def render_guide_discarded(t: Translator) -> str:
    return t.gettext("Done. Nothing was stored.")


def render_guide_stopped(t: Translator) -> str:
    return t.gettext("The guide is stopped. Nothing was stored.")


def render_answer_too_long(t: Translator) -> str:
    return t.gettext("Please keep it shorter (at most 500 characters).")
