"""Privacy: /privacy shows what is stored, /deleteme erases it after a confirmation, /stop
opts out of everything the bot sends on its own (/start opts back in, handlers.start)."""

from __future__ import annotations

from bot.actions.menu import DeleteData, Menu
from bot.conversation.router import Router
from bot.keyboards.account import delete_keyboard
from bot.keyboards.menu import back_to_menu_keyboard
from bot.services import learners
from bot.views.account import (
    render_delete_confirm,
    render_deleted,
    render_kept,
    render_opted_out,
    render_privacy,
)
from handlers.common import Turn, picked, show


async def _privacy(turn_: Turn, *, edit: bool) -> None:
    report = await learners.privacy_report(turn_.uow, turn_.user.id)
    await show(
        turn_,
        render_privacy(turn_.t, report, turn_.language),
        back_to_menu_keyboard(turn_.t),
        edit=edit,
    )


async def cmd_privacy(turn_: Turn) -> None:
    """Show everything stored about the user (allowed at any time)."""
    await _privacy(turn_, edit=False)


async def on_privacy(turn_: Turn) -> None:
    """Show what is stored, from Settings."""
    await _privacy(turn_, edit=True)


async def cmd_deleteme(turn_: Turn) -> None:
    """Ask for confirmation before deleting the user's data."""
    await show(turn_, render_delete_confirm(turn_.t), delete_keyboard(turn_.t), edit=False)


async def on_delete(turn_: Turn) -> None:
    """Handle the confirmation buttons: ask, yes (delete everything) or no."""
    answer = picked(turn_, DeleteData)
    if answer.step == "ask":
        await show(turn_, render_delete_confirm(turn_.t), delete_keyboard(turn_.t))
    elif answer.step == "yes":
        services = turn_.services
        await learners.delete_everything(
            turn_.uow, turn_.user.id, services.clock(), services.audio
        )
        # nothing typed before the deletion may be sent after it ("Ask a person")
        turn_.memory.forget()
        await turn_.services.forget_person(turn_.user.id)
        turn_.memory.language = None
        await show(turn_, render_deleted(turn_.t))
    else:
        await show(turn_, render_kept(turn_.t), back_to_menu_keyboard(turn_.t))


async def cmd_stop(turn_: Turn) -> None:
    """Opt out of reminders, announcements and consultation notices (allowed at any time;
    the typed word STOP on WhatsApp)."""
    await learners.opt_out(turn_.uow, turn_.user.id, turn_.services.clock())
    keyboard = back_to_menu_keyboard(turn_.t) if turn_.ready else None
    await show(turn_, render_opted_out(turn_.t), keyboard, edit=False)


def routes(router: Router) -> None:
    router.command("privacy", cmd_privacy)
    router.command("deleteme", cmd_deleteme)
    router.command("stop", cmd_stop)
    router.choice(Menu("privacy"), on_privacy)
    router.action(DeleteData, on_delete)
