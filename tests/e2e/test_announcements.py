"""Announcements end to end: write, pick cohorts, preview, send now or schedule, cancel;
delivery to 500 members with 3 who blocked the bot, stopped mid-delivery and restarted;
a crash after claiming; every kind of message copied as sent; forged buttons."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.actions.announcements import (
    CancelAnnouncement,
    ChooseSendTime,
    PreviewAnnouncement,
    ScheduledAnnouncements,
    SendAnnouncement,
    SendAt,
    ToEveryone,
    ToggleCohort,
    WriteAnnouncement,
)
from bot.channels.telegram.ratelimit import RetryingRateLimiter
from bot.channels.telegram.standin import BotApiStandIn
from bot.config import Settings
from bot.jobs.announcements import DeliveryReport, deliver_announcements
from bot.services import announcements, cohorts
from tests.accounts import add_telegram_user
from tests.conftest import SPEC_PATH
from tests.e2e.conftest import ADMIN, USERS, onboard
from tests.e2e.harness import TOKEN, FakeClock, Harness, make_settings
from tests.e2e.trainers_helpers import make_trainer_directly, seed_members

T0 = datetime(2026, 3, 23, 10, tzinfo=UTC)  # a Monday; 20:00 in Brisbane
TRAINER = 301
STALE = "This button is out of date. Here is the menu."


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


def _settings(
    standin: BotApiStandIn, database_url: str, interval: float = 0, rate: float = 29
) -> Settings:
    return make_settings(
        standin.url,
        database_url,
        admin_ids=str(ADMIN),
        reminder_interval=0,
        announcement_interval=interval,
        announcement_rate=rate,
    )


@pytest.fixture
async def bot(
    standin: BotApiStandIn, database_url: str, clock: FakeClock
) -> AsyncIterator[Harness]:
    standin.add_user(TRAINER, "Tina", language_code="en")
    harness = Harness(standin, _settings(standin, database_url), clock=clock)
    await harness.start()
    yield harness
    await harness.stop()


async def run(bot: Harness) -> DeliveryReport:
    """One run of the delivery job, as the JobQueue would start it."""
    assert bot.app is not None
    return await deliver_announcements(bot.services)


async def trainer_with_cohort(bot: Harness, members: list[int]) -> int:
    await make_trainer_directly(bot, TRAINER, bot.services.clock())
    async with bot.services.uow() as uow:
        card = await cohorts.create_cohort(uow, TRAINER, "Boké", "en", None, bot.services.clock())
    await seed_members(bot, card.cohort.id, members, bot.services.clock())
    return card.cohort.id


async def compose(bot: Harness, text: str = "Workshop on Friday at 10, at the school.") -> int:
    """Trainer menu → New announcement → the text; return the draft's id."""
    await bot.say(TRAINER, "/menu")
    await bot.press(TRAINER, "m:trainer")
    await bot.press(TRAINER, WriteAnnouncement().pack())
    await bot.say(TRAINER, text)
    async with bot.services.uow() as uow:
        (announcement_id,) = [
            a
            for a in range(1, 100)
            if (r := await uow.announcements.get(a)) and r.status == "draft"
        ][-1:]
    return announcement_id


TEXT = "Workshop on Friday at 10, at the school."
FILE_SENDS = ("sendPhoto", "sendDocument", "sendVoice", "sendAudio", "sendVideo", "copyMessage")


def is_copy(request: Any, text: str = TEXT) -> bool:
    """Whether a request sends the announcement: its text, or a file (copyMessage for those
    written before announcements stored their content)."""
    if request.method == "sendMessage":
        return request.params.get("text") == text
    return request.method in FILE_SENDS


def copies(bot: Harness, since: int = 0, text: str = TEXT) -> Counter[int]:
    """How many copies each chat received (successful sends of the announcement)."""
    return Counter(
        int(str(r.params["chat_id"]))
        for r in bot.requests_since(since)
        if is_copy(r, text) and r.status == 200
    )


async def test_send_now_with_preview_progress_and_totals(bot: Harness) -> None:
    members = list(range(5000, 5012))
    cohort_id = await trainer_with_cohort(bot, members)
    bot.standin.block(members[0], notify=False)  # learnt from a 403
    announcement_id = await compose(bot)
    assert "Who should get it?" in bot.text(TRAINER) and "0 learners chosen" in bot.text(TRAINER)
    await bot.press(TRAINER, ToggleCohort(announcement_id, cohort_id).pack())
    assert "12 learners chosen" in bot.text(TRAINER)
    mark = len(bot.standin.requests)
    await bot.press(TRAINER, PreviewAnnouncement(announcement_id).pack())
    preview = [m for m in bot.messages(TRAINER) if m.get("text")][-2]
    assert preview["text"] == "Workshop on Friday at 10, at the school.", "a copy, as learners see"
    assert "It goes to 12 learners (Boké)" in bot.text(TRAINER)
    assert copies(bot, mark) == {TRAINER: 1}
    await bot.press(TRAINER, SendAnnouncement(announcement_id).pack())
    line_id = bot.last(TRAINER)["message_id"]
    assert "Sending: 0 of 0" in bot.text(TRAINER) or "Sending" in bot.text(TRAINER)
    await bot.press(TRAINER, SendAnnouncement(announcement_id).pack(), message_id=line_id)  # twice
    report = await run(bot)
    assert report.started == 1 and report.finished == [announcement_id]
    received = copies(bot)
    assert all(received[m] == 1 for m in members[1:]) and members[0] not in received
    for member in members[1:]:
        assert bot.standin.last_message(member)["text"] == (  # type: ignore[index]
            "Workshop on Friday at 10, at the school."
        )
    line = next(m for m in bot.messages(TRAINER) if m["message_id"] == line_id)
    assert "Announcement delivered: 11 of 12 learners." in line["text"]
    assert "Sent: 11 · Blocked the bot: 1 · Failed: 0" in line["text"]
    async with bot.services.uow() as uow:
        assert await uow.users.is_blocked(members[0])
    assert (await run(bot)).outcomes == {}, "nothing twice"

    # the next announcement skips the learner known to have blocked the bot: no request
    again = await compose(bot, "Second")
    await bot.press(TRAINER, ToggleCohort(again, cohort_id).pack())
    await bot.press(TRAINER, PreviewAnnouncement(again).pack())
    await bot.press(TRAINER, SendAnnouncement(again).pack())
    mark = len(bot.standin.requests)
    await run(bot)
    assert not [
        r
        for r in bot.requests_since(mark)
        if r.params.get("chat_id") in (members[0], str(members[0]))
    ]
    assert "Sent: 11 · Blocked the bot: 1 · Failed: 0" in bot.text(TRAINER)


async def test_photo_document_voice_and_forward_are_copied_as_sent(bot: Harness) -> None:
    members = [5100, 5101]
    cohort_id = await trainer_with_cohort(bot, members)
    sends: list[tuple[str, bytes, dict[str, Any]]] = [
        ("photo", b"\xff\xd8photo", {"caption": "Map of the <b>mine</b>"}),
        ("document", b"%PDF-1.4 doc", {"file_name": "agenda.pdf"}),
        ("voice", b"OggS voice", {"duration": 7}),
        ("audio", b"ID3 song", {"file_name": "song.mp3", "caption": "Our song"}),
        ("video", b"\x00\x00\x00\x18ftypmp4", {"caption": "The river"}),
        (
            "document",
            b"%PDF fwd",
            {"forward_from": {"id": 42, "is_bot": False, "first_name": "ASI"}},
        ),
    ]
    for kind, data, extra in sends:
        await bot.say(TRAINER, "/menu")
        await bot.press(TRAINER, "m:trainer")
        await bot.press(TRAINER, WriteAnnouncement().pack())
        mark = len(bot.standin.requests)
        await bot.standin.send_media(TRAINER, kind, data, **extra)
        await bot.standin.wait_for_request(lambda r: r.method == "sendMessage", since=mark)
        await bot.until_idle()
        source = [m for m in bot.messages(TRAINER) if not m.get("from", {}).get("is_bot")][-1]
        async with bot.services.uow() as uow:
            drafts = [r for a in range(1, 20) if (r := await uow.announcements.get(a))]
        draft = drafts[-1]
        assert draft.kind == kind, "a forwarded file is announced as the file it is"
        async with bot.services.uow() as uow:
            stored = await announcements.content(uow, draft.id)
        assert stored.media == data, "our own copy of the file"
        await bot.press(TRAINER, ToggleCohort(draft.id, cohort_id).pack())
        await bot.press(TRAINER, PreviewAnnouncement(draft.id).pack())
        await bot.press(TRAINER, SendAnnouncement(draft.id).pack())
        await run(bot)
        for member in members:
            got = bot.standin.last_message(member)
            assert got is not None
            assert kind in got, "the same kind of message"
            sent = got[kind][-1] if kind == "photo" else got[kind]
            assert bot.standin.state.files[sent["file_id"]].data == data, "the same file"
            assert got.get("caption") == source.get("caption")
    await bot.say(TRAINER, "/menu")
    await bot.press(TRAINER, "m:trainer")
    await bot.press(TRAINER, WriteAnnouncement().pack())
    mark = len(bot.standin.requests)
    await bot.standin.send_media(TRAINER, "document", b"x" * (20 * 1024 * 1024 + 1))
    await bot.standin.wait_for_request(lambda r: r.method == "sendMessage", since=mark)
    await bot.until_idle()
    assert "too big to announce" in bot.text(TRAINER)
    assert not any(r.method == "getFile" for r in bot.requests_since(mark)), "not fetched"
    async with bot.services.uow() as uow:
        assert len([a for a in range(1, 20) if await uow.announcements.get(a)]) == len(sends)
    await bot.standin.send_text(TRAINER, "/help")  # a command is not taken as the message
    await bot.until_idle()
    assert "Help" in bot.text(TRAINER)


async def test_scheduled_announcement_goes_at_its_time_and_can_be_cancelled(
    bot: Harness, clock: FakeClock
) -> None:
    members = [5200, 5201, 5202]
    cohort_id = await trainer_with_cohort(bot, members)
    async with bot.services.uow() as uow:
        await uow.users.set_time_zone(await bot.uid(TRAINER), "Asia/Kolkata")
        await uow.commit()
    first = await compose(bot, "First")
    await bot.press(TRAINER, ToggleCohort(first, cohort_id).pack())
    await bot.press(TRAINER, PreviewAnnouncement(first).pack())
    await bot.press(TRAINER, ChooseSendTime(first).pack())
    assert "Asia/Kolkata" in bot.text(TRAINER)
    slots = [d for _, d in bot.buttons(TRAINER) if SendAt.matches(d)]
    # 15:30 in Kolkata on Monday: today 18:00, then 3 a day for two more days
    assert slots[0] == SendAt(first, 0, 18).pack() and len(slots) == 7
    await bot.press(TRAINER, SendAt(first, 1, 8).pack())  # Tuesday 08:00 in Kolkata = 02:30 UTC
    assert "Scheduled for Tue 24 Mar, 08:00 (Asia/Kolkata)" in bot.text(TRAINER)

    second = await compose(bot, "Second")
    await bot.press(TRAINER, ToggleCohort(second, cohort_id).pack())
    await bot.press(TRAINER, PreviewAnnouncement(second).pack())
    await bot.press(TRAINER, ChooseSendTime(second).pack())
    await bot.press(TRAINER, SendAt(second, 1, 12).pack())
    await bot.press(TRAINER, "m:trainer")
    await bot.press(TRAINER, ScheduledAnnouncements().pack())
    listed = bot.text(TRAINER)
    assert "1. Tue 24 Mar, 08:00 · text" in listed and "2. Tue 24 Mar, 12:00 · text" in listed
    await bot.press(TRAINER, CancelAnnouncement(second).pack())
    assert "Cancelled: it will not be sent." in bot.text(TRAINER)

    clock.now = datetime(2026, 3, 24, 2, 29, tzinfo=UTC)
    assert (await run(bot)).started == 0
    clock.now = datetime(2026, 3, 24, 2, 30, tzinfo=UTC)
    mark = len(bot.standin.requests)
    report = await run(bot)
    assert report.started == 1 and report.outcomes
    assert copies(bot, mark, "First") == {m: 1 for m in members}
    assert "Announcement delivered: 3 of 3 learners." in bot.text(TRAINER), "a new progress line"
    clock.now = datetime(2026, 3, 25, tzinfo=UTC)
    assert (await run(bot)).started == 0, "the cancelled one never goes"
    assert all(bot.standin.last_message(m)["text"] == "First" for m in members)  # type: ignore[index]
    await bot.say(TRAINER, "/menu")
    await bot.press(TRAINER, CancelAnnouncement(first).pack())
    assert "Too late to cancel" in bot.text(TRAINER)


async def test_a_crash_after_claiming_resends_once_when_the_lease_ends(
    bot: Harness, clock: FakeClock
) -> None:
    members = list(range(5300, 5320))
    cohort_id = await trainer_with_cohort(bot, members)
    announcement_id = await compose(bot)
    await bot.press(TRAINER, ToggleCohort(announcement_id, cohort_id).pack())
    await bot.press(TRAINER, PreviewAnnouncement(announcement_id).pack())
    await bot.press(TRAINER, SendAnnouncement(announcement_id).pack())
    async with bot.services.uow() as uow:
        await announcements.start_due(uow, clock.now)
    async with bot.services.uow() as uow:
        claimed = await announcements.claim(uow, clock.now, limit=8)
    for copy in claimed[:3]:  # three went out and were recorded, then the process died
        assert bot.app is not None
        await bot.app.bot.send_message(copy.user_id, TEXT)
        async with bot.services.uow() as uow:
            await announcements.record(uow, copy, announcements.Delivered.SENT, clock.now)
    await bot.restart()
    clock.now += timedelta(seconds=30)
    assert sum((await run(bot)).outcomes.values()) == 12, "the 12 never claimed"
    clock.now += announcements.LEASE
    assert sum((await run(bot)).outcomes.values()) == 5, "the 5 claimed by the dead run"
    assert copies(bot) == {**{m: 1 for m in members}, TRAINER: 1}


async def test_admin_announces_to_everyone(bot: Harness) -> None:
    for language, user_id in USERS.items():
        await onboard(bot, user_id, language)
    await onboard(bot, ADMIN, "en")
    await bot.press(ADMIN, "m:trainer", message_id=bot.last(ADMIN)["message_id"])
    await bot.say(ADMIN, "/menu")
    assert ("🎓 Trainer menu", "m:trainer") in bot.buttons(ADMIN)
    await bot.press(ADMIN, "m:trainer")
    await bot.press(ADMIN, WriteAnnouncement().pack())
    await bot.say(ADMIN, "The bot will be down on Sunday.")
    announcement_id = next(
        everyone.announcement
        for _, d in bot.buttons(ADMIN)
        if (everyone := ToEveryone.unpack(d)) is not None
    )
    await bot.press(ADMIN, ToEveryone(announcement_id).pack())
    assert "4 learners chosen" in bot.text(ADMIN)
    await bot.press(ADMIN, PreviewAnnouncement(announcement_id).pack())
    assert "everyone who uses the bot" in bot.text(ADMIN)
    await bot.press(ADMIN, SendAnnouncement(announcement_id).pack())
    await run(bot)
    down = "The bot will be down on Sunday."
    assert copies(bot, text=down) == {**{u: 1 for u in USERS.values()}, ADMIN: 1}


async def test_forged_announcement_buttons_change_nothing(bot: Harness) -> None:
    members = [5400]
    cohort_id = await trainer_with_cohort(bot, members)
    async with bot.services.uow() as uow:
        await add_telegram_user(uow, ADMIN, T0, "admin")
        other = await cohorts.create_cohort(uow, ADMIN, "Not yours", "en", None, T0)
    announcement_id = await compose(bot)
    for data in (
        ToggleCohort(announcement_id, other.cohort.id).pack(),
        ToEveryone(announcement_id).pack(),
        SendAnnouncement(announcement_id).pack(),  # nobody chosen yet
        SendAt(announcement_id, 9, 3).pack(),
        PreviewAnnouncement(announcement_id + 1).pack(),
        "nt:x:1",
        f"ns:{announcement_id}:1",
        "ta:explode-1",
        f"ta:send-{announcement_id}",  # a button of the old format, in an older message
        "ns:" + "9" * 40,
    ):
        await bot.say(TRAINER, "/menu")
        await bot.press(TRAINER, data)
        text = bot.text(TRAINER)
        assert STALE in text or "not one of yours" in text, data
    async with bot.services.uow() as uow:
        record = await uow.announcements.get(announcement_id)
    assert record is not None and record.status == "draft" and record.cohort_ids == []
    await bot.say(USERS["en"], "/start")
    await bot.press(USERS["en"], "lang:en")
    await bot.press(USERS["en"], "ok")
    await bot.press(USERS["en"], SendAnnouncement(announcement_id).pack())
    assert STALE in bot.text(USERS["en"]), "learners cannot send"
    assert (await run(bot)).started == 0
    del cohort_id


BIG = list(range(10_000, 10_500))
BLOCKED = BIG[7], BIG[250], BIG[499]


async def test_500_members_3_blocked_stopped_mid_delivery_and_restarted(
    database_url: str,
) -> None:
    """The real job, a fast limiter and stand-in (the pacing is not what this tests): stop
    the bot mid-delivery, start it again; every member gets it once, the blocked none."""
    standin = BotApiStandIn(
        TOKEN, spec_path=SPEC_PATH if SPEC_PATH.is_file() else None, global_rate=100_000
    )
    standin.add_user(TRAINER, "Tina", language_code="en")
    await standin.start()
    bot = Harness(
        standin,
        _settings(standin, database_url, interval=0.2, rate=150),
        limiter=lambda: RetryingRateLimiter(max_retries=3, overall_time_period=1 / 150),
    )
    await bot.start()
    try:
        cohort_id = await trainer_with_cohort(bot, BIG)
        for number, user_id in enumerate(BLOCKED):
            # the bot hears of the first block (my_chat_member) and skips that member; it
            # missed the notices of the others and learns from the 403 of its send
            standin.block(user_id, notify=number == 0)
        announcement_id = await compose(bot)
        await bot.press(TRAINER, ToggleCohort(announcement_id, cohort_id).pack())
        await bot.press(TRAINER, PreviewAnnouncement(announcement_id).pack())
        await bot.press(TRAINER, SendAnnouncement(announcement_id).pack(), settle=False)
        line_id = bot.last(TRAINER)["message_id"]
        for _ in range(300):
            await asyncio.sleep(0.02)
            if sum(copies(bot).values()) >= 150:
                break
        await bot.stop()
        before = sum(copies(bot).values()) - 1  # the trainer's preview
        assert 150 <= before < 497, before
        await bot.start()
        await standin.wait_for_request(
            lambda r: r.method == "editMessageText" and "delivered" in str(r.params.get("text")),
            timeout=30,
        )
        received = copies(bot)
        assert received == {**{m: 1 for m in BIG if m not in BLOCKED}, TRAINER: 1}
        statuses = Counter(
            r.status
            for r in standin.requests
            if is_copy(r) and int(str(r.params["chat_id"])) in BLOCKED
        )
        assert statuses == {403: len(BLOCKED) - 1}, "tried once, unless known as blocked"
        line = next(m for m in standin.messages(TRAINER) if m["message_id"] == line_id)
        assert "Sent: 497 · Blocked the bot: 3 · Failed: 0" in line["text"]
        edits = [r for r in standin.requests if r.method == "editMessageText"]
        assert len(edits) < 20, "edited now and then, not per message"
        async with bot.services.uow() as uow:
            assert all([await uow.users.is_blocked(u) for u in BLOCKED])
            counts = await uow.announcements.counts(announcement_id)
        assert counts == {announcements.Delivered.SENT: 497, announcements.Delivered.BLOCKED: 3}
    finally:
        await bot.stop()
        await standin.stop()
    assert not standin.violations, standin.violations[:5]
