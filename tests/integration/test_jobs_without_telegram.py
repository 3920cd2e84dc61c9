"""The background jobs need no Telegram: with only another channel in the process (here a
channel that records what it is asked to send), a due reminder reaches its learner on it,
and the scheduler starts and stops without a Telegram application."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.config import load_settings
from bot.conversation.ports import Attempt, OutFile, Sent, Unprompted
from bot.jobs.reminders import send_due_reminders
from bot.jobs.scheduler import Jobs
from bot.runtime import close_services, open_services
from bot.screens import Keyboard
from bot.services import learners, reminders
from bot.services.reminders import ReminderTime
from tests.conftest import shared_content
from tests.e2e.harness import shared_i18n

CONTENT = Path(__file__).resolve().parents[2] / "content"
T0 = datetime(2026, 3, 23, 10, tzinfo=UTC)  # a Monday


class RecordingChannel:
    """A channel that keeps what it is asked to send, and sends nothing."""

    platform = "sms"

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, Keyboard | None]] = []

    async def send(
        self,
        address: str,
        text: str,
        keyboard: Keyboard | None = None,
        *,
        unprompted: Unprompted | None = None,
    ) -> Attempt:
        self.sent.append((address, text, keyboard))
        return Attempt(Sent.SENT, ref=str(len(self.sent)))

    async def send_file(
        self,
        address: str,
        file: OutFile,
        caption: str | None = None,
        keyboard: Keyboard | None = None,
        *,
        unprompted: Unprompted | None = None,
    ) -> Attempt:
        return Attempt(Sent.FAILED)

    async def edit(
        self,
        address: str,
        ref: str,
        text: str,
        keyboard: Keyboard | None = None,
        *,
        unprompted: Unprompted | None = None,
    ) -> Attempt:
        return await self.send(address, text, keyboard)

    async def copy(self, address: str, from_address: str, ref: str) -> Attempt:
        return Attempt(Sent.FAILED)

    async def fetch(self, file_id: str) -> bytes:
        raise AssertionError("nothing to fetch")

    def invite_link(self, code: str) -> str:
        return f"sms:{code}"


async def test_a_reminder_reaches_a_learner_on_another_channel(database_url: str) -> None:
    settings = load_settings(_env_file=None, database_url=database_url, reminder_interval=0)
    course, index = shared_content(CONTENT)
    now = [T0]
    services = await open_services(
        settings,
        course=course,
        faq_index=index,
        i18n=shared_i18n(settings.default_language),
        clock=lambda: now[0],
    )
    channel = RecordingChannel()
    services.channels.add(channel)
    try:
        async with services.uow() as uow:
            who = learners.Identity("sms", "+224600000001", "+224600000001")
            user = await learners.arrive(uow, who, T0, is_admin=False)
            await learners.choose_language(uow, user.id, "fr", T0)
            await learners.give_consent(uow, user.id, T0)
            user = await learners.arrive(uow, who, T0, is_admin=False)
            await reminders.turn_on(uow, user, "fr", T0, ReminderTime(frozenset(range(7)), 18))
        now[0] = datetime(2026, 3, 26, 18, tzinfo=UTC)  # its first due time, a few days on
        report = await send_due_reminders(services)
        assert report.claimed == 1
        ((address, text, keyboard),) = channel.sent
        assert address == "+224600000001"
        assert text and keyboard is not None and keyboard.choices, "the reminder and its choices"

        jobs = Jobs(services)
        jobs.start()
        await jobs.stop()
    finally:
        await close_services(services)
