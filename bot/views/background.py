"""The progress message of work run in the background (bot.conversation.background)."""

from __future__ import annotations

from bot.i18n import Translator


def render_started(t: Translator) -> str:
    return t.gettext("⏳ Preparing your file. It will come here when it is ready.")


def render_done(t: Translator) -> str:
    return t.gettext("✅ Your file is ready.")


def render_failed(t: Translator) -> str:
    return t.gettext("Sorry, the file could not be made. Please try again later.")
