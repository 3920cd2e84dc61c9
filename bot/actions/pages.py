"""Pages of a long list on a channel whose lists hold ten rows (WhatsApp).

A screen with more than ten choices goes out as page 0 of a paged list; its "More…" and
"Back" rows carry `ListPage(page, screen)`. `screen` is a short digest of the screen's
choices (`bot.channels.whatsapp.render.screen_key`), not the screen itself: the packed
action must stay short, and the screen is the bot's to rebuild. How a page is re-rendered:
the channel keeps the last paged screen it showed a person (text and keyboard, in that
person's memory); on `ListPage` the handler takes that screen, refuses the press when its
digest differs from `screen` (the list changed, or the press is stale or forged), and sends
`render(text, keyboard, t=t, page=page)`, which holds that page's list only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from bot.actions.base import Action, Pattern, Range

__all__ = ["ListPage"]

SCREEN_KEY = r"^[0-9a-f]{10}$"


@dataclass(frozen=True, slots=True)
class ListPage(Action):
    """Show page `page` (from 0) of the paged list whose choices hash to `screen`."""

    PREFIX = "pg"
    page: Annotated[int, Range(0, 99)]
    screen: Annotated[str, Pattern(SCREEN_KEY)]
