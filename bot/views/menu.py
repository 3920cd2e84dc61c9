"""Main menu, help and settings texts."""

from __future__ import annotations

from bot.i18n import Translator
from bot.views.onboarding import not_official_training


def render_menu(t: Translator) -> str:
    return "<b>" + t.gettext("Main menu") + "</b>\n" + t.gettext("What would you like to do?")


def render_help(t: Translator) -> str:
    return "\n".join(
        [
            "<b>" + t.gettext("Help") + "</b>",
            "",
            "ℹ️ " + not_official_training(t),
            "",
            t.gettext("Read one card at a time. Press Next to go on, Back to read again."),
            t.gettext("Continue takes you back to the exact card where you stopped."),
            "",
            "/menu — " + t.gettext("main menu"),
            "/progress — " + t.gettext("your progress in each module"),
            "/glossary — " + t.gettext("words and their meaning"),
            "/faq — " + t.gettext("questions about complaints; or just type your question"),
            "/language — " + t.gettext("change language"),
            "/quiz — " + t.gettext("quizzes and your certificate"),
            "/verify — " + t.gettext("check a certificate's code"),
            "/reminders — " + t.gettext("when the bot may remind you"),
            "/stop — " + t.gettext("stop reminders and announcements; /start brings them back"),
            "/cohorts — " + t.gettext("your cohorts (from a trainer's link)"),
            "/privacy — " + t.gettext("what the bot stores about you"),
            "/deleteme — " + t.gettext("delete your data"),
            "/help — " + t.gettext("this help"),
        ]
    )


def render_settings(t: Translator) -> str:
    return "<b>" + t.gettext("Settings") + "</b>"


def render_not_understood(t: Translator) -> str:
    return t.gettext("I answer buttons and commands. Press a button below or send /help.")


def render_unknown_command(t: Translator) -> str:
    return t.gettext("I don't know that command. Send /help to see what I can do.")
