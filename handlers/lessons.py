"""Lessons: continue, modules, cards with Back / Next, module completion, progress."""

from __future__ import annotations

from bot.actions.lessons import FinishModule, OpenModule, ShowCard
from bot.actions.menu import Menu
from bot.actions.recordings import ReadCard
from bot.content import CardPlace
from bot.conversation.ports import OutFile
from bot.conversation.router import Router
from bot.keyboards.lessons import (
    card_keyboard,
    finished_keyboard,
    modules_keyboard,
    progress_keyboard,
)
from bot.services import lessons
from bot.views.lessons import render_card, render_module_finished, render_modules, render_progress
from handlers import recordings
from handlers.common import Turn, picked, show
from handlers.menu import require_ready


async def show_card(turn_: Turn, place: CardPlace, *, read: bool = False) -> None:
    """Render a card in place; a card with a picture sends the picture first, then the text.
    Audio first (Settings → Listening) sends a card that has a recording as its voice note
    with its buttons instead, unless the learner asked to read it (`read`)."""
    recording = await recordings.card_audio(turn_, place)
    buttons = card_keyboard(turn_.t, place, listen=recording is not None, record=turn_.is_trainer)
    if recording is not None and turn_.user.audio_first and not read:
        audio_buttons = card_keyboard(turn_.t, place, read=True, record=turn_.is_trainer)
        await recordings.send_audio_first(turn_, place, recording, audio_buttons)
        return
    image = place.card.image
    if image is not None:
        await turn_.reply.send_file(OutFile(image.read_bytes(), image.name, "photo"))
        await show(turn_, render_card(turn_.t, place), buttons, edit=False)
        return
    await show(turn_, render_card(turn_.t, place), buttons)


async def on_read(turn_: Turn) -> None:
    """📖 Read: the text of a card sent audio first."""
    card_id = picked(turn_, ReadCard).card_id
    if not await require_ready(turn_):
        return
    s = turn_.services
    place = await lessons.open_card(
        turn_.uow, s.course, turn_.user.id, turn_.language, card_id, s.clock()
    )
    await show_card(turn_, place, read=True)


async def on_continue(turn_: Turn) -> None:
    """Resume at the exact card where the learner stopped."""
    if not await require_ready(turn_):
        return
    s = turn_.services
    place = await lessons.resume(turn_.uow, s.course, turn_.user.id, turn_.language, s.clock())
    await show_card(turn_, place)


async def on_modules(turn_: Turn) -> None:
    """List the modules with a tick for the finished ones."""
    if not await require_ready(turn_):
        return
    items = await lessons.progress(turn_.uow, turn_.services.course, turn_.user.id, turn_.language)
    await show(turn_, render_modules(turn_.t), modules_keyboard(turn_.t, items))


async def on_open_module(turn_: Turn) -> None:
    """Enter a module where the learner last was in it."""
    module_id = picked(turn_, OpenModule).module_id
    if not await require_ready(turn_):
        return
    s = turn_.services
    place = await lessons.open_module(
        turn_.uow, s.course, turn_.user.id, turn_.language, module_id, s.clock()
    )
    await show_card(turn_, place)


async def on_card(turn_: Turn) -> None:
    """Back / Next: show the card the button names (unknown ids are stale buttons)."""
    card_id = picked(turn_, ShowCard).card_id
    if not await require_ready(turn_):
        return
    s = turn_.services
    place = await lessons.open_card(
        turn_.uow, s.course, turn_.user.id, turn_.language, card_id, s.clock()
    )
    await show_card(turn_, place)


async def on_finish(turn_: Turn) -> None:
    """Congratulate the learner at the end of a module and offer the next one."""
    module_id = picked(turn_, FinishModule).module_id
    if not await require_ready(turn_):
        return
    s = turn_.services
    finished = await lessons.finish_module(
        turn_.uow, s.course, turn_.user.id, turn_.language, module_id, s.clock()
    )
    await show(
        turn_, render_module_finished(turn_.t, finished), finished_keyboard(turn_.t, finished)
    )


async def _progress(turn_: Turn, *, edit: bool) -> None:
    if not await require_ready(turn_):
        return
    items = await lessons.progress(turn_.uow, turn_.services.course, turn_.user.id, turn_.language)
    await show(turn_, render_progress(turn_.t, items), progress_keyboard(turn_.t), edit=edit)


async def cmd_progress(turn_: Turn) -> None:
    """Show each module's completion."""
    await _progress(turn_, edit=False)


async def on_progress(turn_: Turn) -> None:
    """Show each module's completion from the menu."""
    await _progress(turn_, edit=True)


def routes(router: Router) -> None:
    router.command("progress", cmd_progress)
    router.choice(Menu("continue"), on_continue)
    router.choice(Menu("modules"), on_modules)
    router.choice(Menu("progress"), on_progress)
    router.action(OpenModule, on_open_module)
    router.action(ShowCard, on_card)
    router.action(FinishModule, on_finish)
    router.action(ReadCard, on_read)
