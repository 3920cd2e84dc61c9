"""The webhook's slots: a person's message goes before the statuses waiting with it, and
a cancelled wait neither keeps nor loses a slot."""

from __future__ import annotations

import asyncio

import pytest

from bot.channels.whatsapp.slots import Slots


async def test_a_message_goes_before_statuses_that_waited_longer() -> None:
    slots = Slots(1)
    order: list[str] = []
    release = asyncio.Event()

    async def hold() -> None:
        async with slots.status():
            await release.wait()

    async def work(name: str, kind: str) -> None:
        async with slots.turn() if kind == "turn" else slots.status():
            order.append(name)

    holder = asyncio.create_task(hold())
    await asyncio.sleep(0)
    waiting = [asyncio.create_task(work(f"status {n}", "status")) for n in range(3)]
    await asyncio.sleep(0)
    waiting.append(asyncio.create_task(work("message", "turn")))
    await asyncio.sleep(0)
    assert order == [], "one slot, held"
    release.set()
    await asyncio.gather(holder, *waiting)
    assert order == ["message", "status 0", "status 1", "status 2"]


async def test_a_status_never_jumps_a_waiting_message() -> None:
    slots = Slots(1)
    order: list[str] = []
    async with slots.turn():
        message = asyncio.create_task(_enter(slots.turn(), order, "message"))
        await asyncio.sleep(0)
    status = asyncio.create_task(_enter(slots.status(), order, "status"))
    await asyncio.gather(message, status)
    assert order == ["message", "status"]


async def test_a_cancelled_wait_keeps_no_slot() -> None:
    slots = Slots(1)
    async with slots.turn():
        gone = asyncio.create_task(_enter(slots.status(), [], "gone"))
        await asyncio.sleep(0)
        gone.cancel()
        with pytest.raises(asyncio.CancelledError):
            await gone
    order: list[str] = []
    await asyncio.wait_for(_enter(slots.turn(), order, "next"), timeout=1)
    assert order == ["next"]


async def _enter(slot: object, order: list[str], name: str) -> None:
    async with slot:  # type: ignore[attr-defined]
        order.append(name)
