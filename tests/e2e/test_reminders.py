"""Reminders end to end: opting in, settings, delivery through the stand-in, and the rules.

The bot runs with a clock the tests move and without its repeating job; each test calls the
dispatcher's tick itself (one test checks the real job too).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta

import pytest

from bot.channels.telegram.standin import BotApiStandIn
from bot.config import Settings
from bot.db.engine import create_engine, create_session_factory
from bot.db.repositories import Outcome
from bot.jobs.reminders import TickReport, send_due_reminders
from bot.services import learners, reminders
from bot.services.container import Services
from bot.views.reminders import city_label, zone_label
from tests.accounts import arrive_as
from tests.e2e.conftest import ADMIN, USERS, onboard
from tests.e2e.harness import FakeClock, Harness, make_settings

T0 = datetime(2026, 3, 23, 10, tzinfo=UTC)  # a Monday
# English learners are offered Brisbane (UTC+10, no DST): "every evening" is 08:00 UTC, and
# the first reminder comes after three days without activity, on Friday.
DUE_EN = datetime(2026, 3, 27, 8, tzinfo=UTC)
STALE = "This button is out of date. Here is the menu."


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


def _settings(standin: BotApiStandIn, database_url: str, interval: float = 0) -> Settings:
    return make_settings(
        standin.url, database_url, admin_ids=str(ADMIN), reminder_interval=interval
    )


@pytest.fixture
async def bot(
    standin: BotApiStandIn, database_url: str, clock: FakeClock
) -> AsyncIterator[Harness]:
    harness = Harness(standin, _settings(standin, database_url), clock=clock)
    await harness.start()
    yield harness
    await harness.stop()


async def tick(bot: Harness) -> TickReport:
    """One run of the dispatcher, as the JobQueue would start it."""
    assert bot.app is not None
    return await send_due_reminders(bot.services)


async def opt_in(bot: Harness, user: int, language: str) -> None:
    await onboard(bot, user, language)
    await bot.press(user, "r:evening")


def delivered(bot: Harness, user: int, since: int = 0) -> list[str]:
    """Texts of the reminders the stand-in delivered to the user."""
    return [
        str(r.params.get("text"))
        for r in bot.requests_since(since)
        if r.method == "sendMessage"
        and r.status == 200
        and r.params.get("chat_id") == user
        and "r:stop" in str(r.params.get("reply_markup"))
    ]


async def test_yes_evenings_at_the_end_of_onboarding_turns_reminders_on(bot: Harness) -> None:
    user = USERS["hi"]
    t = bot.services.i18n.translator("hi")
    await onboard(bot, user, "hi")
    assert t.gettext("Shall I remind you?") in bot.text(user)
    async with bot.services.uow() as uow:
        assert await uow.reminders.get(await bot.uid(user)) is None, (
            "off until the learner says yes"
        )
    await bot.press(user, "r:evening")
    assert t.gettext("Reminders are on.") in bot.text(user)
    assert "18:00" in bot.text(user) and "GMT+05:30" in bot.text(user)
    async with bot.services.uow() as uow:
        record = await uow.reminders.get(await bot.uid(user))
        stored = await uow.users.get(await bot.uid(user))
    assert record is not None and record.enabled and record.hour == 18 and record.days == 127
    assert stored is not None and stored.time_zone == "Asia/Kolkata", "suggested from Hindi"
    # three days after the last activity, at the next 18:00 in Kolkata (12:30 UTC)
    assert record.next_due_at == datetime(2026, 3, 26, 12, 30, tzinfo=UTC)


async def test_no_stores_nothing(bot: Harness) -> None:
    user = USERS["fr"]
    t = bot.services.i18n.translator("fr")
    await onboard(bot, user, "fr")
    await bot.press(user, "r:no")
    assert t.gettext(
        "All right, no reminders. You can turn them on at any time in Settings → Reminders."
    ) in bot.text(user)
    assert bot.buttons(user)[0][1] == "m:continue", "and the menu is back"
    async with bot.services.uow() as uow:
        assert await uow.reminders.get(await bot.uid(user)) is None
    await bot.press(user, "ok")  # the welcome's button again, on an old message
    assert t.gettext("Shall I remind you?") not in bot.text(user), "asked only once"


async def test_settings_choose_days_time_and_country(bot: Harness) -> None:
    user = USERS["en"]
    await onboard(bot, user, "en")
    await bot.press(user, "m:settings")
    assert ("⏰ Reminders", "m:reminders") in bot.buttons(user)
    await bot.press(user, "m:reminders")
    assert "Reminders are off." in bot.text(user)
    await bot.press(user, "r:on")
    assert "Reminders are on." in bot.text(user)

    await bot.press(user, "r:days")
    await bot.press(user, "rd:weekdays")
    await bot.press(user, "rw:5")  # and Saturday
    assert "✓ Sat" in [text for text, _ in bot.buttons(user)]
    await bot.press(user, "rw:0")  # but not Monday
    await bot.press(user, "r:time")
    await bot.press(user, "rh:8")
    assert "Time: 08:00" in bot.text(user)
    await bot.press(user, "r:time")
    await bot.press(user, "r:hours")
    assert len([d for _, d in bot.buttons(user) if d.startswith("rh:")]) == 14, "07:00-20:00"
    await bot.press(user, "rh:20")
    await bot.press(user, "r:zone")
    await bot.press(user, "rc:br")
    # City names come from Babel's CLDR data ("Belem" or "Belém" depending on its release).
    assert (city_label("America/Belem", "en"), "rz:America/Belem") in bot.buttons(user)
    await bot.press(user, "rz:America/Belem")
    assert f"{city_label('America/Belem', 'en')} (GMT-03:00)" in bot.text(user)
    assert "Days: Tue, Wed, Thu, Fri, Sat" in bot.text(user)
    async with bot.services.uow() as uow:
        record = await uow.reminders.get(await bot.uid(user))
        stored = await uow.users.get(await bot.uid(user))
    assert record is not None and record.enabled and record.hour == 20
    assert record.days == 0b0111110
    assert stored is not None and stored.time_zone == "America/Belem"
    # Tuesday to Saturday at 20:00 in Belém (23:00 UTC), after three quiet days: Thursday
    assert record.next_due_at == datetime(2026, 3, 26, 23, tzinfo=UTC)

    await bot.press(user, "r:off")
    async with bot.services.uow() as uow:
        record = await uow.reminders.get(await bot.uid(user))
    assert record is not None and not record.enabled and record.next_due_at is None


async def test_typing_a_city_finds_the_time_zone(bot: Harness) -> None:
    user = USERS["pt"]
    t = bot.services.i18n.translator("pt")
    await onboard(bot, user, "pt")
    await bot.press(user, "r:choose")
    await bot.press(user, "r:zone")
    await bot.press(user, "r:city")
    await bot.say(user, "kolkata")
    # the zone as CLDR names it in Portuguese ("Calcutá" in recent Babel releases)
    assert zone_label("Asia/Kolkata", "pt", bot.services.clock()) in bot.text(user)
    async with bot.services.uow() as uow:
        stored = await uow.users.get(await bot.uid(user))
    assert stored is not None and stored.time_zone == "Asia/Kolkata"

    await bot.press(user, "r:city")
    await bot.say(user, "Atlantis <b>x</b>")
    reply = bot.text(user)
    assert "Atlantis <b>x</b>" in reply, "shown as typed, escaped (the stand-in parsed it)"
    assert t.gettext("Pick your country, or type the name of your city.") not in reply
    await bot.say(user, "america")
    assert len([d for _, d in bot.buttons(user) if d.startswith("rz:America/")]) > 2
    await bot.say(user, "São Paulo")
    async with bot.services.uow() as uow:
        stored = await uow.users.get(await bot.uid(user))
    assert stored is not None and stored.time_zone == "America/Sao_Paulo"
    # the search ended: a city name is ordinary text again
    await bot.say(user, "Conakry")
    async with bot.services.uow() as uow:
        stored = await uow.users.get(await bot.uid(user))
    assert stored is not None and stored.time_zone == "America/Sao_Paulo"


async def test_a_due_reminder_says_where_the_learner_stopped(
    bot: Harness, clock: FakeClock
) -> None:
    user = USERS["en"]
    await opt_in(bot, user, "en")
    await bot.press(user, "c:gov-board-2")  # module 2, lesson 3
    clock.now = DUE_EN - timedelta(seconds=1)
    assert (await tick(bot)).claimed == 0
    clock.now = DUE_EN + timedelta(seconds=20)
    mark = len(bot.standin.requests)
    report = await tick(bot)
    assert report.outcomes == {Outcome.SENT: 1}
    (text,) = delivered(bot, user, mark)
    assert "Module 2, lesson 3: The Board, the staff and checks and balances" in text
    assert [d for _, d in bot.buttons(user)] == ["m:continue", "r:stop"]

    await bot.press(user, "m:continue")
    assert "Board" in bot.text(user) and "Module 2 · Lesson 3/" in bot.text(user)
    clock.now += timedelta(minutes=1)
    assert (await tick(bot)).claimed == 0, "never twice"
    assert len(delivered(bot, user)) == 1


async def test_stop_reminders_button_and_the_stop_command(bot: Harness, clock: FakeClock) -> None:
    """The button turns reminders off; /stop opts out of everything the bot sends on its
    own, reminders included, keeping their settings, and /start brings them back."""
    user = USERS["en"]
    await opt_in(bot, user, "en")
    clock.now = DUE_EN
    await tick(bot)
    await bot.press(user, "r:stop")
    assert "Reminders are off. You can turn them on again" in bot.text(user)
    async with bot.services.uow() as uow:
        record = await uow.reminders.get(await bot.uid(user))
    assert record is not None and not record.enabled and record.next_due_at is None

    await bot.say(user, "/reminders")
    await bot.press(user, "r:on")
    await bot.say(user, "/stop")
    assert "the bot will send you nothing on its own" in bot.text(user)
    assert "send /start" in bot.text(user)
    async with bot.services.uow() as uow:
        record = await uow.reminders.get(await bot.uid(user))
    assert record is not None and record.enabled, "the reminder settings are kept"
    mark = len(bot.requests_since(0))
    clock.now += timedelta(days=10)
    assert (await tick(bot)).claimed == 1
    assert delivered(bot, user, since=mark) == [], "skipped while opted out"
    async with bot.services.uow() as uow:
        counts = await reminders.stats(uow, clock.now)
    assert counts.skipped == 1, "and counted as skipped"

    await bot.say(user, "/start")
    assert any("Welcome back" in str(m.get("text")) for m in bot.messages(user)[-2:])
    async with bot.services.uow() as uow:
        record = await uow.reminders.get(await bot.uid(user))
    assert record is not None and record.next_due_at is not None
    clock.now = max(record.next_due_at, clock.now + timedelta(days=3))
    for _ in range(3):  # the first due time may fall too soon after /start, or be late
        await tick(bot)
        async with bot.services.uow() as uow:
            record = await uow.reminders.get(await bot.uid(user))
        assert record is not None and record.next_due_at is not None
        if delivered(bot, user, since=mark):
            break
        clock.now = record.next_due_at
    assert len(delivered(bot, user, since=mark)) == 1, "reminders are back after /start"


async def test_quiet_hours_are_respected(bot: Harness, clock: FakeClock) -> None:
    user = USERS["en"]
    await opt_in(bot, user, "en")
    await bot.press(user, "r:time")
    await bot.press(user, "r:hours")
    await bot.press(user, "rh:20")
    due = datetime(2026, 3, 26, 10, tzinfo=UTC)  # Thursday 20:00 in Brisbane
    async with bot.services.uow() as uow:
        record = await uow.reminders.get(await bot.uid(user))
    assert record is not None and record.next_due_at == due
    clock.now = due + timedelta(hours=1, minutes=30)  # the bot was down until 21:30
    report = await tick(bot)
    assert report.claimed == 1 and not report.outcomes, "skipped, not sent at 21:30"
    assert delivered(bot, user) == []
    clock.now = due + timedelta(days=1, seconds=30)  # Friday 20:00:30
    assert (await tick(bot)).outcomes == {Outcome.SENT: 1}
    async with bot.services.uow() as uow:
        counts = await reminders.stats(uow, clock.now)
    assert (counts.sent, counts.skipped) == (1, 0), "yesterday's skip is not today's"


async def test_a_missed_reminder_is_sent_once_after_a_restart(
    bot: Harness, clock: FakeClock
) -> None:
    """A dispatcher claims, then the process dies before sending; the next one sends once."""
    user = USERS["en"]
    await opt_in(bot, user, "en")
    clock.now = DUE_EN
    async with bot.services.uow() as uow:
        claimed = await reminders.claim_due(uow, clock.now)
    async with bot.services.uow() as uow:
        assert len(await reminders.prepare(uow, bot.services.course, claimed, clock.now)) == 1
    await bot.restart()
    clock.now = DUE_EN + timedelta(minutes=1)
    assert (await tick(bot)).claimed == 0, "still leased to the dead dispatcher"
    clock.now = DUE_EN + reminders.LEASE + timedelta(seconds=30)
    assert (await tick(bot)).outcomes == {Outcome.SENT: 1}
    clock.now += timedelta(minutes=10)
    assert (await tick(bot)).claimed == 0
    assert len(delivered(bot, user)) == 1


async def test_a_user_who_blocked_the_bot_is_skipped_and_marked(
    bot: Harness, clock: FakeClock
) -> None:
    user = USERS["fr"]
    await opt_in(bot, user, "fr")
    bot.standin.block(user, notify=False)  # the bot learns it from a 403
    clock.now = datetime(2026, 3, 26, 18, tzinfo=UTC)
    mark = len(bot.standin.requests)
    assert (await tick(bot)).outcomes == {Outcome.BLOCKED: 1}
    assert [r.status for r in bot.requests_since(mark) if r.method == "sendMessage"] == [403]
    async with bot.services.uow() as uow:
        assert await uow.users.is_blocked(await bot.uid(user))
        record = await uow.reminders.get(await bot.uid(user))
        assert record is not None and record.enabled and record.next_due_at is None
    mark = len(bot.standin.requests)
    clock.now += timedelta(days=14)
    assert (await tick(bot)).claimed == 0
    assert not [r for r in bot.requests_since(mark) if r.method == "sendMessage"]

    await bot.say(user, "/menu")  # they unblocked the bot and wrote again
    async with bot.services.uow() as uow:
        record = await uow.reminders.get(await bot.uid(user))
    assert record is not None and record.next_due_at == clock.now
    await tick(bot)
    async with bot.services.uow() as uow:
        record = await uow.reminders.get(await bot.uid(user))
    assert record is not None and record.next_due_at is not None
    assert record.next_due_at >= clock.now + timedelta(days=3), "rescheduled, not sent"


async def _until(condition: Callable[[], Awaitable[bool]]) -> None:
    for _ in range(250):  # 5 s
        if await condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the bot did not get there in time")


async def test_blocking_and_unblocking_without_writing_are_noticed(
    bot: Harness, clock: FakeClock
) -> None:
    user = USERS["pt"]
    await opt_in(bot, user, "pt")

    async def blocked() -> bool:
        async with bot.services.uow() as uow:
            return await uow.users.is_blocked(await bot.uid(user))

    bot.standin.block(user)  # Telegram sends my_chat_member: member -> kicked
    await _until(blocked)
    async with bot.services.uow() as uow:
        record = await uow.reminders.get(await bot.uid(user))
    assert record is not None and record.next_due_at is not None
    clock.now = record.next_due_at
    mark = len(bot.standin.requests)
    await tick(bot)
    assert not [r for r in bot.requests_since(mark) if r.method == "sendMessage"], "no 403 met"
    async with bot.services.uow() as uow:
        record = await uow.reminders.get(await bot.uid(user))
    assert record is not None and record.enabled and record.next_due_at is None, "parked"
    assert not delivered(bot, user)

    bot.standin.unblock(user)  # kicked -> member, and the user writes nothing

    async def woken() -> bool:
        async with bot.services.uow() as uow:
            record = await uow.reminders.get(await bot.uid(user))
        return record is not None and record.next_due_at == clock.now

    await _until(woken)
    assert not await blocked()
    assert not delivered(bot, user), "unblocking says nothing to the user"


async def test_a_flood_limit_is_waited_out(bot: Harness, clock: FakeClock) -> None:
    user = USERS["en"]
    await opt_in(bot, user, "en")
    clock.now = DUE_EN
    bot.standin.fail_next(
        "sendMessage", status=429, description="Too Many Requests: retry after 1", retry_after=1
    )
    mark = len(bot.standin.requests)
    started = time.monotonic()
    assert (await tick(bot)).outcomes == {Outcome.SENT: 1}
    assert time.monotonic() - started >= 1
    statuses = [r.status for r in bot.requests_since(mark) if r.method == "sendMessage"]
    assert statuses == [429, 200]
    assert len(delivered(bot, user)) == 1


async def test_reminderstats_for_admins_only(bot: Harness, clock: FakeClock) -> None:
    user = USERS["en"]
    await opt_in(bot, user, "en")
    await opt_in(bot, USERS["fr"], "fr")
    bot.standin.block(USERS["fr"], notify=False)
    clock.now = datetime(2026, 3, 26, 18, tzinfo=UTC)  # the French learner's reminder
    await tick(bot)
    clock.now = DUE_EN
    await tick(bot)
    await onboard(bot, ADMIN, "en")
    await bot.say(ADMIN, "/reminderstats")
    stats = bot.text(ADMIN)
    assert "Opted in: 2" in stats and "Sent today (UTC): 1" in stats
    assert "Opted in but blocked the bot: 1" in stats and "quiet hours: 0" in stats
    await bot.say(user, "/reminderstats")
    assert "I don't know that command" in bot.text(user)


async def test_privacy_lists_reminders_and_deleteme_erases_them(
    bot: Harness, clock: FakeClock
) -> None:
    user = USERS["en"]
    await opt_in(bot, user, "en")
    clock.now = DUE_EN
    await tick(bot)
    await bot.say(user, "/privacy")
    text = bot.text(user)
    assert "Time zone: Australia/Brisbane" in text
    assert "Reminders: on (every day at 18:00)" in text
    assert "Next reminder, at the earliest:" in text and "Last reminder sent:" in text
    assert "Reminder log: 1 entry" in text
    uid = await bot.uid(user)
    await bot.say(user, "/deleteme")
    await bot.press(user, "del:yes")
    async with bot.services.uow() as uow:
        assert await uow.reminders.get(uid) is None
        assert await uow.reminders.count_log(uid) == 0


FORGED = [
    "rz:Mars/Olympus",
    "rz:localtime",
    "rz:../../etc/passwd",
    "rh:3",
    "rh:21",
    "rd:9",
    "rc:fr",
    "r:everything",
    "r",
]


async def test_forged_reminder_buttons_change_nothing(bot: Harness) -> None:
    user = USERS["en"]
    await opt_in(bot, user, "en")
    async with bot.services.uow() as uow:
        before = (
            await uow.reminders.get(await bot.uid(user)),
            await uow.users.get(await bot.uid(user)),
        )
    for data in FORGED:
        await bot.say(user, "/reminders")  # a fresh message to press on
        await bot.press(user, data)
        assert STALE in bot.text(user), data
    async with bot.services.uow() as uow:
        assert (
            await uow.reminders.get(await bot.uid(user)),
            await uow.users.get(await bot.uid(user)),
        ) == before


async def test_reminder_buttons_before_onboarding_lead_back_to_it(bot: Harness) -> None:
    user = USERS["en"]
    await bot.say(user, "/start")
    await bot.press(user, "r:evening")
    assert "Let's set you up first" in bot.text(user)
    await bot.say(user, "/stop")
    assert "the bot will send you nothing on its own" in bot.text(user)
    async with bot.services.uow() as uow:
        assert await uow.reminders.get(await bot.uid(user)) is None


async def test_two_dispatchers_share_the_work_without_duplicates(
    bot: Harness, clock: FakeClock, database_url: str
) -> None:
    """As with two bot processes on one database: every due reminder goes out once."""
    learners_ = list(range(5000, 5024))
    for user_id in learners_:
        bot.standin.add_user(user_id, f"Learner {user_id}", language_code="fr")
        async with bot.services.uow() as uow:
            await arrive_as(uow, user_id, T0, is_admin=False)
            await learners.choose_language(uow, user_id, "fr", T0)
            user = await uow.users.get(user_id)
            assert user is not None
            await reminders.turn_on(uow, user, "fr", T0)
    engine = create_engine(database_url)
    other = Services(
        settings=bot.services.settings,
        course=bot.services.course,
        i18n=bot.services.i18n,
        engine=engine,
        session_factory=create_session_factory(engine),
        clock=clock,
        # the other process reaches people through Telegram too (here the same bot's
        # channel): without one, whatever it claimed went nowhere, so the test depended on
        # which dispatcher claimed first
        channels=bot.services.channels,
    )
    clock.now = datetime(2026, 3, 26, 18, tzinfo=UTC)
    assert bot.app is not None
    try:
        first, second = await asyncio.gather(
            send_due_reminders(bot.services),
            send_due_reminders(other),
        )
    finally:
        await engine.dispose()
    assert first.claimed + second.claimed == len(learners_)
    for user_id in learners_:
        assert len(delivered(bot, user_id)) == 1


async def test_the_repeating_job_dispatches_by_itself(
    standin: BotApiStandIn, database_url: str, clock: FakeClock
) -> None:
    harness = Harness(standin, _settings(standin, database_url, 0.2), clock=clock)
    await harness.start()
    try:
        assert harness.app is not None and harness.app.bot_data.jobs is not None
        job = harness.app.bot_data.jobs.scheduler.get_job("reminders")
        assert job is not None
        assert job.misfire_grace_time is None and job.coalesce
        assert job.max_instances == 1
        user = USERS["en"]
        await opt_in(harness, user, "en")
        clock.now = DUE_EN
        await standin.wait_for_request(
            lambda r: r.method == "sendMessage" and "r:stop" in str(r.params.get("reply_markup")),
            timeout=5,
        )
    finally:
        await harness.stop()
