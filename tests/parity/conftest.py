"""The parity suite's world: one core serving Telegram and WhatsApp against both stand-ins
(tests/whatsapp/both.py), on SQLite and PostgreSQL, with one clock for the bot and the
Cloud API stand-in that scenarios move; and the channel each scenario's learner is on.

Both stand-ins check every request the bot makes (the Bot API description; WhatsApp's
limits): `both_channels` fails the test on any violation left when it closes.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from bot.channels.whatsapp.pacing import LocalPace
from bot.channels.whatsapp.standin.clock import ManualClock
from tests.e2e.conftest import ADMIN, TELEGRAM_CODES
from tests.parity.driver import Person, TelegramPerson, WhatsAppPerson
from tests.whatsapp.both import Both, both_channels

CHANNELS = ("telegram", "whatsapp")
T0 = datetime(2026, 3, 23, 10, tzinfo=UTC)  # a Monday
MOUSSA = "224620000900"  # the admin on WhatsApp (ADMIN_WHATSAPP); ADMIN is on Telegram
# A number in a country that speaks each language (the bot guesses it from the number).
COUNTRY = {"fr": "22462", "hi": "91980", "pt": "559198", "en": "61400"}
# Reminders in French only (a Hindi one finds none, in Hindi nor the default language).
TEMPLATES = (
    "reminder:fr=asi_reminder,announcement:en=asi_announcement,announcement:fr=asi_announcement,"
    "staff:en=asi_staff_notice"
)
TEMPLATE_TEXTS = {
    ("asi_reminder", "fr"): (
        "Bonjour, ici la formation ASI. {{1}} Répondez « menu » pour continuer."
    ),
    ("asi_announcement", "en"): (
        'A message from your ASI trainer: {{1}} Reply "menu" to open the course.'
    ),
    ("asi_announcement", "fr"): (
        "Message de votre formateur ASI : {{1}} Répondez « menu » pour ouvrir la formation."
    ),
    ("asi_staff_notice", "en"): (
        'A person is waiting for an answer from the ASI course team: {{1}} Reply "/questions"'
        " to answer."
    ),
}


@dataclass
class World:
    """Both channels on one core; people are added on either."""

    both: Both
    manual: ManualClock
    _serial: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def clock(self) -> datetime:
        return datetime.fromtimestamp(self.manual.now, UTC)

    def at(self, when: datetime) -> None:
        """Move the one clock of the bot and the Cloud API stand-in."""
        self.manual.now = when.timestamp()

    def person(self, channel: str, language: str, name: str = "Learner") -> Person:
        """A new person on `channel` who has not written yet; their app is in `language`."""
        n = next(self._serial)
        if channel == "telegram":
            telegram_id = 5000 + n
            self.both.telegram.standin.add_user(
                telegram_id, name, language_code=TELEGRAM_CODES[language]
            )
            return TelegramPerson(self.both, language, telegram_id=telegram_id)
        wa_id = f"{COUNTRY[language]}{n:07d}"
        self.both.whatsapp.standin.add_user(wa_id, name)
        return WhatsAppPerson(self.both, language, wa_id=wa_id)

    def staff(self, channel: str) -> Person:
        """The admin on `channel`: ADMIN_IDS on Telegram, ADMIN_WHATSAPP on WhatsApp."""
        if channel == "telegram":
            return TelegramPerson(self.both, "en", telegram_id=ADMIN)
        self.both.whatsapp.standin.add_user(MOUSSA, "Moussa")
        return WhatsAppPerson(self.both, "en", wa_id=MOUSSA)


def other(channel: str) -> str:
    return CHANNELS[1 - CHANNELS.index(channel)]


@pytest.fixture(params=CHANNELS)
def channel(request: pytest.FixtureRequest) -> str:
    """The channel of the scenario's learner."""
    return str(request.param)


@pytest.fixture
async def world(database_url: str) -> AsyncIterator[World]:
    manual = ManualClock(T0.timestamp())

    def clock() -> datetime:
        return datetime.fromtimestamp(manual.now, UTC)

    async def wait(seconds: float) -> None:
        manual.advance(seconds)
        await asyncio.sleep(0)

    # The bot's WhatsApp pace on the stand-in's clock, its waits moving that clock: bulk
    # sends keep Meta's spacing as the stand-in measures it, without waiting for real.
    pace = LocalPace(80, clock=manual, sleep=wait)
    async with both_channels(
        database_url,
        clock,
        cloud_options={"clock": manual},
        pace=pace,
        admin_whatsapp=MOUSSA,
        whatsapp_templates=TEMPLATES,
        question_interval=0,  # the scenarios run the staff notice job themselves
    ) as both:
        for (name, language), text in TEMPLATE_TEXTS.items():
            both.whatsapp.standin.register_template(name, language, text)
        yield World(both, manual)


async def onboard(person: Person, language: str | None = None) -> None:
    """/start, the language, the welcome's OK; no reminders."""
    await person.say("/start")
    await person.choose(f"lang:{language or person.language}")
    await person.choose("ok")
    await person.choose("r:no")
