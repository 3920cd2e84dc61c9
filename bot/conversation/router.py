"""Which handler takes an event: commands by name, pressed choices by their action's class.

Each feature module adds its routes (`routes(router)`); the adapter asks `find` for every
event. A pressed choice whose action no route takes, and a command nobody registered, go to
the router's `unknown` handlers; typed text, files and other messages go to `message`, which
hands them to the feature the bot waits for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bot.actions import Action
from bot.conversation.events import Command, Event, Pressed, QuizAnswer
from bot.conversation.turn import TurnHandler


@dataclass(frozen=True, slots=True)
class _ActionRoute:
    kind: type[Action]
    when: Callable[[Action], bool] | None
    handler: TurnHandler


@dataclass
class Router:
    commands: dict[str, TurnHandler] = field(default_factory=dict)
    actions: list[_ActionRoute] = field(default_factory=list)
    quiz_answer: TurnHandler | None = None
    message: TurnHandler | None = None
    unknown_command: TurnHandler | None = None
    unknown_choice: TurnHandler | None = None

    def command(self, name: str, handler: TurnHandler) -> None:
        if name in self.commands:
            raise ValueError(f"/{name} has two handlers")
        self.commands[name] = handler

    def action(
        self,
        kind: type[Action],
        handler: TurnHandler,
        when: Callable[[Action], bool] | None = None,
    ) -> None:
        """Route an action class (or, with `when`, only the actions it accepts)."""
        self.actions.append(_ActionRoute(kind, when, handler))

    def choice(self, action: Action, handler: TurnHandler) -> None:
        """Route one exact action (a menu entry)."""
        self.action(type(action), handler, lambda pressed: pressed == action)

    def find(self, event: Event) -> TurnHandler | None:
        """The handler for an event; None when nothing takes it."""
        if isinstance(event, Command):
            return self.commands.get(event.name) or self.unknown_command
        if isinstance(event, Pressed):
            action = event.action
            for route in self.actions:
                if isinstance(action, route.kind) and (route.when is None or route.when(action)):
                    return route.handler
            return self.unknown_choice
        if isinstance(event, QuizAnswer):
            return self.quiz_answer
        return self.message
