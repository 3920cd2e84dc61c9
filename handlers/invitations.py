"""Invitation links (`/start <code>`): join a cohort or become a trainer, after being told
what is shared; a learner's own cohorts (/cohorts) and leaving one with one tap."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.actions.invitations import AcceptTrainerRole, DeclineInvitation, JoinCohort, LeaveCohort
from bot.actions.menu import Menu
from bot.channels.telegram.context import BotContext
from bot.errors import NotReady
from bot.keyboards.menu import back_to_menu_keyboard
from bot.keyboards.onboarding import language_keyboard
from bot.keyboards.trainers import (
    became_trainer_keyboard,
    joined_keyboard,
    my_cohorts_keyboard,
    offer_keyboard,
)
from bot.services import cohorts
from bot.views.onboarding import render_language_prompt
from bot.views.trainers import (
    render_became_trainer,
    render_declined,
    render_joined,
    render_left,
    render_my_cohorts,
    render_offer,
)
from handlers.common import Turn, picked, show, turn


def _first_name(update: Update) -> str:
    user = update.effective_user
    return (user.first_name if user else "") or "?"


async def offer(update: Update, turn_: Turn, code: str) -> None:
    """Say what the code offers and what joining shares; unknown or dead codes raise with a
    clear answer (InvalidInvitation, ExpiredInvitation)."""
    found = await cohorts.look_up(turn_.uow, code, turn_.services.clock())
    trainer = found.cohort is None
    await show(
        update,
        render_offer(turn_.t, found, _first_name(update)),
        offer_keyboard(turn_.t, code, trainer=trainer),
        edit=False,
    )


async def start_with_code(update: Update, context: BotContext, turn_: Turn, code: str) -> None:
    """`/start <code>`: offer it now, or keep it until onboarding (language, consent) is
    done."""
    if turn_.ready:
        await offer(update, turn_, code)
        return
    # Checked now, so a forged code gets its answer before onboarding, not after.
    await cohorts.look_up(turn_.uow, code, turn_.services.clock())
    if context.user_data is not None:
        context.user_data.pending_invitation = code
    await show(
        update,
        render_language_prompt(turn_.t),
        language_keyboard(turn_.services.i18n.languages, turn_.language),
        edit=False,
    )


async def offer_pending(update: Update, context: BotContext, turn_: Turn) -> None:
    """After onboarding: the invitation the learner came with, if any."""
    code = context.user_data.pending_invitation if context.user_data else None
    if code is None:
        return
    if context.user_data is not None:
        context.user_data.pending_invitation = None
    await offer(update, turn_, code)


@turn
async def on_join(update: Update, context: BotContext, turn_: Turn) -> None:
    """Join the cohort the code invites to (forged, used or dead codes raise in the service)."""
    answer = picked(update, JoinCohort)
    if not turn_.ready:
        raise NotReady("invitation")
    cohort, added = await cohorts.join(
        turn_.uow, turn_.user.id, answer.code, _first_name(update), turn_.services.clock()
    )
    await show(update, render_joined(turn_.t, cohort, added), joined_keyboard(turn_.t, cohort.id))


@turn
async def on_accept_trainer_role(update: Update, context: BotContext, turn_: Turn) -> None:
    """Become a trainer with a one-time trainer invitation."""
    answer = picked(update, AcceptTrainerRole)
    if not turn_.ready:
        raise NotReady("invitation")
    await cohorts.become_trainer(turn_.uow, turn_.user, answer.code, turn_.services.clock())
    await show(update, render_became_trainer(turn_.t), became_trainer_keyboard(turn_.t))


@turn
async def on_decline(update: Update, context: BotContext, turn_: Turn) -> None:
    """No, thanks: nothing is shared, nothing changes."""
    picked(update, DeclineInvitation)
    if not turn_.ready:
        raise NotReady("invitation")
    await show(update, render_declined(turn_.t), back_to_menu_keyboard(turn_.t))


async def _my_cohorts(update: Update, turn_: Turn, *, edit: bool) -> None:
    mine = await cohorts.my_cohorts(turn_.uow, turn_.user.id)
    await show(
        update, render_my_cohorts(turn_.t, mine), my_cohorts_keyboard(turn_.t, mine), edit=edit
    )


@turn
async def cmd_cohorts(update: Update, context: BotContext, turn_: Turn) -> None:
    """List the cohorts the learner is in, each with a Leave button (allowed at any time)."""
    await _my_cohorts(update, turn_, edit=False)


@turn
async def on_my_cohorts(update: Update, context: BotContext, turn_: Turn) -> None:
    """Open Settings → My cohorts."""
    await _my_cohorts(update, turn_, edit=True)


@turn
async def on_leave(update: Update, context: BotContext, turn_: Turn) -> None:
    """Leave a cohort with one tap: the trainer no longer sees anything of the learner."""
    leave = picked(update, LeaveCohort)
    left = await cohorts.leave(turn_.uow, turn_.user.id, leave.cohort, turn_.services.clock())
    await show(update, render_left(turn_.t, left), back_to_menu_keyboard(turn_.t))


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("cohorts", cmd_cohorts, filters=private),
        CallbackQueryHandler(on_join, pattern=JoinCohort.matches),
        CallbackQueryHandler(on_accept_trainer_role, pattern=AcceptTrainerRole.matches),
        CallbackQueryHandler(on_decline, pattern=DeclineInvitation.matches),
        CallbackQueryHandler(on_leave, pattern=LeaveCohort.matches),
        CallbackQueryHandler(on_my_cohorts, pattern=Menu.only("cohorts")),
    ]
