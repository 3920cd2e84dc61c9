"""Trainers: the Trainer menu, cohorts (create, link, QR code), progress (/cohort, chart,
CSV, most-missed questions), workshop packs, and /trainers for admins."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from html import escape

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.callbacks import CohortAction, Menu, TrainerAdmin, TrainerMenu
from bot.config import SUPPORTED_LANGUAGES
from bot.context import BotContext
from bot.errors import StaleButton
from bot.keyboards.menu import back_to_menu_keyboard
from bot.keyboards.trainers import (
    back_to_cohort_keyboard,
    cancel_keyboard,
    cohort_keyboard,
    cohort_language_keyboard,
    pack_keyboard,
    skip_place_keyboard,
    trainer_menu_keyboard,
    trainers_keyboard,
)
from bot.services import cohorts
from bot.views import reports
from bot.views.trainers import (
    invite_link,
    render_cohort_card,
    render_most_missed,
    render_new_cohort_language,
    render_new_cohort_name,
    render_new_cohort_place,
    render_pack_prompt,
    render_progress,
    render_qr_caption,
    render_trainer_invitation,
    render_trainer_menu,
    render_trainer_removed,
    render_trainers,
)
from handlers.common import Turn, picked, show, turn
from handlers.menu import require_ready, unknown_command

# How long typed text counts as the answer the Trainer menu asked for.
STEP_FOR = timedelta(minutes=15)


def is_trainer(turn_: Turn) -> bool:
    return cohorts.is_trainer(turn_.user, turn_.is_admin)


def set_step(context: BotContext, turn_: Turn, step: str | None) -> None:
    if context.user_data is not None:
        context.user_data.trainer_step = step
        context.user_data.trainer_step_since = turn_.services.clock() if step else None


def current_step(context: BotContext, turn_: Turn) -> str | None:
    data = context.user_data
    if data is None or data.trainer_step is None or data.trainer_step_since is None:
        return None
    if turn_.services.clock() - data.trainer_step_since > STEP_FOR:
        return None
    return data.trainer_step


async def show_trainer_menu(
    update: Update, context: BotContext, turn_: Turn, *, edit: bool
) -> None:
    set_step(context, turn_, None)
    mine = await cohorts.cohorts_of(turn_.uow, turn_.user.id)
    await show(
        update, render_trainer_menu(turn_.t, mine), trainer_menu_keyboard(turn_.t, mine), edit=edit
    )


@turn
async def on_trainer_menu(update: Update, context: BotContext, turn_: Turn) -> None:
    """Open the Trainer menu (trainers and admins only)."""
    if not await require_ready(update, turn_):
        return
    if not is_trainer(turn_):
        raise StaleButton("trainer menu")
    await show_trainer_menu(update, context, turn_, edit=True)


@turn
async def on_trainer_action(update: Update, context: BotContext, turn_: Turn) -> None:
    """New cohort: its name (typed), language, place (typed, or Skip)."""
    action = picked(update, TrainerMenu)
    if not await require_ready(update, turn_):
        return
    if not is_trainer(turn_):
        raise StaleButton("trainer")
    t = turn_.t
    if action.action == "new":
        set_step(context, turn_, "cohort-name")
        await show(update, render_new_cohort_name(t), cancel_keyboard(t))
    elif action.action == "lang":
        name = context.user_data.new_cohort if context.user_data else None
        language = action.rest
        if name is None or language not in SUPPORTED_LANGUAGES:
            raise StaleButton(action.value)
        if context.user_data is not None:
            context.user_data.new_cohort = (name[0], language)
        set_step(context, turn_, "cohort-place")
        await show(update, render_new_cohort_place(t), skip_place_keyboard(t))
    elif action.action == "skip":
        await _create_cohort(update, context, turn_, None)
    else:
        raise StaleButton(action.value)


async def take_typed_text(update: Update, context: BotContext, turn_: Turn) -> bool:
    """A typed cohort name or place; False when the Trainer menu asked for neither (or the
    user is no trainer any more)."""
    step = current_step(context, turn_)
    if step not in ("cohort-name", "cohort-place") or not is_trainer(turn_):
        return False
    message = update.message
    if message is None:
        return False
    text = message.text
    if text is None:
        return False
    t = turn_.t
    if step == "cohort-name":
        name = cohorts.clean_text(text)
        if context.user_data is not None:
            context.user_data.new_cohort = (name, turn_.language)
        set_step(context, turn_, "cohort-language")
        await show(
            update,
            render_new_cohort_language(t),
            cohort_language_keyboard(t, turn_.services.i18n.languages),
            edit=False,
        )
        return True
    if step == "cohort-place":
        await _create_cohort(update, context, turn_, text)
        return True
    return False


async def _create_cohort(
    update: Update, context: BotContext, turn_: Turn, place: str | None
) -> None:
    draft = context.user_data.new_cohort if context.user_data else None
    if draft is None:
        raise StaleButton("no cohort being created")
    name, language = draft
    card = await cohorts.create_cohort(
        turn_.uow, turn_.user.id, name, language, place, turn_.services.clock()
    )
    if context.user_data is not None:
        context.user_data.new_cohort = None
    set_step(context, turn_, None)
    username = update.get_bot().username
    await show(
        update,
        render_cohort_card(turn_.t, card, username, turn_.language),
        cohort_keyboard(turn_.t, card.cohort.id),
        edit=update.callback_query is not None,
    )


async def show_cohort(update: Update, turn_: Turn, cohort_id: int, *, renew: bool = False) -> None:
    card = await cohorts.cohort_card(
        turn_.uow, turn_.user.id, cohort_id, turn_.services.clock(), renew=renew
    )
    await show(
        update,
        render_cohort_card(turn_.t, card, update.get_bot().username, turn_.language),
        cohort_keyboard(turn_.t, cohort_id),
        edit=update.callback_query is not None,
    )


async def show_progress(update: Update, turn_: Turn, cohort_id: int) -> None:
    progress = await cohorts.cohort_progress(
        turn_.uow, turn_.services.course, turn_.user.id, cohort_id
    )
    await show(
        update,
        render_progress(turn_.t, progress, turn_.language),
        back_to_cohort_keyboard(turn_.t, cohort_id),
        edit=update.callback_query is not None,
    )


@turn
async def on_cohort(update: Update, context: BotContext, turn_: Turn) -> None:
    """One of the trainer's cohorts: its card, progress, chart, CSV, most missed, QR code,
    a new link, workshop packs. Other trainers' cohorts are refused."""
    action = picked(update, CohortAction)
    if not await require_ready(update, turn_):
        return
    if not is_trainer(turn_):
        raise StaleButton("cohort")
    ids = action.ints(1)
    if ids is None:
        raise StaleButton(action.value)
    cohort_id = ids[0]
    services, t, uow = turn_.services, turn_.t, turn_.uow
    chat = update.effective_chat
    assert chat is not None
    if action.action == "open":
        await show_cohort(update, turn_, cohort_id)
    elif action.action == "renew":
        await show_cohort(update, turn_, cohort_id, renew=True)
    elif action.action == "prog":
        await show_progress(update, turn_, cohort_id)
    elif action.action == "qr":
        card = await cohorts.cohort_card(uow, turn_.user.id, cohort_id, services.clock())
        link = invite_link(update.get_bot().username, card.code)
        png = await asyncio.to_thread(reports.qr_png, link)
        await chat.send_photo(png, caption=render_qr_caption(t, card.cohort) + "\n" + link)
    elif action.action == "chart":
        progress = await cohorts.cohort_progress(uow, services.course, turn_.user.id, cohort_id)
        png = await asyncio.to_thread(reports.cohort_chart, t, progress)
        await chat.send_photo(
            png,
            caption=t.gettext("Progress per module: {name}").format(
                name=escape(progress.cohort.name)
            ),
        )
    elif action.action == "csv":
        progress = await cohorts.cohort_progress(uow, services.course, turn_.user.id, cohort_id)
        data = await asyncio.to_thread(reports.cohort_csv, t, progress)
        await chat.send_document(
            data,
            filename=f"cohort-{cohort_id}.csv",
            caption=t.gettext("Progress of {name} (UTF-8 CSV)").format(
                name=escape(progress.cohort.name)
            ),
        )
    elif action.action == "miss":
        cohort, missed = await cohorts.most_missed(uow, services.course, turn_.user.id, cohort_id)
        modules = services.course.modules_in(cohort.language)
        await show(
            update,
            render_most_missed(t, cohort, missed, modules),
            back_to_cohort_keyboard(t, cohort_id),
        )
    elif action.action == "pack":
        cohort = await cohorts.own_cohort(uow, turn_.user.id, cohort_id)
        modules = services.course.modules_in(cohort.language)
        await show(update, render_pack_prompt(t, cohort), pack_keyboard(t, cohort_id, modules))
    elif action.action == "mod":
        await _send_pack(
            update, turn_, cohort_id, action.rest.split("-", 1)[1] if "-" in action.rest else ""
        )
    else:
        raise StaleButton(action.value)


async def _send_pack(update: Update, turn_: Turn, cohort_id: int, module_id: str) -> None:
    services = turn_.services
    cohort = await cohorts.own_cohort(turn_.uow, turn_.user.id, cohort_id)
    module = cohorts.module_of(services.course, cohort.language, module_id)
    # The pack is in the cohort's language: the learners read it at the workshop.
    questions = services.course.questions(cohort.language, module.id)
    pdf = await asyncio.to_thread(
        reports.workshop_pack,
        services.i18n.translator(cohort.language),
        cohort,
        module,
        questions,
        services.clock(),
    )
    chat = update.effective_chat
    assert chat is not None
    await chat.send_document(
        pdf,
        filename=f"workshop-{module.number}-{module.id}-{cohort.language}.pdf",
        caption=turn_.t.gettext("Workshop pack: module {n}").format(n=module.number),
    )


@turn
async def cmd_cohort(update: Update, context: BotContext, turn_: Turn) -> None:
    """/cohort: the progress of the trainer's cohort (or the list to pick from); to others
    an unknown command."""
    if not await require_ready(update, turn_):
        return
    if not is_trainer(turn_):
        await unknown_command(update, turn_)
        return
    mine = await cohorts.cohorts_of(turn_.uow, turn_.user.id)
    if len(mine) == 1:
        await show_progress(update, turn_, mine[0].id)
    else:
        await show_trainer_menu(update, context, turn_, edit=False)


@turn
async def cmd_trainers(update: Update, context: BotContext, turn_: Turn) -> None:
    """/trainers for admins: the trainers, invite one, take the role back."""
    if not turn_.is_admin:
        await unknown_command(update, turn_)
        return
    listed = await cohorts.trainers(turn_.uow)
    await show(
        update, render_trainers(turn_.t, listed), trainers_keyboard(turn_.t, listed), edit=False
    )


@turn
async def on_trainers_admin(update: Update, context: BotContext, turn_: Turn) -> None:
    """Invite a trainer (a one-time link) or take the role back."""
    action = picked(update, TrainerAdmin)
    if not turn_.is_admin:
        raise StaleButton("admin")
    t, uow, now = turn_.t, turn_.uow, turn_.services.clock()
    if action.action == "invite":
        code = await cohorts.invite_trainer(uow, turn_.user.id, now)
        link = invite_link(update.get_bot().username, code)
        text = render_trainer_invitation(t, link, now + cohorts.TRAINER_LINK_VALID, turn_.language)
        await show(update, text, back_to_menu_keyboard(t), edit=False)
    elif action.action == "rm" and (ids := action.ints(1)) is not None:
        removed = await cohorts.remove_trainer(uow, ids[0])
        listed = await cohorts.trainers(uow)
        text = render_trainer_removed(t, ids[0], removed) + "\n\n" + render_trainers(t, listed)
        await show(update, text, trainers_keyboard(t, listed))
    else:
        raise StaleButton(action.value)


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("cohort", cmd_cohort, filters=private),
        CommandHandler("trainers", cmd_trainers, filters=private),
        CallbackQueryHandler(on_trainer_menu, pattern=Menu.only("trainer")),
        CallbackQueryHandler(on_trainer_action, pattern=TrainerMenu.matches),
        CallbackQueryHandler(on_cohort, pattern=CohortAction.matches),
        CallbackQueryHandler(on_trainers_admin, pattern=TrainerAdmin.matches),
    ]
