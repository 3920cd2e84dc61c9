"""Webhook mode: the aiohttp server checks Telegram's secret header and feeds the bot."""

from __future__ import annotations

import asyncio

import aiohttp

from bot.channels.telegram.runner import run_webhook
from bot.channels.telegram.standin import BotApiStandIn
from tests.conftest import course_of, free_port
from tests.e2e.conftest import USERS
from tests.e2e.harness import make_settings

SECRET = "s3cret-token_for-tests"


def _start_update(update_id: int, user_id: int) -> dict[str, object]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": 1,
            "date": 1_700_000_000,
            "chat": {"id": user_id, "type": "private", "first_name": "Web"},
            "from": {"id": user_id, "is_bot": False, "first_name": "Web", "language_code": "fr"},
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }


async def test_webhook_rejects_a_wrong_secret_and_accepts_the_right_one(
    standin: BotApiStandIn, database_url: str
) -> None:
    port = free_port()
    settings = make_settings(
        standin.url,
        database_url,
        webhook_url=f"https://127.0.0.1:{port}",
        webhook_secret=SECRET,
        port=port,
    )
    stop = asyncio.Event()
    task = asyncio.create_task(run_webhook(settings, course_of(settings.content_dir), stop))
    try:
        hook = await standin.wait_for_request(lambda r: r.method == "setWebhook", timeout=20)
        assert hook.params["url"] == f"https://127.0.0.1:{port}/telegram"
        assert hook.params["secret_token"] == SECRET
        base = f"http://127.0.0.1:{port}"
        user = USERS["fr"]
        async with aiohttp.ClientSession() as http:
            for _ in range(50):  # the server starts listening just before setWebhook
                try:
                    async with http.get(f"{base}/healthz") as response:
                        assert response.status == 200
                        assert (await response.json())["status"] == "ok"
                        break
                except aiohttp.ClientConnectorError:
                    await asyncio.sleep(0.1)
            for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
                async with http.post(
                    f"{base}/telegram", json=_start_update(1, user), headers=headers
                ) as response:
                    assert response.status == 403
            mark = len(standin.requests)
            async with http.post(
                f"{base}/telegram",
                json=_start_update(2, user),
                headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
            ) as response:
                assert response.status == 200
            reply = await standin.wait_for_request(
                lambda r: r.method == "sendMessage", since=mark, timeout=10
            )
            assert "Français" in str(reply.params.get("reply_markup"))
            assert not [r for r in standin.requests[:mark] if r.method == "sendMessage"], (
                "updates with a wrong secret were not processed"
            )
            async with http.post(
                f"{base}/telegram",
                data=b"not json",
                headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
            ) as response:
                assert response.status == 400
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=20)
