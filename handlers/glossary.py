"""Glossary: /glossary lists terms A-Z; /glossary WORD or a typed term shows its meaning."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.actions.glossary import GlossaryEntry, GlossaryPage
from bot.actions.menu import Menu
from bot.channels.telegram.context import BotContext
from bot.errors import StaleButton
from bot.keyboards.glossary import glossary_page_keyboard, term_keyboard
from bot.services import glossary
from bot.views.glossary import render_glossary_page, render_not_found, render_term
from handlers.common import Turn, picked, show, turn


async def show_page(update: Update, turn_: Turn, number: int, note: str = "") -> None:
    page = glossary.page(turn_.services.course, turn_.language, number)
    if page is None:
        raise StaleButton("glossary page")
    text = render_glossary_page(turn_.t, page)
    await show(
        update, f"{note}\n\n{text}" if note else text, glossary_page_keyboard(turn_.t, page)
    )


async def show_term(update: Update, turn_: Turn, term_id: str, *, edit: bool) -> None:
    course = turn_.services.course
    term = glossary.find(course, turn_.language, term_id)
    if term is None:
        raise StaleButton("glossary term")
    number = glossary.page_of(course, turn_.language, term.id)
    await show(update, render_term(term), term_keyboard(turn_.t, number), edit=edit)


@turn
async def cmd_glossary(update: Update, context: BotContext, turn_: Turn) -> None:
    """List the glossary, or define the word given after the command."""
    query = " ".join(context.args or [])
    if not query:
        await show_page(update, turn_, 0)
        return
    term = glossary.lookup(turn_.services.course, turn_.language, query)
    if term is None:
        await show_page(update, turn_, 0, render_not_found(turn_.t, query))
    else:
        await show_term(update, turn_, term.id, edit=False)


@turn
async def on_glossary_menu(update: Update, context: BotContext, turn_: Turn) -> None:
    """Open the glossary from the main menu."""
    await show_page(update, turn_, 0)


@turn
async def on_page(update: Update, context: BotContext, turn_: Turn) -> None:
    """Turn a glossary page."""
    await show_page(update, turn_, picked(update, GlossaryPage).page)


@turn
async def on_term(update: Update, context: BotContext, turn_: Turn) -> None:
    """Show one term's definition."""
    await show_term(update, turn_, picked(update, GlossaryEntry).term_id, edit=True)


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("glossary", cmd_glossary, filters=private),
        CallbackQueryHandler(on_glossary_menu, pattern=Menu.only("glossary")),
        CallbackQueryHandler(on_page, pattern=GlossaryPage.matches),
        CallbackQueryHandler(on_term, pattern=GlossaryEntry.matches),
    ]
