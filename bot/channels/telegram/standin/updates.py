"""getUpdates (with real long polling) and the webhook methods.

PTB's Updater long-polls getUpdates with a timeout and confirms updates through `offset`; a
second poller or a set webhook makes Telegram answer 409 Conflict. The stand-in does the
same, so tests see the polling traffic a production bot makes.
"""

from __future__ import annotations

import re
from typing import Any

from bot.channels.change_signal import ChangeSignal
from bot.channels.telegram.standin.errors import ApiError, bad_request
from bot.channels.telegram.standin.messaging import Handler
from bot.channels.telegram.standin.updates_store import UpdateStore
from bot.channels.telegram.standin.webhook import WebhookSender
from bot.channels.telegram.standin.wire import Params

__all__ = ["UpdateMethods"]

_TERMINATED = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance "
    "is running"
)
_WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete "
    "the webhook first"
)
_SECRET_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")
_MAX_POLL_SECONDS = 50.0


class UpdateMethods:
    """getUpdates, setWebhook, deleteWebhook and getWebhookInfo over one update store."""

    def __init__(self, store: UpdateStore, signal: ChangeSignal, webhook: WebhookSender) -> None:
        self._store = store
        self._signal = signal
        self._webhook = webhook
        self._poll_generation = 0
        self.closing = False  # set when the stand-in stops: long polls return at once

    def handlers(self) -> dict[str, Handler]:
        """The implemented methods by their camelCase names."""
        return {
            "getUpdates": self.get_updates,
            "setWebhook": self.set_webhook,
            "deleteWebhook": self.delete_webhook,
            "getWebhookInfo": self.get_webhook_info,
        }

    async def get_updates(self, params: Params) -> list[dict[str, Any]]:
        """getUpdates: confirm by offset, then wait up to `timeout` seconds for updates."""
        if self._webhook.url:
            raise ApiError(409, _WEBHOOK_ACTIVE)
        offset = params.integer("offset")
        limit = min(max(params.integer("limit") or 100, 1), 100)
        timeout = _seconds(params.get("timeout"))
        allowed = params.array("allowed_updates")
        if allowed is not None:
            self._store.allowed_updates = [str(kind) for kind in allowed]
        if offset:
            self._store.confirm(offset)
        self._poll_generation += 1
        generation = self._poll_generation
        self._signal.fire()  # an older long poll ends with 409, as on Telegram

        def ready() -> list[dict[str, Any]] | None:
            if generation != self._poll_generation:
                raise ApiError(409, _TERMINATED)
            if self._webhook.url:
                raise ApiError(409, _WEBHOOK_ACTIVE)
            updates = self._store.take(limit)
            return updates if updates or self.closing else None

        return await self._signal.wait_for(ready, timeout) or []

    async def set_webhook(self, params: Params) -> bool:
        """setWebhook (plain http and any port are allowed here, unlike on Telegram)."""
        url = params.text("url") or ""
        if not url:
            await self._webhook.clear()
            return True
        if not re.match(r"https?://", url, re.IGNORECASE):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.text("secret_token")
        if secret is not None and not _SECRET_RE.fullmatch(secret):
            raise bad_request("secret token contains unallowed characters")
        allowed = params.array("allowed_updates")
        if allowed is not None:
            self._store.allowed_updates = [str(kind) for kind in allowed]
        if params.flag("drop_pending_updates"):
            self._store.drop_all()
        self._webhook.set(
            url,
            secret_token=secret,
            max_connections=params.integer("max_connections") or 40,
            ip_address=params.text("ip_address"),
        )
        return True

    async def delete_webhook(self, params: Params) -> bool:
        """deleteWebhook."""
        if params.flag("drop_pending_updates"):
            self._store.drop_all()
        await self._webhook.clear()
        return True

    async def get_webhook_info(self, params: Params) -> dict[str, Any]:
        """getWebhookInfo."""
        return self._webhook.info()


def _seconds(value: object) -> float:
    """The long-poll timeout in seconds (PTB sends an int; be lenient)."""
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            raise bad_request("invalid timeout specified") from None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 0.0
    return min(max(float(value), 0.0), _MAX_POLL_SECONDS)
