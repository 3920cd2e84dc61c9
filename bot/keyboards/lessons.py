"""Buttons under lesson cards, module lists and progress."""

from __future__ import annotations

from bot.actions.lessons import FinishModule, OpenModule, ShowCard
from bot.actions.menu import Menu
from bot.actions.quizzes import QuizStart
from bot.content import CardPlace
from bot.i18n import Translator
from bot.keyboards import button
from bot.keyboards.recordings import listen_button, read_button, record_button
from bot.screens import Keyboard, keyboard
from bot.services.lessons import ModuleFinished, ModuleProgress
from bot.views.lessons import module_label


def card_keyboard(
    t: Translator,
    place: CardPlace,
    *,
    listen: bool = False,
    read: bool = False,
    record: bool = False,
) -> Keyboard:
    """Back / Next, then 🔊 Listen where approved audio exists in the learner's listening
    language (📖 Read under a card sent audio first) and 🎙 Record this card for trainers
    and admins."""
    row = []
    if place.previous_id:
        row.append(button("◀ " + t.gettext("Back"), ShowCard(place.previous_id)))
    if place.next_id:
        row.append(button(t.gettext("Next") + " ▶", ShowCard(place.next_id)))
    else:
        row.append(button(t.gettext("Finish module") + " ✓", FinishModule(place.module.id)))
    rows = [row]
    audio = [listen_button(t, place.card.id)] if listen else []
    if read:
        audio.append(read_button(t, place.card.id))
    if record:
        audio.append(record_button(t, place.card.id))
    rows.append(audio)
    if place.lesson_index == 0 and place.card_index == 0:
        # The module's first screen: a learner may check what they know before reading.
        rows.append([button("📝 " + t.gettext("Test yourself first"), QuizStart(place.module.id))])
    rows.append([button("☰ " + t.gettext("Menu"), Menu("main"))])
    return keyboard(rows)


def modules_keyboard(t: Translator, modules: list[ModuleProgress]) -> Keyboard:
    rows = [[button(module_label(p), OpenModule(p.module.id))] for p in modules]
    rows.append([button("☰ " + t.gettext("Menu"), Menu("main"))])
    return keyboard(rows)


def progress_keyboard(t: Translator) -> Keyboard:
    return keyboard(
        [
            [button("▶ " + t.gettext("Continue"), Menu("continue"))],
            [button("☰ " + t.gettext("Menu"), Menu("main"))],
        ]
    )


def finished_keyboard(t: Translator, finished: ModuleFinished) -> Keyboard:
    rows = [[button("📝 " + t.gettext("Take the quiz"), QuizStart(finished.module.id))]]
    if finished.next_module is not None:
        rows.append(
            [
                button(
                    "▶ "
                    + t.gettext("Start module {number}").format(
                        number=finished.next_module.number
                    ),
                    OpenModule(finished.next_module.id),
                )
            ]
        )
    rows.append([button("☰ " + t.gettext("Menu"), Menu("main"))])
    return keyboard(rows)
