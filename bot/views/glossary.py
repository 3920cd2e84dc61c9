"""Glossary pages and definitions."""

from __future__ import annotations

from html import escape

from bot.content import GlossaryTerm
from bot.i18n import Translator
from bot.services.glossary import GlossaryPage

MAX_ECHO = 40


def render_glossary_page(t: Translator, page: GlossaryPage) -> str:
    return "\n".join(
        [
            "📖 <b>"
            + t.gettext("Glossary")
            + "</b> · "
            + t.gettext("page {page} of {pages}").format(page=page.page + 1, pages=page.pages),
            t.gettext(
                "Press a word to see what it means, or type it, for example /glossary bauxite."
            ),
        ]
    )


def render_term(term: GlossaryTerm) -> str:
    return f"📖 <b>{escape(term.term)}</b>\n{term.definition}"


def render_not_found(t: Translator, query: str) -> str:
    shown = query if len(query) <= MAX_ECHO else query[:MAX_ECHO] + "…"
    return t.gettext("The glossary has no entry for “{word}”.").format(word=escape(shown))
