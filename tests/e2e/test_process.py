"""The real `asi-bot` process: kill -9 loses nothing shown, SIGTERM stops it cleanly,
invalid content keeps it from starting."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from tests.conftest import free_port


def _offers(data: str) -> Callable[[dict[str, Any]], bool]:
    """The bot's message has a button with this callback data."""
    return lambda message: data in str(message.get("reply_markup"))


def _env(tmp_path: Path, port: int, **extra: str) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
        "PLAYGROUND_PORT": str(port),
    }
    env.update(extra)
    return env


@asynccontextmanager
async def bot_process(tmp_path: Path, port: int) -> AsyncIterator[asyncio.subprocess.Process]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "playground",
        cwd=tmp_path,
        env=_env(tmp_path, port),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), timeout=60)
        assert line.decode().strip() == f"Playground: http://127.0.0.1:{port}"
        await asyncio.sleep(0.3)  # the first long poll
        yield process
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def test_invalid_content_keeps_the_bot_from_starting(tmp_path: Path) -> None:
    broken = tmp_path / "content" / "modules" / "en"
    broken.mkdir(parents=True)
    (broken / "1-x.yaml").write_text("schema_version: 1\nid: Bad Id\n", encoding="utf-8")
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=tmp_path,
        env=_env(tmp_path, free_port(), CONTENT_DIR=str(tmp_path / "content")),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 1
    text = err.decode()
    assert "content/modules/en/1-x.yaml: id: must be a lowercase slug" in text
    assert "refusing to start" in text and "Traceback" not in text


async def test_a_rejected_token_stops_with_one_line(tmp_path: Path) -> None:
    from bot.channels.telegram.standin import BotApiStandIn

    standin = BotApiStandIn("123456:THE-RIGHT-TOKEN-is-not-the-one-given")
    root = await standin.start()
    try:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            cwd=tmp_path,
            env=_env(
                tmp_path,
                free_port(),
                TELEGRAM_BOT_TOKEN="123456789:WRONG-token-for-this-bot-xxxxxx",
                TELEGRAM_API_URL=root,
            ),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        _, err = await asyncio.wait_for(process.communicate(), timeout=60)
    finally:
        await standin.stop()
    assert process.returncode == 2
    assert err.decode().strip().splitlines()[-1] == (
        f"asi-bot: TELEGRAM_BOT_TOKEN: rejected by {root}"
    )
    assert "Traceback" not in err.decode()
