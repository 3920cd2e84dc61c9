"""Bulk sends keep within the number's throughput and one message per person every few
seconds, against the stand-in that answers 130429 and 131056 past them; a person who
writes during a bulk send is answered at once; an unreachable number is skipped until the
person writes again."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from bot.channels.whatsapp.pacing import CorePace, LocalPace
from bot.db.repositories import Delivered
from bot.jobs.announcements import deliver_announcements
from tests.whatsapp.harness import (
    WhatsAppHarness,
    add_learner,
    announce,
    trainer_cohort,
    whatsapp_bot,
)

AUTHOR = "224620000300"


@dataclass
class Cohort:
    author: int
    id: int
    members: list[int]


async def _cohort(h: WhatsAppHarness, members: list[str], *, wrote: datetime) -> Cohort:
    now = h.services.clock()
    author = await add_learner(h.services, h.standin, AUTHOR, "fr", now)
    ids = [await add_learner(h.services, h.standin, m, "fr", now, wrote=wrote) for m in members]
    return Cohort(author, await trainer_cohort(h.services, author, ids), ids)


async def _announce(h: WhatsAppHarness, cohort: Cohort, body: str) -> int:
    return await announce(h.services, cohort.author, cohort.id, body)


async def test_bulk_keeps_the_numbers_throughput_and_replies_do_not_wait(
    database_url: str,
) -> None:
    members = [f"2246201{n:05d}" for n in range(60)]
    # slow enough that the reply's turn, even on a busy machine, ends before the last copy
    rate = 10
    options = {"throughput": rate}
    async with whatsapp_bot(database_url, standin_options=options, whatsapp_rate=rate) as h:
        cohort = await _cohort(h, members, wrote=datetime.now(UTC) - timedelta(minutes=5))
        announcement = await _announce(h, cohort, "Atelier mardi")
        delivery = asyncio.create_task(deliver_announcements(h.services))
        await asyncio.sleep(0.5)
        h.standin.send_text(members[-1], "menu")  # one of those getting the announcement
        await h.settle()
        report = await delivery
        assert report.outcomes == {Delivered.SENT: 60}, report
        assert not h.standin.violations, [(v.code, v.wa_id) for v in h.standin.violations]
        sends = [
            (r.time, cast(dict[str, Any], r.body))
            for r in h.standin.requests
            if r.endpoint == "messages" and r.status == 200
        ]
        to_writer = {body["type"]: t for t, body in sends if body["to"] == members[-1]}
        assert set(to_writer) == {"interactive", "text"}, "the reply and the copy"
        (wrote,) = [
            d.time
            for d in h.standin.deliveries
            if "messages" in d.body["entry"][0]["changes"][0]["value"]
        ]
        bulk = [t for t, body in sends if body["type"] == "text"]
        # the copies go in the recipients' order, not the members': where the writer's copy
        # falls is not known, but the reply must not wait behind the rest of the bulk send
        assert to_writer["interactive"] - wrote < 2.0, "the reply did not wait"
        assert to_writer["interactive"] < bulk[-1] - 2.0, "answered while the bulk went on"
        assert bulk[-1] - bulk[0] >= 59 / rate * 0.9, "paced at the number's rate"
        async with h.services.uow() as uow:
            counts = await uow.announcements.counts(announcement)
        assert sum(counts.values()) == 60


async def test_one_person_gets_bulk_messages_spaced(database_url: str) -> None:
    """Two announcements at once to one person, who wrote two hours ago (not chatting)."""
    options = {"pair_interval": 1.0}
    pace = LocalPace(80, per_recipient=1.3)  # the stand-in refuses closer than 1 s
    async with whatsapp_bot(database_url, standin_options=options, pace=pace) as h:
        (awa,) = ["224620000301"]
        cohort = await _cohort(h, [awa], wrote=datetime.now(UTC) - timedelta(hours=2))
        await _announce(h, cohort, "Atelier mardi")
        await _announce(h, cohort, "Atelier jeudi")
        report = await deliver_announcements(h.services)
        assert report.outcomes == {Delivered.SENT: 2}, report
        assert not h.standin.violations, "no 131056"
        first, second = [r.time for r in h.standin.requests if r.endpoint == "messages"]
        assert second - first >= 1.0


async def test_an_unreachable_number_is_skipped_until_they_write(database_url: str) -> None:
    async with whatsapp_bot(database_url) as h:
        gone = "224620000302"
        cohort = await _cohort(h, [gone], wrote=datetime.now(UTC) - timedelta(hours=1))
        (user_id,) = cohort.members
        h.standin.make_undeliverable(gone)
        await _announce(h, cohort, "Atelier mardi")
        report = await deliver_announcements(h.services)
        assert report.outcomes == {Delivered.BLOCKED: 1}
        async with h.services.uow() as uow:
            assert await uow.users.is_blocked(user_id)
        h.standin.make_undeliverable(gone, False)
        second = await _announce(h, cohort, "Atelier jeudi")
        await deliver_announcements(h.services)
        async with h.services.uow() as uow:
            assert await uow.announcements.counts(second) == {Delivered.BLOCKED: 1}
        assert h.standin.messages(gone) == [], "still skipped"
        await h.say(gone, "menu")
        async with h.services.uow() as uow:
            assert not await uow.users.is_blocked(user_id), "they wrote again"


async def test_with_redis_the_number_is_paced_in_the_shared_limits(
    database_url: str, redis_url: str
) -> None:
    members = [f"2246202{n:05d}" for n in range(12)]
    rate = 10
    async with whatsapp_bot(
        database_url,
        standin_options={"throughput": rate},
        whatsapp_rate=rate,
        redis_url=redis_url,
        sealing_key=uuid.uuid4().hex,  # this test's own keys in the shared Redis
    ) as h:
        assert isinstance(h.bot.channel._pace, CorePace)
        cohort = await _cohort(h, members, wrote=datetime.now(UTC) - timedelta(minutes=5))
        await _announce(h, cohort, "Atelier mardi")
        report = await deliver_announcements(h.services)
        assert report.outcomes == {Delivered.SENT: 12}, report
        assert not h.standin.violations, [(v.code, v.wa_id) for v in h.standin.violations]
        bulk = [r.time for r in h.standin.requests if r.endpoint == "messages"]
        assert bulk[-1] - bulk[0] >= 11 / rate * 0.9, "paced at the number's rate"
