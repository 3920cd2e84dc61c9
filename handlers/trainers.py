"""Trainers: the Trainer menu, cohorts (create, link, QR code), progress (/cohort, chart,
CSV, most-missed questions), workshop packs, and /trainers for admins."""

from __future__ import annotations

import asyncio
from html import escape

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
from bot.config import SUPPORTED_LANGUAGES
from bot.conversation.ports import OutFile
from bot.conversation.router import Router
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
from handlers.common import (
    Turn,
    file_in_background,
    invite_links,
    picked,
    show,
    typed_text,
    wait,
    waiting_for,
)
from handlers.menu import require_ready, unknown_command

# How long typed text counts as the answer the Trainer menu asked for.


def is_trainer(turn_: Turn) -> bool:
    return cohorts.is_trainer(turn_.user, turn_.is_admin)


async def show_trainer_menu(turn_: Turn, *, edit: bool) -> None:
    wait(turn_, None)
    mine = await cohorts.cohorts_of(turn_.uow, turn_.user.id)
    await show(
        turn_, render_trainer_menu(turn_.t, mine), trainer_menu_keyboard(turn_.t, mine), edit=edit
    )


async def on_trainer_menu(turn_: Turn) -> None:
    """Open the Trainer menu (trainers and admins only)."""
    if not await require_ready(turn_):
        return
    if not is_trainer(turn_):
        raise StaleButton("trainer menu")
    await show_trainer_menu(turn_, edit=True)


async def _may_train(turn_: Turn, what: str) -> bool:
    """Onboarding done (else it is asked for, False) and a trainer or admin (else the button
    is refused as stale: learners have no trainer buttons)."""
    if not await require_ready(turn_):
        return False
    if not is_trainer(turn_):
        raise StaleButton(what)
    return True


async def on_new_cohort(turn_: Turn) -> None:
    """New cohort: ask for its name (typed), then its language and place."""
    picked(turn_, NewCohort)
    if not await _may_train(turn_, "trainer"):
        return
    wait(turn_, CohortName(turn_.services.clock()))
    await show(turn_, render_new_cohort_name(turn_.t), cancel_keyboard(turn_.t))


async def on_cohort_language(turn_: Turn) -> None:
    """The new cohort's language; then ask for its place (typed, or Skip)."""
    action = picked(turn_, CohortLanguage)
    if not await _may_train(turn_, "trainer"):
        return
    draft = waiting_for(turn_, CohortPlace)
    if draft is None or action.language not in SUPPORTED_LANGUAGES:
        raise StaleButton(action.pack())
    wait(turn_, CohortPlace(turn_.services.clock(), name=draft.name, language=action.language))
    await show(turn_, render_new_cohort_place(turn_.t), skip_place_keyboard(turn_.t))


async def on_skip_cohort_place(turn_: Turn) -> None:
    """No place for the new cohort: create it now."""
    picked(turn_, SkipCohortPlace)
    if not await _may_train(turn_, "trainer"):
        return
    await _create_cohort(turn_, None)


async def take_typed_text(turn_: Turn) -> bool:
    """A typed cohort name or place; False when the Trainer menu asked for neither (or the
    user is no trainer any more)."""
    naming, placing = waiting_for(turn_, CohortName), waiting_for(turn_, CohortPlace)
    if not is_trainer(turn_):
        return False
    text = typed_text(turn_)
    if text is None:
        return False
    t = turn_.t
    if naming is not None:
        name = cohorts.clean_text(text)
        # the language comes next (a button); the name waits with the draft
        wait(turn_, CohortPlace(turn_.services.clock(), name=name, language=""))
        await show(
            turn_,
            render_new_cohort_language(t),
            cohort_language_keyboard(t, turn_.services.i18n.languages),
            edit=False,
        )
        return True
    if placing is not None and placing.language:
        await _create_cohort(turn_, text)
        return True
    return False


async def _create_cohort(turn_: Turn, place: str | None) -> None:
    draft = waiting_for(turn_, CohortPlace)
    if draft is None or not draft.language:
        raise StaleButton("no cohort being created")
    card = await cohorts.create_cohort(
        turn_.uow, turn_.user.id, draft.name, draft.language, place, turn_.services.clock()
    )
    wait(turn_, None)
    await show(
        turn_,
        render_cohort_card(turn_.t, card, invite_links(turn_, card.code), turn_.language),
        cohort_keyboard(turn_.t, card.cohort.id),
        edit=turn_.pressed,
    )


async def show_cohort(turn_: Turn, cohort_id: int, *, renew: bool = False) -> None:
    card = await cohorts.cohort_card(
        turn_.uow, turn_.user.id, cohort_id, turn_.services.clock(), renew=renew
    )
    await show(
        turn_,
        render_cohort_card(turn_.t, card, invite_links(turn_, card.code), turn_.language),
        cohort_keyboard(turn_.t, cohort_id),
        edit=turn_.pressed,
    )


async def show_progress(turn_: Turn, cohort_id: int) -> None:
    progress = await cohorts.cohort_progress(
        turn_.uow, turn_.services.course, turn_.user.id, cohort_id
    )
    await show(
        turn_,
        render_progress(turn_.t, progress, turn_.language),
        back_to_cohort_keyboard(turn_.t, cohort_id),
        edit=turn_.pressed,
    )


# One handler per button on a cohort: each checks the trainer's role here; the cohort
# being one of theirs is checked by the service (NotYourCohort for anyone else's or a forged
# id).


async def on_open_cohort(turn_: Turn) -> None:
    """One of the trainer's cohorts: its card (link, members) and what can be done with it."""
    action = picked(turn_, OpenCohort)
    if await _may_train(turn_, "cohort"):
        await show_cohort(turn_, action.cohort)


async def on_renew_cohort_link(turn_: Turn) -> None:
    """A new invitation link for the cohort; the old one stops working."""
    action = picked(turn_, RenewCohortLink)
    if await _may_train(turn_, "cohort"):
        await show_cohort(turn_, action.cohort, renew=True)


async def on_cohort_progress(turn_: Turn) -> None:
    """Each member's modules and quiz results."""
    action = picked(turn_, CohortProgress)
    if await _may_train(turn_, "cohort"):
        await show_progress(turn_, action.cohort)


async def on_cohort_qr(turn_: Turn) -> None:
    """The cohort's invitation link as a QR code, to show at a workshop."""
    action = picked(turn_, CohortQr)
    if not await _may_train(turn_, "cohort"):
        return
    card = await cohorts.cohort_card(
        turn_.uow, turn_.user.id, action.cohort, turn_.services.clock()
    )
    links = invite_links(turn_, card.code)
    for link in links:  # one code per channel, each named when there are several
        png = await asyncio.to_thread(reports.qr_png, link.url)
        title, name = render_qr_caption(turn_.t, card.cohort), f"cohort-{action.cohort}-qr"
        if len(links) > 1:
            title, name = f"{title} ({link.channel})", f"{name}-{link.channel.lower()}"
        await turn_.reply.send_file(OutFile(png, f"{name}.png", "photo"), title + "\n" + link.url)


async def on_cohort_chart(turn_: Turn) -> None:
    """Progress per module, as a chart (drawn in the background)."""
    action = picked(turn_, CohortChart)
    if not await _may_train(turn_, "cohort"):
        return
    t = turn_.t
    progress = await cohorts.cohort_progress(
        turn_.uow, turn_.services.course, turn_.user.id, action.cohort
    )
    caption = t.gettext("Progress per module: {name}").format(name=escape(progress.cohort.name))
    name = f"cohort-{action.cohort}-chart.png"
    await file_in_background(
        turn_, lambda: OutFile(reports.cohort_chart(t, progress), name, "photo"), caption
    )


async def on_cohort_csv(turn_: Turn) -> None:
    """The members' progress as a CSV file (made in the background)."""
    action = picked(turn_, CohortCsv)
    if not await _may_train(turn_, "cohort"):
        return
    t = turn_.t
    progress = await cohorts.cohort_progress(
        turn_.uow, turn_.services.course, turn_.user.id, action.cohort
    )
    caption = t.gettext("Progress of {name} (UTF-8 CSV)").format(name=escape(progress.cohort.name))
    name = f"cohort-{action.cohort}.csv"
    await file_in_background(
        turn_, lambda: OutFile(reports.cohort_csv(t, progress), name), caption
    )


async def on_cohort_missed(turn_: Turn) -> None:
    """The quiz questions the cohort missed most."""
    action = picked(turn_, CohortMissed)
    if not await _may_train(turn_, "cohort"):
        return
    services, t = turn_.services, turn_.t
    cohort, missed = await cohorts.most_missed(
        turn_.uow, services.course, turn_.user.id, action.cohort
    )
    modules = services.course.modules_in(cohort.language)
    await show(
        turn_,
        render_most_missed(t, cohort, missed, modules),
        back_to_cohort_keyboard(t, action.cohort),
    )


async def on_cohort_packs(turn_: Turn) -> None:
    """Workshop packs: pick a module."""
    action = picked(turn_, CohortPacks)
    if not await _may_train(turn_, "cohort"):
        return
    cohort = await cohorts.own_cohort(turn_.uow, turn_.user.id, action.cohort)
    modules = turn_.services.course.modules_in(cohort.language)
    await show(
        turn_,
        render_pack_prompt(turn_.t, cohort),
        pack_keyboard(turn_.t, action.cohort, modules),
    )


async def on_module_pack(turn_: Turn) -> None:
    """One module's workshop pack, as a PDF in the cohort's language."""
    action = picked(turn_, ModulePack)
    if await _may_train(turn_, "cohort"):
        await _send_pack(turn_, action.cohort, action.module_id)


async def _send_pack(turn_: Turn, cohort_id: int, module_id: str) -> None:
    services = turn_.services
    cohort = await cohorts.own_cohort(turn_.uow, turn_.user.id, cohort_id)
    module = cohorts.module_of(services.course, cohort.language, module_id)
    # The pack is in the cohort's language: the learners read it at the workshop.
    questions = services.course.questions(cohort.language, module.id)
    pack_t, now = services.i18n.translator(cohort.language), services.clock()
    name = f"workshop-{module.number}-{module.id}-{cohort.language}.pdf"
    caption = turn_.t.gettext("Workshop pack: module {n}").format(n=module.number)
    await file_in_background(
        turn_,
        lambda: OutFile(reports.workshop_pack(pack_t, cohort, module, questions, now), name),
        caption,
    )


async def cmd_cohort(turn_: Turn) -> None:
    """/cohort: the progress of the trainer's cohort (or the list to pick from); to others
    an unknown command."""
    if not await require_ready(turn_):
        return
    if not is_trainer(turn_):
        await unknown_command(turn_)
        return
    mine = await cohorts.cohorts_of(turn_.uow, turn_.user.id)
    if len(mine) == 1:
        await show_progress(turn_, mine[0].id)
    else:
        await show_trainer_menu(turn_, edit=False)


async def cmd_trainers(turn_: Turn) -> None:
    """/trainers for admins: the trainers, invite one, take the role back."""
    if not turn_.is_admin:
        await unknown_command(turn_)
        return
    listed = await cohorts.trainers(turn_.uow)
    await show(
        turn_, render_trainers(turn_.t, listed), trainers_keyboard(turn_.t, listed), edit=False
    )


async def on_invite_trainer(turn_: Turn) -> None:
    """Admins: a one-time link that makes its user a trainer."""
    picked(turn_, InviteTrainer)
    if not turn_.is_admin:
        raise StaleButton("admin")
    t, now = turn_.t, turn_.services.clock()
    code = await cohorts.invite_trainer(turn_.uow, turn_.user.id, now)
    links = invite_links(turn_, code)
    text = render_trainer_invitation(t, links, now + cohorts.TRAINER_LINK_VALID, turn_.language)
    await show(turn_, text, back_to_menu_keyboard(t), edit=False)


async def on_remove_trainer(turn_: Turn) -> None:
    """Admins: take the trainer role back, then the list again."""
    action = picked(turn_, RemoveTrainer)
    if not turn_.is_admin:
        raise StaleButton("admin")
    t, uow = turn_.t, turn_.uow
    removed = await cohorts.remove_trainer(uow, action.user, turn_.services.clock())
    listed = await cohorts.trainers(uow)
    label = await cohorts.label_of(uow, action.user)
    text = render_trainer_removed(t, label, removed) + "\n\n" + render_trainers(t, listed)
    await show(turn_, text, trainers_keyboard(t, listed))


def routes(router: Router) -> None:
    router.command("cohort", cmd_cohort)
    router.command("trainers", cmd_trainers)
    router.choice(Menu("trainer"), on_trainer_menu)
    router.action(NewCohort, on_new_cohort)
    router.action(CohortLanguage, on_cohort_language)
    router.action(SkipCohortPlace, on_skip_cohort_place)
    router.action(OpenCohort, on_open_cohort)
    router.action(RenewCohortLink, on_renew_cohort_link)
    router.action(CohortProgress, on_cohort_progress)
    router.action(CohortQr, on_cohort_qr)
    router.action(CohortChart, on_cohort_chart)
    router.action(CohortCsv, on_cohort_csv)
    router.action(CohortMissed, on_cohort_missed)
    router.action(CohortPacks, on_cohort_packs)
    router.action(ModulePack, on_module_pack)
    router.action(InviteTrainer, on_invite_trainer)
    router.action(RemoveTrainer, on_remove_trainer)
