"""Language choice and the welcome that says what is stored."""

from __future__ import annotations

from bot.i18n import Translator


def render_language_prompt(t: Translator) -> str:
    return t.gettext("Choose your language:")


def render_welcome(t: Translator) -> str:
    return "\n\n".join(
        [
            "<b>" + t.gettext("Welcome!") + "</b>",
            t.gettext(
                "This bot teaches the five modules of ASI's training for communities near "
                "bauxite mines, refineries and smelters: short cards, one at a time."
            ),
            t.gettext(
                "To keep your place, the bot stores your Telegram number, your language, "
                "which cards you opened and when you used the bot. Nothing else."
            ),
            t.gettext("/privacy shows everything stored about you. /deleteme erases it."),
        ]
    )
