"""Language choice, the welcome that says what is stored, and what the course is not."""

from __future__ import annotations

from bot.i18n import Translator


def not_official_training(t: Translator) -> str:
    """Said where the course introduces itself and on the certificate: what it is not."""
    return t.gettext(
        "This course is not ASI's official training, and it does not by itself meet ASI's "
        "mandatory training level."
    )


def issued_by(t: Translator) -> str:
    """Who issues the certificate, said honestly."""
    return t.gettext(
        "The certificate is issued by the open-source learning bot that ran this course, "
        "not by ASI."
    )


def render_language_prompt(t: Translator) -> str:
    return t.gettext("Choose your language:")


def render_welcome(t: Translator) -> str:
    return "\n\n".join(
        [
            "<b>" + t.gettext("Welcome!") + "</b>",
            t.gettext(
                "This bot teaches a course on the five themes of ASI's training for "
                "communities near bauxite mines, refineries and smelters: short cards, one at "
                "a time. It is an open-source project."
            ),
            "ℹ️ " + not_official_training(t),
            t.gettext(
                "To keep your place, the bot stores your Telegram number, your language, "
                "which cards you opened and when you used the bot. Nothing else."
            ),
            t.gettext("/privacy shows everything stored about you. /deleteme erases it."),
        ]
    )
