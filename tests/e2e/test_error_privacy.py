"""A database error while an anonymous answer is taken: neither the log (at the default
level) nor the admins' alert carries the answer's words, the person's Telegram id or name.

The error is a real one, raised by the database through the bot's own engine: a statement
that carries the answer's words as a parameter fails, as an INSERT of the answer would.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import text

from bot.channels.telegram.standin import BotApiStandIn
from bot.db.repositories.consultations import ConsultationRepository
from tests.e2e.conftest import ADMIN, onboard
from tests.e2e.harness import FakeClock, Harness, make_settings

SLUG = "practice-community-voice"
OPENED = datetime(2026, 11, 20, 9, tzinfo=UTC)
AUTHOR, NAME, USERNAME = 7301000031, "Mariama Camara", "mariama_boke"
WORDS = "Le chef de site a menacé mon oncle après la réunion."


@pytest.fixture
async def bot(standin: BotApiStandIn, database_url: str) -> AsyncIterator[Harness]:
    standin.add_user(AUTHOR, NAME, language_code="fr", username=USERNAME)
    settings = make_settings(
        standin.url,
        database_url,
        admin_ids=str(ADMIN),
        reminder_interval=0,
        consultation_interval=0,
    )
    harness = Harness(standin, settings, clock=FakeClock(OPENED))
    await harness.start()
    yield harness
    await harness.stop()


async def test_a_database_error_during_an_anonymous_answer_leaks_nothing(
    bot: Harness, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.INFO)
    await onboard(bot, ADMIN, "en")
    await bot.say(ADMIN, "/consultations")
    await bot.press(ADMIN, "kp:" + SLUG)
    await onboard(bot, AUTHOR, "fr")
    await bot.say(AUTHOR, "/menu")
    for data in ("m:consult", "ko:1", "ks:1:0", "ka:1:0:c", "ki:1:0:c:a"):
        await bot.press(AUTHOR, data)

    async def failing_write(self: ConsultationRepository, *args: Any) -> set[int]:
        # Every answer asks for the numbers taken, then writes: here that write fails in
        # the database with the answer's words among its parameters (no section: NOT NULL).
        await self._session.execute(
            text(
                "INSERT INTO consultation_answers (consultation_id, number, text) "
                "VALUES (:consultation, :number, :words)"
            ),
            {"consultation": 1, "number": 4242, "words": WORDS},
        )
        return set()

    monkeypatch.setattr(ConsultationRepository, "numbers", failing_write)
    alerts_before = len(bot.messages(ADMIN))
    await bot.say(AUTHOR, WORDS)
    t = bot.services.i18n.translator("fr")
    assert t.gettext(
        "The bot cannot reach its database right now. Please try again in a few minutes."
    ) in bot.text(AUTHOR)
    await bot._settle(ADMIN, 0, expect_reply=True)
    alerts = [str(m.get("text")) for m in bot.messages(ADMIN)[alerts_before:]]
    assert alerts and all("⚠️" in a for a in alerts), alerts

    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    logged = [formatter.format(r) for r in caplog.records]  # with any traceback
    needles = (WORDS, "menacé", str(AUTHOR), str(await bot.uid(AUTHOR)), NAME, USERNAME)
    for needle in needles:
        for line in logged:
            assert needle not in line, (needle, line[:300])
        for alert in alerts:
            assert needle not in alert, (needle, alert)
    failures = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert failures, "the failure is logged"
    assert "IntegrityError" in failures[0].getMessage(), "its kind is in the log"
    reference = failures[0].getMessage().split("[", 1)[1].split("]", 1)[0]
    assert any(reference in a for a in alerts), "the alert points to its log line"
