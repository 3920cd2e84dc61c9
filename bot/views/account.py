"""What is stored (/privacy) and deletion (/deleteme)."""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_datetime

from bot.i18n import LANGUAGE_NAMES, Translator
from bot.services.learners import PrivacyReport


def _when(value: datetime | None, language: str, t: Translator) -> str:
    if value is None:
        return t.gettext("not given")
    return format_datetime(value, "medium", tzinfo=value.tzinfo, locale=language) + " UTC"


def render_privacy(t: Translator, report: PrivacyReport, language: str) -> str:
    user = report.user
    roles = {
        "learner": t.gettext("learner"),
        "trainer": t.gettext("trainer"),
        "admin": t.gettext("admin"),
    }
    lines = [
        "<b>" + t.gettext("What the bot stores about you") + "</b>",
        "",
        t.gettext("Telegram user number: {value}").format(value=user.id),
        t.gettext("Language: {value}").format(
            value=LANGUAGE_NAMES.get(user.language or "", t.gettext("not chosen"))
        ),
        t.gettext("Time zone: {value}").format(value=user.time_zone or t.gettext("not given")),
        t.gettext("Role: {value}").format(value=roles.get(user.role, user.role)),
        t.gettext("Agreed to start: {value}").format(value=_when(user.consent_at, language, t)),
        t.gettext("First seen: {value}").format(value=_when(user.first_seen_at, language, t)),
        t.gettext("Last seen: {value}").format(value=_when(user.last_seen_at, language, t)),
        t.ngettext("Cards opened: {n} card", "Cards opened: {n} cards", report.cards_seen).format(
            n=report.cards_seen
        ),
        t.ngettext(
            "Activity log: {n} entry (what you did and when)",
            "Activity log: {n} entries (what you did and when)",
            report.events,
        ).format(n=report.events),
        "",
        t.gettext(
            "The bot does not store your name, phone number or messages. "
            "/deleteme erases all of the above."
        ),
    ]
    return "\n".join(lines)


def render_delete_confirm(t: Translator) -> str:
    return t.gettext(
        "Delete everything the bot stores about you, including your progress? "
        "This cannot be undone."
    )


def render_deleted(t: Translator) -> str:
    return t.gettext("Done: everything about you is deleted. Send /start to begin again.")


def render_kept(t: Translator) -> str:
    return t.gettext("Nothing was deleted.")
