"""One turn: a person's event handled in one unit of work, in their language.

Every channel adapter calls `take_turn` with the event it read and its own `Replies`; the
rules that hold for every feature live here once: the person arrives (an account is
found or made), the language is picked, what the bot waits for is read back, ended by the
interrupt rule or its timeout, and written back when the handler changed it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from bot import waiting
from bot.actions import Action
from bot.conversation.events import Command, Event, Person, Pressed
from bot.conversation.memory import Memory, load_steps, steps_to_save
from bot.conversation.ports import Replies
from bot.db.repositories import UserRecord
from bot.db.uow import UnitOfWork
from bot.errors import StaleButton
from bot.i18n import Translator
from bot.services import learners, processed
from bot.services.container import Services
from bot.waiting import Wait

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Turn:
    """One event's view of the world: who, in which language, with which unit of work,
    what they did and how to answer them."""

    user: UserRecord
    language: str
    t: Translator
    uow: UnitOfWork
    services: Services
    event: Event
    person: Person
    reply: Replies
    memory: Memory

    @property
    def ready(self) -> bool:
        """Onboarding done: a language was chosen and the welcome accepted."""
        return self.user.language is not None and self.user.consent_at is not None

    @property
    def is_admin(self) -> bool:
        """Admins are named by their channel ids in the settings (ADMIN_IDS on Telegram);
        arriving gives them the admin role, so the role says it for every channel."""
        return self.user.role == "admin"

    @property
    def is_trainer(self) -> bool:
        """Trainers and admins get the Trainer menu."""
        return self.user.role in ("trainer", "admin")

    @property
    def pressed(self) -> bool:
        """Whether the event is a pressed choice (its screen can be changed in place)."""
        return isinstance(self.event, Pressed)


TurnHandler = Callable[[Turn], Awaitable[None]]
C = TypeVar("C", bound=Action)
W = TypeVar("W", bound=Wait)


def picked(turn_: Turn, kind: type[C]) -> C:
    """The pressed choice's typed action; stale or forged data raises StaleButton."""
    event = turn_.event
    action = kind.unpack(event.data) if isinstance(event, Pressed) else None
    if action is None:
        raise StaleButton(kind.PREFIX)
    return action


def wait(turn_: Turn, step: Wait | None) -> None:
    """Wait for a typed message (saved at the end of the turn), or stop waiting."""
    turn_.memory.waiting = step


def waiting_for(turn_: Turn, kind: type[W]) -> W | None:
    """The step the bot waits in, if it is of this kind."""
    step = turn_.memory.waiting
    return step if isinstance(step, kind) else None


def feature_of(event: Event) -> str | None:
    """Which feature an event belongs to, for the interrupt rule: a pressed choice's (the
    module of its action), none for a command, the waiting one's for anything else."""
    if isinstance(event, Pressed):
        action = event.action
        return type(action).__module__.rsplit(".", 1)[-1] if action is not None else None
    if isinstance(event, Command):
        return None
    return waiting.TYPED


async def take_turn(
    services: Services,
    person: Person,
    event: Event,
    reply: Replies,
    memory: Memory,
    handler: TurnHandler,
    event_id: str | None = None,
    order: int | None = None,
) -> None:
    """Handle one event in one unit of work (committed when the handler returns), while no
    other process handles one of the same person's (bot.db.locks). With `event_id` (the
    platform's id for the delivery), an event delivered before is dropped
    (bot.services.processed)."""
    async with (
        services.person_locks.hold(person.platform, person.external_id),
        services.uow() as uow,
    ):
        now = services.clock()
        if event_id is not None and not await processed.claim_in_turn(
            uow, person.platform, event_id, now
        ):
            log.info("a %s event was delivered before: dropped", person.platform)
            return
        identity = learners.Identity(person.platform, person.external_id, person.address)
        admin = services.is_admin(person.platform, person.external_id)
        user = await learners.arrive(uow, identity, now, admin)
        if order is not None and not await _in_order(services, uow, person, event, order):
            return
        language = user.language or services.i18n.negotiate(person.language_code)
        memory.language = language
        load_steps(memory, user.waiting, user.id, services.sealer)
        memory.waiting = waiting.current(memory.waiting, now)
        if waiting.ended_by(memory.waiting, feature_of(event)):
            memory.waiting = None
        t = services.i18n.translator(language)
        await handler(Turn(user, language, t, uow, services, event, person, reply, memory))
        if (memory.waiting, memory.pending_invitation) != memory.loaded:
            steps = steps_to_save(memory, user.id, services.sealer)
            await learners.save_steps(uow, user.id, steps)


async def _in_order(
    services: Services, uow: UnitOfWork, person: Person, event: Event, order: int
) -> bool:
    """Whether to handle an event whose platform numbers updates in order (`order`).

    One instance handles a person's updates one by one in the order they came. Several
    take turns under the person's lock, but an update can wait in one instance while
    another handles the person's next ones: a press handled after a newer press would take
    the learner back (a repeated tap on a card they have since left). Such a press is
    dropped; a typed message or command is handled whatever its place, never lost."""
    if services.settings.instances < 2:
        return True
    newer = await uow.accounts.advance(person.platform, person.external_id, order)
    if not newer and isinstance(event, Pressed):
        log.info("a %s press older than one handled already: dropped", person.platform)
        return False
    return True
