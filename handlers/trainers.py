"""Trainers: the Trainer menu, cohorts (create, link, QR code), progress (/cohort, chart,
CSV, most-missed questions), workshop packs, and /trainers for admins."""

from __future__ import annotations

import asyncio
from html import escape

from telegram import Chat, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.actions.menu import Menu
from bot.actions.trainers import (
    CohortChart,
    CohortCsv,
    CohortLanguage,
    CohortMissed,
    CohortPacks,
    CohortProgress,
    CohortQr,
    InviteTrainer,
    ModulePack,
    NewCohort,
    OpenCohort,
    RemoveTrainer,
    RenewCohortLink,
    SkipCohortPlace,
)
from bot.channels.telegram.context import BotContext
from bot.config import SUPPORTED_LANGUAGES
from bot.documents import reports
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
from bot.waiting import CohortName, CohortPlace
from handlers.common import Turn, picked, show, turn, wait, waiting_for
from handlers.menu import require_ready, unknown_command

# How long typed text counts as the answer the Trainer menu asked for.


def is_trainer(turn_: Turn) -> bool:
    return cohorts.is_trainer(turn_.user, turn_.is_admin)


async def show_trainer_menu(
    update: Update, context: BotContext, turn_: Turn, *, edit: bool
) -> None:
    wait(context, None)
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


async def _may_train(update: Update, turn_: Turn, what: str) -> bool:
    """Onboarding done (else it is asked for, False) and a trainer or admin (else the button
    is refused as stale: learners have no trainer buttons)."""
    if not await require_ready(update, turn_):
        return False
    if not is_trainer(turn_):
        raise StaleButton(what)
    return True


@turn
async def on_new_cohort(update: Update, context: BotContext, turn_: Turn) -> None:
    """New cohort: ask for its name (typed), then its language and place."""
    picked(update, NewCohort)
    if not await _may_train(update, turn_, "trainer"):
        return
    wait(context, CohortName(turn_.services.clock()))
    await show(update, render_new_cohort_name(turn_.t), cancel_keyboard(turn_.t))


@turn
async def on_cohort_language(update: Update, context: BotContext, turn_: Turn) -> None:
    """The new cohort's language; then ask for its place (typed, or Skip)."""
    action = picked(update, CohortLanguage)
    if not await _may_train(update, turn_, "trainer"):
        return
    draft = waiting_for(context, CohortPlace)
    if draft is None or action.language not in SUPPORTED_LANGUAGES:
        raise StaleButton(action.pack())
    wait(context, CohortPlace(turn_.services.clock(), name=draft.name, language=action.language))
    await show(update, render_new_cohort_place(turn_.t), skip_place_keyboard(turn_.t))


@turn
async def on_skip_cohort_place(update: Update, context: BotContext, turn_: Turn) -> None:
    """No place for the new cohort: create it now."""
    picked(update, SkipCohortPlace)
    if not await _may_train(update, turn_, "trainer"):
        return
    await _create_cohort(update, context, turn_, None)


async def take_typed_text(update: Update, context: BotContext, turn_: Turn) -> bool:
    """A typed cohort name or place; False when the Trainer menu asked for neither (or the
    user is no trainer any more)."""
    naming, placing = waiting_for(context, CohortName), waiting_for(context, CohortPlace)
    if not is_trainer(turn_):
        return False
    message = update.message
    if message is None:
        return False
    text = message.text
    if text is None:
        return False
    t = turn_.t
    if naming is not None:
        name = cohorts.clean_text(text)
        # the language comes next (a button); the name waits with the draft
        wait(context, CohortPlace(turn_.services.clock(), name=name, language=""))
        await show(
            update,
            render_new_cohort_language(t),
            cohort_language_keyboard(t, turn_.services.i18n.languages),
            edit=False,
        )
        return True
    if placing is not None and placing.language:
        await _create_cohort(update, context, turn_, text)
        return True
    return False


async def _create_cohort(
    update: Update, context: BotContext, turn_: Turn, place: str | None
) -> None:
    draft = waiting_for(context, CohortPlace)
    if draft is None or not draft.language:
        raise StaleButton("no cohort being created")
    card = await cohorts.create_cohort(
        turn_.uow, turn_.user.id, draft.name, draft.language, place, turn_.services.clock()
    )
    wait(context, None)
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


# One handler per button on a cohort: each checks the trainer's role here; the cohort
# being one of theirs is checked by the service (NotYourCohort for anyone else's or a forged
# id).


@turn
async def on_open_cohort(update: Update, context: BotContext, turn_: Turn) -> None:
    """One of the trainer's cohorts: its card (link, members) and what can be done with it."""
    action = picked(update, OpenCohort)
    if await _may_train(update, turn_, "cohort"):
        await show_cohort(update, turn_, action.cohort)


@turn
async def on_renew_cohort_link(update: Update, context: BotContext, turn_: Turn) -> None:
    """A new invitation link for the cohort; the old one stops working."""
    action = picked(update, RenewCohortLink)
    if await _may_train(update, turn_, "cohort"):
        await show_cohort(update, turn_, action.cohort, renew=True)


@turn
async def on_cohort_progress(update: Update, context: BotContext, turn_: Turn) -> None:
    """Each member's modules and quiz results."""
    action = picked(update, CohortProgress)
    if await _may_train(update, turn_, "cohort"):
        await show_progress(update, turn_, action.cohort)


@turn
async def on_cohort_qr(update: Update, context: BotContext, turn_: Turn) -> None:
    """The cohort's invitation link as a QR code, to show at a workshop."""
    action = picked(update, CohortQr)
    if not await _may_train(update, turn_, "cohort"):
        return
    card = await cohorts.cohort_card(
        turn_.uow, turn_.user.id, action.cohort, turn_.services.clock()
    )
    link = invite_link(update.get_bot().username, card.code)
    png = await asyncio.to_thread(reports.qr_png, link)
    await _chat(update).send_photo(
        png, caption=render_qr_caption(turn_.t, card.cohort) + "\n" + link
    )


@turn
async def on_cohort_chart(update: Update, context: BotContext, turn_: Turn) -> None:
    """Progress per module, as a chart."""
    action = picked(update, CohortChart)
    if not await _may_train(update, turn_, "cohort"):
        return
    t = turn_.t
    progress = await cohorts.cohort_progress(
        turn_.uow, turn_.services.course, turn_.user.id, action.cohort
    )
    png = await asyncio.to_thread(reports.cohort_chart, t, progress)
    await _chat(update).send_photo(
        png,
        caption=t.gettext("Progress per module: {name}").format(name=escape(progress.cohort.name)),
    )


@turn
async def on_cohort_csv(update: Update, context: BotContext, turn_: Turn) -> None:
    """The members' progress as a CSV file."""
    action = picked(update, CohortCsv)
    if not await _may_train(update, turn_, "cohort"):
        return
    t = turn_.t
    progress = await cohorts.cohort_progress(
        turn_.uow, turn_.services.course, turn_.user.id, action.cohort
    )
    data = await asyncio.to_thread(reports.cohort_csv, t, progress)
    await _chat(update).send_document(
        data,
        filename=f"cohort-{action.cohort}.csv",
        caption=t.gettext("Progress of {name} (UTF-8 CSV)").format(
            name=escape(progress.cohort.name)
        ),
    )


@turn
async def on_cohort_missed(update: Update, context: BotContext, turn_: Turn) -> None:
    """The quiz questions the cohort missed most."""
    action = picked(update, CohortMissed)
    if not await _may_train(update, turn_, "cohort"):
        return
    services, t = turn_.services, turn_.t
    cohort, missed = await cohorts.most_missed(
        turn_.uow, services.course, turn_.user.id, action.cohort
    )
    modules = services.course.modules_in(cohort.language)
    await show(
        update,
        render_most_missed(t, cohort, missed, modules),
        back_to_cohort_keyboard(t, action.cohort),
    )


@turn
async def on_cohort_packs(update: Update, context: BotContext, turn_: Turn) -> None:
    """Workshop packs: pick a module."""
    action = picked(update, CohortPacks)
    if not await _may_train(update, turn_, "cohort"):
        return
    cohort = await cohorts.own_cohort(turn_.uow, turn_.user.id, action.cohort)
    modules = turn_.services.course.modules_in(cohort.language)
    await show(
        update,
        render_pack_prompt(turn_.t, cohort),
        pack_keyboard(turn_.t, action.cohort, modules),
    )


@turn
async def on_module_pack(update: Update, context: BotContext, turn_: Turn) -> None:
    """One module's workshop pack, as a PDF in the cohort's language."""
    action = picked(update, ModulePack)
    if await _may_train(update, turn_, "cohort"):
        await _send_pack(update, turn_, action.cohort, action.module_id)


def _chat(update: Update) -> Chat:
    chat = update.effective_chat
    assert chat is not None
    return chat


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
async def on_invite_trainer(update: Update, context: BotContext, turn_: Turn) -> None:
    """Admins: a one-time link that makes its user a trainer."""
    picked(update, InviteTrainer)
    if not turn_.is_admin:
        raise StaleButton("admin")
    t, now = turn_.t, turn_.services.clock()
    code = await cohorts.invite_trainer(turn_.uow, turn_.user.id, now)
    link = invite_link(update.get_bot().username, code)
    text = render_trainer_invitation(t, link, now + cohorts.TRAINER_LINK_VALID, turn_.language)
    await show(update, text, back_to_menu_keyboard(t), edit=False)


@turn
async def on_remove_trainer(update: Update, context: BotContext, turn_: Turn) -> None:
    """Admins: take the trainer role back, then the list again."""
    action = picked(update, RemoveTrainer)
    if not turn_.is_admin:
        raise StaleButton("admin")
    t, uow = turn_.t, turn_.uow
    removed = await cohorts.remove_trainer(uow, action.user)
    listed = await cohorts.trainers(uow)
    label = await cohorts.label_of(uow, action.user)
    text = render_trainer_removed(t, label, removed) + "\n\n" + render_trainers(t, listed)
    await show(update, text, trainers_keyboard(t, listed))


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("cohort", cmd_cohort, filters=private),
        CommandHandler("trainers", cmd_trainers, filters=private),
        CallbackQueryHandler(on_trainer_menu, pattern=Menu.only("trainer")),
        CallbackQueryHandler(on_new_cohort, pattern=NewCohort.matches),
        CallbackQueryHandler(on_cohort_language, pattern=CohortLanguage.matches),
        CallbackQueryHandler(on_skip_cohort_place, pattern=SkipCohortPlace.matches),
        CallbackQueryHandler(on_open_cohort, pattern=OpenCohort.matches),
        CallbackQueryHandler(on_renew_cohort_link, pattern=RenewCohortLink.matches),
        CallbackQueryHandler(on_cohort_progress, pattern=CohortProgress.matches),
        CallbackQueryHandler(on_cohort_qr, pattern=CohortQr.matches),
        CallbackQueryHandler(on_cohort_chart, pattern=CohortChart.matches),
        CallbackQueryHandler(on_cohort_csv, pattern=CohortCsv.matches),
        CallbackQueryHandler(on_cohort_missed, pattern=CohortMissed.matches),
        CallbackQueryHandler(on_cohort_packs, pattern=CohortPacks.matches),
        CallbackQueryHandler(on_module_pack, pattern=ModulePack.matches),
        CallbackQueryHandler(on_invite_trainer, pattern=InviteTrainer.matches),
        CallbackQueryHandler(on_remove_trainer, pattern=RemoveTrainer.matches),
    ]
