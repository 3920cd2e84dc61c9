"""`asi-bot run` with only the WhatsApp settings: one process serves the webhook on $PORT,
answers a learner through the Cloud API stand-in, and stops cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import httpx

from bot.channels.whatsapp.standin import CloudApiStandIn
from tests.conftest import free_port

AWA = "224620000009"
CONTENT = Path(__file__).resolve().parents[2] / "content"


async def test_whatsapp_alone_serves_its_webhook(tmp_path: Path) -> None:
    port = free_port()
    async with CloudApiStandIn() as standin:
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
            "PORT": str(port),
            "CONTENT_DIR": str(CONTENT),
            "WHATSAPP_TOKEN": standin.token,
            "WHATSAPP_PHONE_NUMBER_ID": standin.account.phone_number_id,
            "WHATSAPP_APP_SECRET": standin.app_secret,
            "WHATSAPP_VERIFY_TOKEN": standin.verify_token,
            "WHATSAPP_API_URL": str(standin.url),
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", cwd=tmp_path, env=env
        )
        try:
            async with httpx.AsyncClient() as client:
                for _ in range(300):
                    try:
                        health = await client.get(f"http://127.0.0.1:{port}/healthz")
                        if health.status_code == 200:
                            break
                    except httpx.TransportError:
                        pass
                    await asyncio.sleep(0.1)
                else:
                    raise AssertionError("the WhatsApp webhook never came up")
            standin.webhook_url = f"http://127.0.0.1:{port}/whatsapp"
            assert await standin.verify_webhook() == (200, "1158201444"), "the handshake"
            standin.add_user(AWA, "Awa")
            standin.send_text(AWA, "bonjour")
            await standin.wait_for(lambda: standin.last_message(AWA), timeout=20)
            reply = standin.last_message(AWA)
            assert reply is not None and reply["type"] == "interactive", "the language list"
            process.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(process.wait(), timeout=20) == 0
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
