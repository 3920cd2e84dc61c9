"""The WhatsApp number's pace, on a clock moved only by its own waits."""

from __future__ import annotations

import asyncio
import itertools

from bot.channels.whatsapp.pacing import HEADROOM, LocalPace


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


def _pace(rate: float, per_recipient: float = 6.0) -> tuple[LocalPace, Clock]:
    clock = Clock()
    return LocalPace(rate, per_recipient=per_recipient, clock=clock, sleep=clock.sleep), clock


async def test_bulk_messages_keep_under_the_numbers_rate() -> None:
    pace, clock = _pace(80)
    times = []
    for n in range(400):
        await pace.bulk(f"2246200{n:05d}")
        times.append(clock.now)
    for start in range(len(times)):
        in_a_second = [t for t in times[start:] if t < times[start] + 1.0]
        assert len(in_a_second) <= 80 * HEADROOM + 1
    assert times[-1] >= 399 / (80 * HEADROOM) - 1e-9


async def test_one_recipient_gets_one_bulk_message_in_six_seconds() -> None:
    pace, clock = _pace(80)
    times = []
    for _ in range(3):
        await pace.bulk("224620000001")
        times.append(clock.now)
    assert [round(b - a, 6) for a, b in itertools.pairwise(times)] == [6.0, 6.0]


async def test_concurrent_sends_to_one_recipient_queue_behind_each_other() -> None:
    pace, clock = _pace(80)
    went: list[float] = []

    async def send() -> None:
        await pace.bulk("224620000001")
        went.append(clock.now)

    await asyncio.gather(send(), send(), send())
    assert [round(t, 6) for t in went] == [0.0, 6.0, 12.0]


async def test_a_send_that_woke_late_does_not_bring_the_next_closer() -> None:
    pace, clock = _pace(10)
    await pace.bulk("a")
    clock.now += 0.5  # the loop was busy: the next slot passed long ago
    await pace.bulk("b")
    start = clock.now
    await pace.bulk("c")
    assert clock.now - start >= 1 / (10 * HEADROOM) - 1e-9


async def test_replies_never_wait_but_slow_the_bulk_behind_them() -> None:
    pace, clock = _pace(10)
    await pace.bulk("a")
    for _ in range(5):
        await pace.reply("b")  # a person's own turn: never waits
    assert clock.now == 0.0
    await pace.bulk("c")
    assert clock.now >= 6 / (10 * HEADROOM) - 1e-9, "behind the five replies"


async def test_a_throughput_answer_holds_the_bulk() -> None:
    pace, clock = _pace(80)
    await pace.hold(1.0)
    await pace.bulk("a")
    assert clock.now == 1.0
