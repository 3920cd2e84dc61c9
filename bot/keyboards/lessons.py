"""Buttons under lesson cards, module lists and progress."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import FinishModule, Menu, OpenModule, ShowCard
from bot.content import CardPlace
from bot.i18n import Translator
from bot.services.lessons import ModuleFinished, ModuleProgress
from bot.views.lessons import module_label


def card_keyboard(t: Translator, place: CardPlace) -> InlineKeyboardMarkup:
    row = []
    if place.previous_id:
        row.append(
            InlineKeyboardButton("◀ " + t.gettext("Back"), callback_data=ShowCard(place.previous_id).pack())
        )
    if place.next_id:
        row.append(
            InlineKeyboardButton(t.gettext("Next") + " ▶", callback_data=ShowCard(place.next_id).pack())
        )
    else:
        row.append(
            InlineKeyboardButton(
                t.gettext("Finish module") + " ✓",
                callback_data=FinishModule(place.module.id).pack(),
            )
        )
    return InlineKeyboardMarkup(
        [row, [InlineKeyboardButton("☰ " + t.gettext("Menu"), callback_data=Menu("main").pack())]]
    )


def modules_keyboard(t: Translator, modules: list[ModuleProgress]) -> InlineKeyboardMarkup:
    rows = [
        [InlineKeyboardButton(module_label(p), callback_data=OpenModule(p.module.id).pack())]
        for p in modules
    ]
    rows.append([InlineKeyboardButton("☰ " + t.gettext("Menu"), callback_data=Menu("main").pack())])
    return InlineKeyboardMarkup(rows)


def progress_keyboard(t: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("▶ " + t.gettext("Continue"), callback_data=Menu("continue").pack())],
            [InlineKeyboardButton("☰ " + t.gettext("Menu"), callback_data=Menu("main").pack())],
        ]
    )


def finished_keyboard(t: Translator, finished: ModuleFinished) -> InlineKeyboardMarkup:
    rows = []
    if finished.next_module is not None:
        rows.append(
            [
                InlineKeyboardButton(
                    "▶ " + t.gettext("Start module {number}").format(number=finished.next_module.number),
                    callback_data=OpenModule(finished.next_module.id).pack(),
                )
            ]
        )
    rows.append([InlineKeyboardButton("☰ " + t.gettext("Menu"), callback_data=Menu("main").pack())])
    return InlineKeyboardMarkup(rows)
