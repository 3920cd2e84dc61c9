"""Stopping the bot: the jobs' runs under way end before the WhatsApp client closes, so a
notice or copy a job is sending goes now instead of failing on a closed client. Checked on
the real runners, WhatsApp alone and beside Telegram, by the order of the two steps."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from bot.channels.telegram import runner as telegram_runner
from bot.channels.telegram.standin import BotApiStandIn
from bot.channels.whatsapp import runner as whatsapp_runner
from bot.channels.whatsapp.bot import WhatsAppBot
from bot.channels.whatsapp.standin import CloudApiStandIn
from bot.config import load_settings
from bot.jobs.scheduler import Jobs
from tests.conftest import course_of, free_port
from tests.e2e.harness import TOKEN

CONTENT = Path(__file__).resolve().parents[2] / "content"


@pytest.fixture
def steps(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The order in which the jobs stop and the WhatsApp client closes."""
    done: list[str] = []
    stop_jobs, close = Jobs.stop, WhatsAppBot.close

    async def jobs_stop(self: Jobs) -> None:
        done.append("jobs stopped")
        await stop_jobs(self)

    async def bot_close(self: WhatsAppBot) -> None:
        done.append("whatsapp closed")
        await close(self)

    monkeypatch.setattr(Jobs, "stop", jobs_stop)
    monkeypatch.setattr(WhatsAppBot, "close", bot_close)
    return done


async def _run_briefly(serving: Any) -> None:
    stop = asyncio.Event()
    task = asyncio.create_task(serving(stop))
    await asyncio.sleep(0.5)
    assert not task.done(), task.exception() if task.done() else None
    stop.set()
    await asyncio.wait_for(task, timeout=30)


async def test_whatsapp_alone_stops_its_jobs_before_its_client(
    tmp_path: Path, steps: list[str]
) -> None:
    async with CloudApiStandIn() as cloud:
        settings = load_settings(
            _env_file=None,
            database_url=f"sqlite:///{tmp_path / 'bot.db'}",
            port=free_port(),
            **cloud.bot_settings(),
        )
        course = course_of(CONTENT)
        await _run_briefly(lambda stop: whatsapp_runner.run_whatsapp(settings, course, stop))
    assert steps == ["jobs stopped", "whatsapp closed"]


async def test_beside_telegram_the_jobs_stop_before_the_whatsapp_client(
    tmp_path: Path, steps: list[str]
) -> None:
    telegram = BotApiStandIn(TOKEN)
    await telegram.start()
    try:
        async with CloudApiStandIn() as cloud:
            settings = load_settings(
                _env_file=None,
                database_url=f"sqlite:///{tmp_path / 'bot.db'}",
                port=free_port(),
                telegram_bot_token=TOKEN,
                telegram_api_url=telegram.url,
                **cloud.bot_settings(),
            )
            course = course_of(CONTENT)
            await _run_briefly(
                lambda stop: telegram_runner.run_polling(
                    settings, course, stop, whatsapp_runner.beside
                )
            )
    finally:
        await telegram.stop()
    assert steps[:2] == ["jobs stopped", "whatsapp closed"]
