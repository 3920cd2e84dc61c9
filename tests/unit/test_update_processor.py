"""Per-user ordering: one learner's updates run in order, and updates waiting for their
user's turn hold no slot, so one learner pressing again and again cannot stall others."""

from __future__ import annotations

import asyncio
from typing import Any

from telegram import Update

from bot.channels.telegram.updates import PerUserUpdateProcessor


def _update(user_id: int, number: int) -> Update:
    user = {"id": user_id, "is_bot": False, "first_name": "U"}
    data = {"id": str(number), "from": user, "chat_instance": "c", "data": "m:main"}
    update = Update.de_json({"update_id": number, "callback_query": data}, None)
    assert update is not None
    return update


async def test_a_busy_learner_does_not_stall_another() -> None:
    processor = PerUserUpdateProcessor(2)
    release = asyncio.Event()
    done: list[str] = []

    async def slow() -> None:
        await release.wait()
        done.append("a1")

    async def quick(name: str) -> None:
        done.append(name)

    tasks = [
        asyncio.create_task(processor.process_update(_update(1, 1), slow())),
        *(
            asyncio.create_task(processor.process_update(_update(1, n), quick(f"a{n}")))
            for n in range(2, 6)
        ),
    ]
    await asyncio.sleep(0.01)
    other = asyncio.create_task(processor.process_update(_update(2, 9), quick("b")))
    await asyncio.wait_for(other, timeout=1)
    assert done == ["b"], "the other learner went first; the busy one's updates wait"
    release.set()
    await asyncio.gather(*tasks)
    assert done == ["b", "a1", "a2", "a3", "a4", "a5"], "one learner's updates stay in order"


async def test_at_most_the_slots_run_at_once() -> None:
    processor = PerUserUpdateProcessor(2)
    running = 0
    peak = 0

    async def work() -> Any:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.01)
        running -= 1

    await asyncio.gather(
        *(processor.process_update(_update(user, user), work()) for user in range(10))
    )
    assert peak == 2
