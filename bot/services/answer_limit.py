"""The 30-answers-an-hour limit, counted in memory so anonymous answers leave no trace.

Writing "user X answered at 10:02" anywhere in the database would tie that user to the
anonymous answer stored at the same moment, so the counts live only in this process: a
person's recent answer times (no content, no reference), forgotten after an hour and on
restart. Several bot processes each count separately.
"""

from __future__ import annotations

from collections import deque
from datetime import datetime, timedelta

WINDOW = timedelta(hours=1)
MAX_PER_WINDOW = 30


class AnswerLimit:
    def __init__(self, limit: int = MAX_PER_WINDOW, window: timedelta = WINDOW) -> None:
        self.limit = limit
        self.window = window
        self._times: dict[int, deque[datetime]] = {}

    def _recent(self, user_id: int, now: datetime) -> deque[datetime]:
        times = self._times.get(user_id, deque())
        while times and now - times[0] >= self.window:
            times.popleft()
        if times:
            self._times[user_id] = times
        else:
            self._times.pop(user_id, None)
        return times

    def allows(self, user_id: int, now: datetime) -> bool:
        return len(self._recent(user_id, now)) < self.limit

    def note(self, user_id: int, now: datetime) -> None:
        self._recent(user_id, now)
        self._times.setdefault(user_id, deque()).append(now)
