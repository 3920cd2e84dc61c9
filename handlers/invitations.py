"""Invitation links (`/start <code>`): join a cohort or become a trainer, after being told
what is shared; a learner's own cohorts (/cohorts) and leaving one with one tap."""

from __future__ import annotations

from bot.actions.invitations import AcceptTrainerRole, DeclineInvitation, JoinCohort, LeaveCohort
from bot.actions.menu import Menu
from bot.conversation.router import Router
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
from handlers.common import Turn, picked, show


def _first_name(turn_: Turn) -> str:
    return turn_.person.first_name or "?"


async def offer(turn_: Turn, code: str) -> None:
    """Say what the code offers and what joining shares; unknown or dead codes raise with a
    clear answer (InvalidInvitation, ExpiredInvitation)."""
    found = await cohorts.look_up(turn_.uow, code, turn_.services.clock())
    trainer = found.cohort is None
    await show(
        turn_,
        render_offer(turn_.t, found, _first_name(turn_)),
        offer_keyboard(turn_.t, code, trainer=trainer),
        edit=False,
    )


async def start_with_code(turn_: Turn, code: str) -> None:
    """`/start <code>`: offer it now, or keep it until onboarding (language, consent) is
    done."""
    if turn_.ready:
        await offer(turn_, code)
        return
    # Checked now, so a forged code gets its answer before onboarding, not after.
    await cohorts.look_up(turn_.uow, code, turn_.services.clock())
    turn_.memory.pending_invitation = code
    await show(
        turn_,
        render_language_prompt(turn_.t),
        language_keyboard(
            turn_.services.i18n.languages, turn_.language, turn_.services.i18n.names
        ),
        edit=False,
    )


async def offer_pending(turn_: Turn) -> None:
    """After onboarding: the invitation the learner came with, if any."""
    code = turn_.memory.pending_invitation
    if code is None:
        return
    turn_.memory.pending_invitation = None
    await offer(turn_, code)


async def on_join(turn_: Turn) -> None:
    """Join the cohort the code invites to (forged, used or dead codes raise in the service)."""
    answer = picked(turn_, JoinCohort)
    if not turn_.ready:
        raise NotReady("invitation")
    cohort, added = await cohorts.join(
        turn_.uow, turn_.user.id, answer.code, _first_name(turn_), turn_.services.clock()
    )
    await show(turn_, render_joined(turn_.t, cohort, added), joined_keyboard(turn_.t, cohort.id))


async def on_accept_trainer_role(turn_: Turn) -> None:
    """Become a trainer with a one-time trainer invitation."""
    answer = picked(turn_, AcceptTrainerRole)
    if not turn_.ready:
        raise NotReady("invitation")
    await cohorts.become_trainer(turn_.uow, turn_.user, answer.code, turn_.services.clock())
    await show(turn_, render_became_trainer(turn_.t), became_trainer_keyboard(turn_.t))


async def on_decline(turn_: Turn) -> None:
    """No, thanks: nothing is shared, nothing changes."""
    picked(turn_, DeclineInvitation)
    if not turn_.ready:
        raise NotReady("invitation")
    await show(turn_, render_declined(turn_.t), back_to_menu_keyboard(turn_.t))


async def _my_cohorts(turn_: Turn, *, edit: bool) -> None:
    mine = await cohorts.my_cohorts(turn_.uow, turn_.user.id)
    await show(
        turn_, render_my_cohorts(turn_.t, mine), my_cohorts_keyboard(turn_.t, mine), edit=edit
    )


async def cmd_cohorts(turn_: Turn) -> None:
    """List the cohorts the learner is in, each with a Leave button (allowed at any time)."""
    await _my_cohorts(turn_, edit=False)


async def on_my_cohorts(turn_: Turn) -> None:
    """Open Settings → My cohorts."""
    await _my_cohorts(turn_, edit=True)


async def on_leave(turn_: Turn) -> None:
    """Leave a cohort with one tap: the trainer no longer sees anything of the learner."""
    leave = picked(turn_, LeaveCohort)
    left = await cohorts.leave(turn_.uow, turn_.user.id, leave.cohort, turn_.services.clock())
    await show(turn_, render_left(turn_.t, left), back_to_menu_keyboard(turn_.t))


def routes(router: Router) -> None:
    router.command("cohorts", cmd_cohorts)
    router.action(JoinCohort, on_join)
    router.action(AcceptTrainerRole, on_accept_trainer_role)
    router.action(DeclineInvitation, on_decline)
    router.action(LeaveCohort, on_leave)
    router.choice(Menu("cohorts"), on_my_cohorts)
