"""Staff hear of a question to a person from the notice job, never inside the learner's
turn, and learners get a staff member's reply from the same job, never inside the staff
member's turn: once each, after a restart too, with flood limits waited out, a recipient
who blocked the bot marked as such and a reply that could not be delivered told to its
author."""

from __future__ import annotations

import html
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.channels.telegram.standin import BotApiStandIn, RecordedRequest
from bot.config import Settings
from bot.db.models import FaqNotice
from bot.services.faq import NoticeState
from tests.e2e.conftest import ADMIN, USERS, onboard
from tests.e2e.harness import FakeClock, Harness, make_settings

LEARNER, TRAINER = USERS["fr"], USERS["pt"]
QUESTION = "Qui répare la route de Kamsar après les camions ?"
REPLY = "Écrivez au bureau des plaintes de la mine <et> gardez une copie."
REPLY_ON_THE_WIRE = html.escape(REPLY)
ON_ITS_WAY = "Your reply is on its way to the learner."
T0 = datetime(2027, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


def _settings(standin: BotApiStandIn, database_url: str, question_interval: float) -> Settings:
    """No job but the staff notices', and that one only when the test says so."""
    return make_settings(
        standin.url,
        database_url,
        admin_ids=str(ADMIN),
        reminder_interval=0,
        announcement_interval=0,
        consultation_interval=0,
        question_interval=question_interval,
    )


@pytest.fixture
async def bot(
    standin: BotApiStandIn, database_url: str, clock: FakeClock
) -> AsyncIterator[Harness]:
    harness = Harness(standin, _settings(standin, database_url, 0), clock=clock)
    await harness.start()
    yield harness
    await harness.stop()


async def _staff(bot: Harness) -> None:
    await onboard(bot, ADMIN, "en")
    await onboard(bot, TRAINER, "pt")
    async with bot.services.uow() as uow:
        await uow.users.set_role(await bot.uid(TRAINER), "trainer")
        await uow.commit()
    await onboard(bot, LEARNER, "fr")


async def _ask(bot: Harness, text: str = QUESTION) -> None:
    await bot.press(LEARNER, "m:faq")
    await bot.press(LEARNER, "ap:type")
    await bot.say(LEARNER, text)


def _told(bot: Harness, user: int, since: int, text: str = QUESTION) -> int:
    """How many messages carrying the question went to `user` since the mark."""
    return sum(
        1
        for r in bot.requests_since(since)
        if r.method == "sendMessage"
        and r.status == 200
        and r.params.get("chat_id") in (user, str(user))
        and text in str(r.params.get("text", ""))
    )


async def _states(bot: Harness) -> list[str]:
    async with bot.services.uow() as uow:
        return sorted((await uow.session.scalars(select(FaqNotice.state))).all())


async def test_the_learners_turn_only_writes_the_question_and_the_job_tells_staff_once(
    bot: Harness,
) -> None:
    await _staff(bot)
    mark = len(bot.standin.requests)
    await _ask(bot)
    chats = {
        r.params.get("chat_id")
        for r in bot.requests_since(mark)
        if r.method in ("sendMessage", "editMessageText")
    }
    assert chats == {LEARNER}, "the learner's turn sends to nobody else"
    assert "Votre question est envoyée" in bot.text(LEARNER)
    assert await _states(bot) == ["pending", "pending"], "one notice per staff member"
    report = await bot.notify_staff()
    assert report.claimed == 2 and report.outcomes == {NoticeState.SENT: 2}
    assert _told(bot, ADMIN, mark) == 1 and _told(bot, TRAINER, mark) == 1
    assert bot.buttons(ADMIN)[0][1].startswith("aq:")
    assert (await bot.notify_staff()).claimed == 0
    assert _told(bot, ADMIN, mark) == 1 and _told(bot, TRAINER, mark) == 1, "never twice"
    assert await _states(bot) == ["sent", "sent"]


async def test_a_restart_between_the_question_and_the_notice_loses_nothing(
    bot: Harness, standin: BotApiStandIn, database_url: str
) -> None:
    """The question is asked, the bot stops before any notice went out; the next start's
    scheduled job (not the test) tells both staff members, once."""
    await _staff(bot)
    mark = len(bot.standin.requests)
    await _ask(bot)
    await bot.stop()
    assert _told(bot, ADMIN, mark) == 0
    settings = bot.settings
    bot.settings = _settings(standin, database_url, 0.2)
    await bot.start()
    for user in (ADMIN, TRAINER):
        await standin.wait_for_request(_question_to(user), since=mark, timeout=10)
    await bot.stop()  # waits for the job's run under way, its records included
    bot.settings = settings
    await bot.start()
    assert await _states(bot) == ["sent", "sent"]
    assert _told(bot, ADMIN, mark) == 1 and _told(bot, TRAINER, mark) == 1


def _flood_limit(bot: Harness) -> None:
    """Telegram refuses the next sends with 429, beyond the rate limiter's own retries."""
    bot.standin.fail_next(
        "sendMessage",
        status=429,
        description="Too Many Requests: retry after 1",
        retry_after=1,
        times=4,
    )


def _question_to(user: int) -> Callable[[RecordedRequest], bool]:
    return lambda r: (
        r.method == "sendMessage"
        and r.params.get("chat_id") == user
        and QUESTION in str(r.params.get("text", ""))
    )


async def test_a_flood_limit_is_waited_out_and_the_notice_goes_at_a_later_run(
    bot: Harness, clock: FakeClock
) -> None:
    await onboard(bot, ADMIN, "en")  # the only staff member, so the 429s are theirs
    await onboard(bot, LEARNER, "fr")
    mark = len(bot.standin.requests)
    await _ask(bot)
    _flood_limit(bot)
    first = await bot.notify_staff()
    assert first.retried == 1 and first.outcomes == {}
    assert _told(bot, ADMIN, mark) == 0
    assert await _states(bot) == ["pending"], "never recorded as sent when it was not"
    assert (await bot.notify_staff()).claimed == 0, "not before the flood limit's wait"
    clock.now += timedelta(seconds=2)
    assert (await bot.notify_staff()).outcomes == {NoticeState.SENT: 1}
    assert (await bot.notify_staff()).claimed == 0
    assert _told(bot, ADMIN, mark) == 1
    assert await _states(bot) == ["sent"]


async def test_a_staff_member_who_blocked_the_bot_is_marked_and_not_told_again(
    bot: Harness,
) -> None:
    await _staff(bot)
    bot.standin.block(TRAINER, notify=False)  # only the next send's 403 says so
    mark = len(bot.standin.requests)
    await _ask(bot)
    report = await bot.notify_staff()
    assert report.outcomes == {NoticeState.SENT: 1, NoticeState.BLOCKED: 1}
    assert _told(bot, ADMIN, mark) == 1
    assert await _states(bot) == ["blocked", "sent"]
    async with bot.services.uow() as uow:
        trainer = await uow.users.get(await bot.uid(TRAINER))
    assert trainer is not None and trainer.blocked, "no more notices to a blocked chat"
    # the next question is for the admin alone
    mark = len(bot.standin.requests)
    await _ask(bot, "Et pour le puits ?")
    assert (await bot.notify_staff()).outcomes == {NoticeState.SENT: 1}
    assert _told(bot, ADMIN, mark, "Et pour le puits ?") == 1
    assert len(await _states(bot)) == 3


async def test_a_notice_for_someone_no_longer_staff_or_a_deleted_question_goes_nowhere(
    bot: Harness,
) -> None:
    await _staff(bot)
    mark = len(bot.standin.requests)
    await _ask(bot)
    async with bot.services.uow() as uow:
        await uow.users.set_role(await bot.uid(TRAINER), "learner")
        await uow.commit()
    report = await bot.notify_staff()
    assert report.outcomes == {NoticeState.SENT: 1, NoticeState.SKIPPED: 1}
    assert _told(bot, TRAINER, mark) == 0
    await _ask(bot, "Une autre question sur la poussière")
    await bot.say(LEARNER, "/deleteme")
    await bot.press(LEARNER, "del:yes")
    assert await _states(bot) == [], "the learner's questions go with their notices"
    assert (await bot.notify_staff()).claimed == 0
    assert _told(bot, ADMIN, mark, "poussière") == 0


async def _reply(bot: Harness) -> None:
    """The learner asks, the staff are told, the admin replies."""
    await _ask(bot)
    await bot.notify_staff()
    async with bot.services.uow() as uow:
        [question] = await uow.faq.open_questions()
    await bot.press(ADMIN, f"aq:{question.id}")
    await bot.say(ADMIN, REPLY)
    assert bot.text(ADMIN) == ON_ITS_WAY


async def test_a_reply_goes_from_the_job_once_after_a_restart_between_reply_and_delivery(
    bot: Harness,
) -> None:
    await _staff(bot)
    mark = len(bot.standin.requests)
    await _reply(bot)
    admins_turn = [r for r in bot.requests_since(mark) if REPLY in str(r.params.get("text"))]
    assert admins_turn == [], "the admin's turn sends the reply to nobody"
    await bot.restart()
    assert _told(bot, LEARNER, mark, REPLY_ON_THE_WIRE) == 0
    assert await _states(bot) == ["pending", "sent", "sent"], "the reply's delivery is kept"
    report = await bot.notify_staff()
    assert report.claimed == 1 and report.outcomes == {NoticeState.SENT: 1}
    assert _told(bot, LEARNER, mark, REPLY_ON_THE_WIRE) == 1, "as typed, escaped on the wire"
    assert bot.buttons(LEARNER)[0][1].startswith("ab:"), "Answer back under it"
    assert (await bot.notify_staff()).claimed == 0
    assert _told(bot, LEARNER, mark, REPLY_ON_THE_WIRE) == 1, "never twice"


async def test_a_reply_held_up_by_a_flood_limit_goes_at_a_later_run(
    bot: Harness, clock: FakeClock
) -> None:
    await _staff(bot)
    mark = len(bot.standin.requests)
    await _reply(bot)
    _flood_limit(bot)
    first = await bot.notify_staff()
    assert first.retried == 1 and first.outcomes == {}
    assert _told(bot, LEARNER, mark, REPLY_ON_THE_WIRE) == 0
    assert "pending" in await _states(bot), "never recorded as sent when it was not"
    clock.now += timedelta(seconds=2)
    assert (await bot.notify_staff()).outcomes == {NoticeState.SENT: 1}
    assert _told(bot, LEARNER, mark, REPLY_ON_THE_WIRE) == 1


async def test_a_reply_the_learner_cannot_get_is_told_to_the_staff_member_who_wrote_it(
    bot: Harness,
) -> None:
    await _staff(bot)
    await _reply(bot)
    bot.standin.block(LEARNER, notify=False)  # only the next send's 403 says so
    assert (await bot.notify_staff()).outcomes == {NoticeState.BLOCKED: 1}
    mark = len(bot.standin.requests)
    assert (await bot.notify_staff()).outcomes == {NoticeState.SENT: 1}
    told = bot.text(ADMIN)
    assert "could not be delivered: the learner has blocked the bot" in told
    assert _told(bot, TRAINER, mark, "could not be delivered") == 0, "only its author"
    assert (await bot.notify_staff()).claimed == 0
