"""The 30-answers-an-hour limit, kept out of the database so anonymous answers leave no trace.

Writing "user X answered at 10:02" anywhere in the database would tie that user to the
anonymous answer stored at the same moment, so the counts live in memory (forgotten after
an hour and on restart) or, with several processes, in Redis as counts per hashed key with
no time of any answer (bot.ratelimits.counters).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.ratelimits.counters import Counter, LocalCounter

WINDOW = timedelta(hours=1)
MAX_PER_WINDOW = 30


class AnswerLimit:
    """Answers per person in the last hour; a person's answer is counted once it is stored."""

    def __init__(self, counter: Counter | None = None) -> None:
        self.counter = LocalCounter(MAX_PER_WINDOW, WINDOW) if counter is None else counter

    async def allows(self, user_id: int, now: datetime) -> bool:
        return await self.counter.room(str(user_id), now)

    async def note(self, user_id: int, now: datetime) -> None:
        await self.counter.note(str(user_id), now)
