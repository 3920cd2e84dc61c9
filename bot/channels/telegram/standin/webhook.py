"""Webhook delivery: POST each pending update to the bot's URL, in order, like Telegram.

Telegram retries a failed delivery for a long time; a test cannot wait that long, so the
stand-in tries a few times, then drops the update and reports the error in getWebhookInfo.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

import aiohttp

from bot.channels.change_signal import ChangeSignal
from bot.channels.telegram.standin.updates_store import UpdateStore

__all__ = ["WebhookSender"]

_LOGGER = logging.getLogger(__name__)


class WebhookSender:
    """Holds the webhook settings and runs the delivery task while a webhook is set."""

    def __init__(
        self,
        store: UpdateStore,
        signal: ChangeSignal,
        *,
        attempts: int = 3,
        retry_delay: float = 0.2,
    ) -> None:
        self._store = store
        self._signal = signal
        self._attempts = attempts
        self._retry_delay = retry_delay
        self._task: asyncio.Task[None] | None = None
        self.url = ""
        self.secret_token: str | None = None
        self.max_connections = 40
        self.ip_address: str | None = None
        self.last_error_date: int | None = None
        self.last_error_message: str | None = None

    def set(
        self, url: str, *, secret_token: str | None, max_connections: int, ip_address: str | None
    ) -> None:
        """Set (or change) the webhook and make sure the delivery task runs."""
        self.url = url
        self.secret_token = secret_token
        self.max_connections = max_connections
        self.ip_address = ip_address
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run())
        self._signal.fire()

    async def clear(self) -> None:
        """Remove the webhook and stop delivering."""
        self.url = ""
        self.secret_token = None
        await self.close()

    async def close(self) -> None:
        """Stop the delivery task (when the stand-in stops)."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def info(self) -> dict[str, Any]:
        """The Bot API WebhookInfo."""
        info: dict[str, Any] = {
            "url": self.url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._store),
        }
        if self.url:
            info["max_connections"] = self.max_connections
            if self.ip_address:
                info["ip_address"] = self.ip_address
            if self._store.allowed_updates:
                info["allowed_updates"] = list(self._store.allowed_updates)
        if self.last_error_date is not None:
            info["last_error_date"] = self.last_error_date
            info["last_error_message"] = self.last_error_message
        return info

    async def _run(self) -> None:
        async with aiohttp.ClientSession() as session:
            while self.url:
                update = await self._signal.wait_for(self._store.first, timeout=60.0)
                if update is not None and self.url:
                    await self._deliver(session, update)
                    self._store.confirm(int(update["update_id"]) + 1)

    async def _deliver(self, session: aiohttp.ClientSession, update: dict[str, Any]) -> bool:
        headers = {}
        if self.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = self.secret_token
        for attempt in range(1, self._attempts + 1):
            try:
                async with session.post(
                    self.url,
                    json=update,
                    headers=headers,
                    timeout=aiohttp.ClientTimeout(total=10),
                ) as response:
                    if 200 <= response.status < 300:
                        return True
                    error = f"Wrong response from the webhook: {response.status} {response.reason}"
            except (aiohttp.ClientError, TimeoutError) as exc:
                error = f"Connection failed: {exc!r}"
            self.last_error_date = int(time.time())
            self.last_error_message = error
            _LOGGER.warning("webhook delivery attempt %d failed: %s", attempt, error)
            if attempt < self._attempts:
                await asyncio.sleep(self._retry_delay * attempt)
        _LOGGER.warning("dropping update %s after %d attempts", update["update_id"], attempt)
        return False
