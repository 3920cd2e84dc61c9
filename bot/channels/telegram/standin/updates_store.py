"""The queue of updates waiting for the bot, shared by getUpdates and the webhook sender."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

__all__ = ["UpdateStore"]

# What Telegram leaves out when allowed_updates was never set or set to [].
_NOT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


class UpdateStore:
    """Updates with increasing update_id, kept until the bot confirms them."""

    def __init__(self, on_change: Callable[[], None]) -> None:
        self._on_change = on_change
        self._pending: list[dict[str, Any]] = []
        # Where Telegram starts again after a quiet week: at random. A bot claims each
        # update_id once in its database (bot.services.processed), so a playground started
        # again on the same database must not hand out the ids of its last run.
        self._next_id = random.randint(1, 2**30)
        self.allowed_updates: list[str] = []
        # every update ever queued, in order (tests redeliver one of them)
        self.history: list[dict[str, Any]] = []

    def __len__(self) -> int:
        return len(self._pending)

    def add(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue `update` under the next update_id and return it.

        Like Telegram, an update of a type the bot did not ask for is not queued at all.
        """
        body = {key: value for key, value in update.items() if key != "update_id"}
        queued = {"update_id": self._next_id, **body}
        self._next_id += 1
        self.history.append(queued)
        if self._wanted(queued):
            self._pending.append(queued)
            self._on_change()
        return queued

    def redeliver(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue `update` again under its own update_id, as Telegram does with an update
        whose webhook call was not answered in time (or a batch a poller never confirmed)."""
        queued = dict(update)
        if self._wanted(queued):
            self._pending.append(queued)
            self._on_change()
        return queued

    def _wanted(self, update: dict[str, Any]) -> bool:
        kinds = set(update) - {"update_id"}
        if self.allowed_updates:
            return bool(kinds & set(self.allowed_updates))
        return not kinds <= _NOT_BY_DEFAULT

    def confirm(self, offset: int) -> None:
        """Forget confirmed updates: ids below `offset`, or all but the last -offset ones."""
        if offset < 0:
            del self._pending[: max(0, len(self._pending) + offset)]
        else:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]

    def first(self) -> dict[str, Any] | None:
        """The oldest pending update, if any."""
        return self._pending[0] if self._pending else None

    def take(self, limit: int) -> list[dict[str, Any]]:
        """Up to `limit` pending updates (they stay until confirmed)."""
        return self._pending[:limit]

    def drop_all(self) -> None:
        """Forget every pending update (drop_pending_updates)."""
        self._pending.clear()
