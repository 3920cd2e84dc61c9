"""Glossary: /glossary lists terms A-Z; /glossary WORD or a typed term shows its meaning."""

from __future__ import annotations

from bot.actions.glossary import GlossaryEntry, GlossaryPage
from bot.actions.menu import Menu
from bot.conversation.router import Router
from bot.errors import StaleButton
from bot.keyboards.glossary import glossary_page_keyboard, term_keyboard
from bot.services import glossary
from bot.views.glossary import render_glossary_page, render_not_found, render_term
from handlers.common import Turn, command_args, picked, show


async def show_page(turn_: Turn, number: int, note: str = "") -> None:
    page = glossary.page(turn_.services.course, turn_.language, number)
    if page is None:
        raise StaleButton("glossary page")
    text = render_glossary_page(turn_.t, page)
    await show(turn_, f"{note}\n\n{text}" if note else text, glossary_page_keyboard(turn_.t, page))


async def show_term(turn_: Turn, term_id: str, *, edit: bool) -> None:
    course = turn_.services.course
    term = glossary.find(course, turn_.language, term_id)
    if term is None:
        raise StaleButton("glossary term")
    number = glossary.page_of(course, turn_.language, term.id)
    await show(turn_, render_term(term), term_keyboard(turn_.t, number), edit=edit)


async def cmd_glossary(turn_: Turn) -> None:
    """List the glossary, or define the word given after the command."""
    query = " ".join(command_args(turn_) or [])
    if not query:
        await show_page(turn_, 0)
        return
    term = glossary.lookup(turn_.services.course, turn_.language, query)
    if term is None:
        await show_page(turn_, 0, render_not_found(turn_.t, query))
    else:
        await show_term(turn_, term.id, edit=False)


async def on_glossary_menu(turn_: Turn) -> None:
    """Open the glossary from the main menu."""
    await show_page(turn_, 0)


async def on_page(turn_: Turn) -> None:
    """Turn a glossary page."""
    await show_page(turn_, picked(turn_, GlossaryPage).page)


async def on_term(turn_: Turn) -> None:
    """Show one term's definition."""
    await show_term(turn_, picked(turn_, GlossaryEntry).term_id, edit=True)


def routes(router: Router) -> None:
    router.command("glossary", cmd_glossary)
    router.choice(Menu("glossary"), on_glossary_menu)
    router.action(GlossaryPage, on_page)
    router.action(GlossaryEntry, on_term)
