"""Main menu and settings buttons."""

from __future__ import annotations

from bot.actions.menu import DeleteData, Menu, MenuItem
from bot.i18n import Translator
from bot.keyboards import button
from bot.keyboards.recordings import listening_button
from bot.screens import Choice, Keyboard, keyboard


def _button(text: str, item: MenuItem) -> Choice:
    return button(text, Menu(item))


def menu_keyboard(t: Translator, *, trainer: bool = False) -> Keyboard:
    """The main menu; trainers and admins also get the Trainer menu."""
    rows = [
        [_button("▶ " + t.gettext("Continue"), "continue")],
        [
            _button("📚 " + t.gettext("Modules"), "modules"),
            _button("📝 " + t.gettext("Quizzes"), "quizzes"),
        ],
        [_button("💬 " + t.gettext("Questions about complaints"), "faq")],
        [_button("🗣 " + t.gettext("Have your say"), "consult")],
        [
            _button("📊 " + t.gettext("My progress"), "progress"),
            _button("📖 " + t.gettext("Glossary"), "glossary"),
        ],
        [
            _button("❓ " + t.gettext("Help"), "help"),
            _button("⚙ " + t.gettext("Settings"), "settings"),
        ],
    ]
    if trainer:
        rows.append([_button("🎓 " + t.gettext("Trainer menu"), "trainer")])
    return keyboard(rows)


def back_to_menu_keyboard(t: Translator) -> Keyboard:
    return keyboard([[_button("☰ " + t.gettext("Menu"), "main")]])


def settings_keyboard(t: Translator) -> Keyboard:
    return keyboard(
        [
            [_button("🌐 " + t.gettext("Language"), "language")],
            [_button("⏰ " + t.gettext("Reminders"), "reminders")],
            [listening_button(t)],
            [_button("👥 " + t.gettext("My cohorts"), "cohorts")],
            [_button("🔒 " + t.gettext("What is stored"), "privacy")],
            [button("🗑 " + t.gettext("Delete my data"), DeleteData("ask"))],
            [_button("☰ " + t.gettext("Menu"), "main")],
        ]
    )
