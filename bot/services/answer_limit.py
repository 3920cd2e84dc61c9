"""The 30-answers-an-hour limit, counted in memory so anonymous answers leave no trace.

Writing "user X answered at 10:02" anywhere in the database would tie that user to the
anonymous answer stored at the same moment, so the counts live only in this process: a
person's recent answer times (no content, no reference), forgotten after an hour and on
restart. Several bot processes each count separately.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.services.throttle import MAX_KEYS, Windows

WINDOW = timedelta(hours=1)
MAX_PER_WINDOW = 30


class AnswerLimit:
    """Answers per person in the last hour; people idle for an hour are forgotten, and at
    most `max_keys` are remembered (bot.services.throttle.Windows)."""

    def __init__(
        self, limit: int = MAX_PER_WINDOW, window: timedelta = WINDOW, max_keys: int = MAX_KEYS
    ) -> None:
        self.limit = limit
        self.window = window
        self._times: Windows[int] = Windows(window, max_keys)

    def allows(self, user_id: int, now: datetime) -> bool:
        return self._times.count(user_id, now) < self.limit

    def note(self, user_id: int, now: datetime) -> None:
        self._times.add(user_id, now)

    def __len__(self) -> int:
        return len(self._times)
