"""Buttons of the quiz list, the score card and the certificate."""

from __future__ import annotations

from bot.actions.lessons import ShowCard
from bot.actions.menu import Menu
from bot.actions.quizzes import CertificateAction, QuizRetry, QuizStart
from bot.content import Module
from bot.i18n import Translator
from bot.keyboards import button
from bot.screens import Choice, Keyboard, keyboard
from bot.services.quizzes import ScoreCard


def _menu_row(t: Translator) -> list[Choice]:
    return [button("☰ " + t.gettext("Menu"), Menu("main"))]


def quizzes_keyboard(
    t: Translator, results: list[tuple[Module, tuple[int, int] | None]]
) -> Keyboard:
    rows = [
        [
            button(
                f"📝 {module.number}. {module.title}" + (" ✓" if best else ""),
                QuizStart(module.id),
            )
        ]
        for module, best in results
    ]
    if all(best is not None for _, best in results):
        rows.append([button("🎓 " + t.gettext("My certificate"), CertificateAction("get"))])
    rows.append(_menu_row(t))
    return keyboard(rows)


def score_keyboard(t: Translator, card: ScoreCard) -> Keyboard:
    rows = [
        [button("📖 " + lesson.title, ShowCard(lesson.cards[0].id))]
        for lesson in card.review
        if lesson.cards
    ]
    rows.append([button("🔁 " + t.gettext("Retry"), QuizRetry(card.module.id))])
    if card.all_passed:
        rows.append([button("🎓 " + t.gettext("Get my certificate"), CertificateAction("get"))])
    rows.append([button("📝 " + t.gettext("Quizzes"), Menu("quizzes")), *_menu_row(t)])
    return keyboard(rows)


def confirm_name_keyboard(t: Translator) -> Keyboard:
    return keyboard(
        [
            [
                button("✓ " + t.gettext("Yes, make my certificate"), CertificateAction("yes")),
                button("✏ " + t.gettext("Change"), CertificateAction("name")),
            ]
        ]
    )
