"""Glossary buttons: terms two by row, page arrows, back to the page from a term."""

from __future__ import annotations

from bot.actions.glossary import GlossaryEntry, GlossaryPage
from bot.actions.menu import Menu
from bot.i18n import Translator
from bot.keyboards import button
from bot.screens import Keyboard, keyboard
from bot.services.glossary import GlossaryPage as Page


def glossary_page_keyboard(t: Translator, page: Page) -> Keyboard:
    terms = [button(term.term, GlossaryEntry(term.id)) for term in page.terms]
    rows = [terms[i : i + 2] for i in range(0, len(terms), 2)]
    arrows = []
    if page.page > 0:
        arrows.append(button("◀", GlossaryPage(page.page - 1)))
    if page.page + 1 < page.pages:
        arrows.append(button("▶", GlossaryPage(page.page + 1)))
    if arrows:
        rows.append(arrows)
    rows.append([button("☰ " + t.gettext("Menu"), Menu("main"))])
    return keyboard(rows)


def term_keyboard(t: Translator, page_number: int) -> Keyboard:
    return keyboard(
        [
            [button("◀ " + t.gettext("Glossary"), GlossaryPage(page_number))],
            [button("☰ " + t.gettext("Menu"), Menu("main"))],
        ]
    )
