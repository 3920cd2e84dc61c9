"""Quiz, certificate and verification texts."""

from __future__ import annotations

from datetime import datetime
from html import escape

from babel.dates import format_date

from bot.content import Module
from bot.db.repositories import CertificateRecord
from bot.i18n import Translator, formatting_locale
from bot.services.certificates import format_code
from bot.services.quizzes import (
    PASS_PERCENT,
    QUIZ_SIZE,
    Answered,
    PollToSend,
    QuizStats,
    ScoreCard,
)
from bot.views.bridged import not_translated
from bot.views.onboarding import issued_by, not_official_training

POLL_QUESTION_LIMIT = 300
STATS_QUESTIONS_SHOWN = 25


def render_quizzes(t: Translator, results: list[tuple[Module, tuple[int, int] | None]]) -> str:
    lines = [
        "<b>" + t.gettext("Quizzes") + "</b>",
        t.gettext(
            "Each module has a quiz of {size} questions. You pass with {percent} of them right."
        ).format(size=QUIZ_SIZE, percent=f"{PASS_PERCENT}%"),
        "",
    ]
    for module, best in results:
        if best is None:
            status = t.gettext("not passed yet")
        else:
            status = t.gettext("passed, {score}/{total}").format(score=best[0], total=best[1])
        lines.append(f"{module.number}. {escape(module.title)}: {status}")
    if all(best is not None for _, best in results):
        lines += ["", "🎓 " + t.gettext("You passed every quiz. Your certificate is ready.")]
    return "\n".join(lines)


def render_quiz_intro(t: Translator, module: Module, total: int) -> str:
    return (
        "📝 "
        + t.gettext("Quiz: module {number}, {title}").format(
            number=module.number, title=escape(module.title)
        )
        + "\n"
        + t.gettext(
            "{total} questions. Choose one answer to each question; you will see why it is right."
        ).format(total=total)
    )


def poll_question(t: Translator, poll: PollToSend) -> str:
    """The poll's question, numbered when that fits Telegram's 300 characters, with the
    "not translated yet" line under it when that fits too (else `poll_note` says it)."""
    text = _numbered(poll)
    marked = _marked(t, poll, text)
    return marked if marked is not None and len(marked) <= POLL_QUESTION_LIMIT else text


def poll_note(t: Translator, poll: PollToSend) -> str | None:
    """The "not translated yet" line as a message of its own before the poll, when the
    question (shown in the bridge language) leaves no room for it in the poll itself."""
    marked = _marked(t, poll, _numbered(poll))
    if marked is None or len(marked) <= POLL_QUESTION_LIMIT:
        return None
    return escape(not_translated(t, poll.shown_in or ""))


def _numbered(poll: PollToSend) -> str:
    numbered = f"{poll.position + 1}/{poll.total}. {poll.question.text}"
    return numbered if len(numbered) <= POLL_QUESTION_LIMIT else poll.question.text


def _marked(t: Translator, poll: PollToSend, text: str) -> str | None:
    if poll.shown_in is None:
        return None
    return f"{text}\n\n{not_translated(t, poll.shown_in)}"


def render_answer(t: Translator, answered: Answered) -> str:
    """Right or wrong and why, after an answer picked from choices (a native quiz poll shows
    this itself)."""
    question = answered.question
    if answered.correct:
        verdict = "✅ <b>" + t.pgettext("quiz", "Right.") + "</b>"
    else:
        verdict = (
            "❌ <b>"
            + t.pgettext("quiz", "Not right.")
            + "</b> "
            + t.pgettext("quiz", "The answer is: {answer}").format(
                answer=escape(question.options[question.correct])
            )
        )
    return f"{verdict}\n\n{escape(question.explanation)}"


def render_score(t: Translator, card: ScoreCard) -> str:
    if card.passed:
        verdict = t.gettext("{score}/{total} — passed").format(score=card.score, total=card.total)
        head = f"🎉 <b>{verdict}</b>"
    else:
        verdict = t.gettext("{score}/{total} — not passed yet").format(
            score=card.score, total=card.total
        )
        head = f"<b>{verdict}</b>"
    lines = [
        t.gettext("Quiz: module {number}, {title}").format(
            number=card.module.number, title=escape(card.module.title)
        ),
        head,
    ]
    if not card.passed:
        lines.append(
            t.gettext("You need {percent} right to pass. You can try again at any time.").format(
                percent=f"{PASS_PERCENT}%"
            )
        )
    if card.review:
        lines += ["", t.gettext("Read these lessons again:")]
        lines += [f"• {escape(lesson.title)}" for lesson in card.review]
    if card.all_passed:
        lines += ["", "🎓 " + t.gettext("You passed every quiz. Your certificate is ready.")]
    return "\n".join(lines)


# --- certificate ----------------------------------------------------------------------------


def render_name_prompt(t: Translator) -> str:
    return t.gettext(
        "Type your name as it should appear on your certificate, then send it. "
        "Anyone who checks the certificate's code will see this name."
    )


def render_name_confirm(t: Translator, name: str) -> str:
    return t.gettext("Your certificate will say: <b>{name}</b>\nIs this right?").format(
        name=escape(name)
    )


def render_certificate_caption(t: Translator, cert: CertificateRecord, url: str) -> str:
    return "\n".join(
        [
            "🎓 " + t.gettext("Your certificate of completion."),
            t.gettext("Verification code: {code}").format(
                code=f"<code>{format_code(cert.code)}</code>"
            ),
            t.gettext(
                "Anyone can check it at {url} or by sending /verify and the code to this bot."
            ).format(url=escape(url)),
            "",
            "ℹ️ " + issued_by(t) + " " + not_official_training(t),
        ]
    )


def _date(value: datetime, language: str) -> str:
    return format_date(value.date(), "long", locale=formatting_locale(language))


def render_verification(
    t: Translator, cert: CertificateRecord | None, language: str, modules: list[Module]
) -> str:
    """What anyone checking a code learns: valid, for whom and when; revoked; or unknown."""
    if cert is None:
        return "❌ " + t.gettext(
            "No certificate has this code. Check that you typed it exactly as printed."
        )
    if cert.revoked_at is not None or cert.name is None:
        return "⚠ " + t.gettext(
            "This code belonged to a certificate issued on {date}. It was withdrawn: the "
            "learner deleted their data, so it no longer says who it was for."
        ).format(date=_date(cert.issued_at, language))
    lines = [
        "✅ "
        + t.gettext("Valid certificate of completion for <b>{name}</b>, issued on {date}.").format(
            name=escape(cert.name), date=_date(cert.issued_at, language)
        ),
        t.gettext("Modules passed (best quiz score):"),
    ]
    for module in modules:
        if module.id in cert.scores:
            score, total = cert.scores[module.id]
            lines.append(f"• {module.number}. {escape(module.title)}: {score}/{total}")
    lines += ["", "ℹ️ " + issued_by(t) + " " + not_official_training(t)]
    return "\n".join(lines)


def render_verify_usage(t: Translator) -> str:
    return t.gettext(
        "Send /verify and the code printed on the certificate, for example: /verify ABCD-EFGH-JKMN"
    )


def render_not_a_code(t: Translator) -> str:
    return t.gettext(
        "That is not a certificate code. A code has 12 letters and digits, like ABCD-EFGH-JKMN."
    )


def render_too_many_checks(t: Translator) -> str:
    return t.gettext("Too many checks in a short time. Please wait 10 minutes and try again.")


# --- admins ----------------------------------------------------------------------------------


def render_quiz_stats(t: Translator, stats: QuizStats) -> str:
    lines = [
        "<b>" + t.gettext("Quiz statistics") + "</b>",
        "",
        "<b>" + t.gettext("Modules") + "</b>",
    ]
    for m in stats.modules:
        rate = f"{100 * m.passed / m.finished:.0f}%" if m.finished else "–"
        lines.append(
            t.gettext(
                "{number}. {title}: {attempts} attempts, {finished} finished, pass rate {rate}"
            ).format(
                number=m.module.number,
                title=escape(m.module.title),
                attempts=m.attempts,
                finished=m.finished,
                rate=rate,
            )
        )
    lines += [
        "",
        "<b>" + t.gettext("Questions, weakest first (share answered correctly)") + "</b>",
    ]
    if not stats.questions:
        lines.append(t.gettext("No answers yet."))
    for s in stats.questions[:STATS_QUESTIONS_SHOWN]:
        text = s.question.text if len(s.question.text) <= 70 else s.question.text[:69] + "…"
        lines.append(
            f"{100 * s.share:.0f}% ({s.correct}/{s.answered}) "
            f"<code>{escape(s.question.id)}</code> {escape(text)}"
        )
    hidden = len(stats.questions) - STATS_QUESTIONS_SHOWN
    if hidden > 0:
        lines.append(
            t.ngettext("… and {n} more question", "… and {n} more questions", hidden).format(
                n=hidden
            )
        )
    return "\n".join(lines)
