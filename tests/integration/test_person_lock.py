"""Two processes on one PostgreSQL database never run turns of the same person at once,
and still run different people's turns side by side."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any, cast

import pytest

from bot.config import load_settings
from bot.conversation.events import Person, Pressed, Typed
from bot.conversation.memory import Memory
from bot.conversation.ports import Replies
from bot.conversation.turn import Turn, take_turn
from bot.runtime import close_services, open_services
from bot.services.container import Services
from tests.conftest import shared_content
from tests.e2e.harness import shared_i18n

CONTENT = Path(__file__).resolve().parents[2] / "content"


async def _process(database_url: str) -> Services:
    settings = load_settings(_env_file=None, database_url=database_url, instances=2)
    course, index = shared_content(CONTENT)
    return await open_services(
        settings, course=course, faq_index=index, i18n=shared_i18n(settings.default_language)
    )


async def test_one_persons_turns_never_overlap_across_processes(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite serves one process: the process's own order is the lock")
    first, second = await _process(database_url), await _process(database_url)
    spans: dict[str, list[tuple[float, float]]] = {}

    def handler(name: str) -> Any:
        async def run(turn_: Turn) -> None:
            start = time.monotonic()
            await asyncio.sleep(0.2)
            spans.setdefault(name, []).append((start, time.monotonic()))

        return run

    def turn(services: Services, who: str) -> Any:
        person = Person("telegram", who, who)
        replies = cast(Replies, object())  # the handlers here answer nothing
        return take_turn(services, person, Typed("x", "x"), replies, Memory(), handler(who))

    try:
        await asyncio.gather(turn(first, "500"), turn(second, "499"))  # connections warm
        await asyncio.gather(
            turn(first, "501"), turn(second, "501"), turn(first, "502"), turn(second, "503")
        )
    finally:
        await close_services(first)
        await close_services(second)
    (a, b) = sorted(spans["501"])
    assert a[1] <= b[0], "the same person's second turn waited for the first"
    ((c, _),) = spans["502"]
    ((e, _),) = spans["503"]
    assert c < a[1] and e < a[1], "other people's turns ran beside the first one"


async def test_with_several_processes_an_older_press_after_a_newer_one_is_dropped(
    database_url: str,
) -> None:
    """Update 7 waited in one process while another handled the person's update 8: the
    press is dropped (it would take the learner back); a typed message is still handled."""
    services = await _process(database_url)
    handled: list[str] = []

    def handler(name: str) -> Any:
        async def run(turn_: Turn) -> None:
            handled.append(name)
            await turn_.uow.commit()

        return run

    def turn(event: Any, name: str, order: int) -> Any:
        person = Person("telegram", "601", "601")
        replies = cast(Replies, object())
        return take_turn(
            services, person, event, replies, Memory(), handler(name), str(order), order=order
        )

    try:
        await turn(Pressed("c:a"), "press 8", 8)
        await turn(Pressed("c:b"), "press 7", 7)
        await turn(Typed("hello", "hello"), "text 6", 6)
        await turn(Pressed("c:c"), "press 9", 9)
    finally:
        await close_services(services)
    assert handled == ["press 8", "text 6", "press 9"]
