"""Outgoing-request policy: Telegram's flood limits plus retries of passing network faults."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, TimedOut
from telegram.ext import AIORateLimiter

from bot.ratelimits.pace import LateAnswers, Pace, counted_until_answered

log = logging.getLogger(__name__)

# Methods that are safe to repeat after a timeout: a lost answer cannot duplicate a message.
IDEMPOTENT = {
    "answerCallbackQuery",
    "editMessageText",
    "editMessageReplyMarkup",
    "editMessageCaption",
    "deleteMessage",
    "setMyCommands",
    "setWebhook",
    "deleteWebhook",
    "getMe",
    "getFile",
    "sendChatAction",
}


# Answers to a user's own button press: they change a message the user is looking at and
# come at the user's pace. Telegram's ~30 messages/s guidance is about sending new messages
# in bulk, so these skip the overall limiter (a 429 for them is still waited out).
INTERACTIVE = {
    "answerCallbackQuery",
    "editMessageText",
    "editMessageReplyMarkup",
    "editMessageCaption",
    "sendChatAction",
}


# Telegram's guidance for new messages in bulk (reminders, announcements): about 30 a second
# overall. Sends are paced a little under it: requests leave evenly but reach Telegram with
# network jitter, and at exactly 30/s two of them arriving close together make 31 in one
# second now and then; each 429 then stops every send for a second or more.
MESSAGES_PER_SECOND = 30
PACED_MESSAGES_PER_SECOND = 29
# Shared by several processes (bot.ratelimits), one more message of room: each process's
# own delay between its turn and its request reaching Telegram differs, so two processes'
# evenly spaced sends arrive less evenly than one's (benchmarks/chaos.py met 429s at 29).
SHARED_MESSAGES_PER_SECOND = 28


def _paced(
    callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
    pace: Pace,
    late: LateAnswers,
) -> Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]]:
    async def paced(*args: Any, **kwargs: Any) -> bool | dict[str, Any] | list[dict[str, Any]]:
        return await counted_until_answered(pace, late, lambda: callback(*args, **kwargs))

    return paced


class RetryingRateLimiter(AIORateLimiter):
    """AIORateLimiter (waits out 429s) that also retries network errors with backoff.

    New messages go through AIORateLimiter's overall (30/s) and per-group limits; interactive
    answers (INTERACTIVE) only through its 429 handling. A request that failed to connect
    never reached Telegram, so it is always retried; a timeout may have reached it, so only
    idempotent methods are retried then.

    The overall limit is paced evenly, one message every 1/29 s, instead of AIORateLimiter's
    default bucket of 30 a second: that bucket lets a burst of 30 go out and then keeps
    sending at 30/s, which is more than 30 within one second, so a bulk send met a 429 (and
    a pause of every send) about once a second; evenly paced it meets none
    (benchmarks/reminders.py).

    `paced()` builds one whose overall limit is the core's pace for the bot's token
    (bot.ratelimits), set by `pace_with` once the services exist: shared by every process
    through Redis, or this process's share of the rate without it.
    """

    def __init__(self, *, network_retries: int = 3, backoff: float = 0.5, **kwargs: Any) -> None:
        kwargs.setdefault("overall_max_rate", 1)
        kwargs.setdefault("overall_time_period", 1 / PACED_MESSAGES_PER_SECOND)
        super().__init__(**kwargs)
        self._network_retries = network_retries
        self._backoff = backoff
        self._pace: Pace | None = None
        self._late: LateAnswers | None = None
        self.paced_by_core = False

    @classmethod
    def paced(cls, **kwargs: Any) -> RetryingRateLimiter:
        """Without a limit of its own on all new messages: the core's pace is that limit."""
        limiter = cls(overall_max_rate=0, **kwargs)
        limiter.paced_by_core = True
        return limiter

    def pace_with(self, pace: Pace) -> None:
        self._pace = pace
        self._late = LateAnswers(pace.per_second)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        if endpoint in INTERACTIVE:
            # AIORateLimiter picks its limiters from `data` only; without a chat id it
            # applies none of them, but still retries after a 429.
            data = {key: value for key, value in data.items() if key != "chat_id"}
        elif self._pace is not None and self._late is not None and "chat_id" in data:
            # every attempt waits for its slot, the ones AIORateLimiter makes after a 429 too:
            # sent again unpaced, a refused message adds to the next second and meets
            # another 429; and an attempt whose answer is late is counted again, as it may
            # have reached Telegram bunched with later ones (bot.ratelimits.pace)
            callback = _paced(callback, self._pace, self._late)
        attempt = 0
        while True:
            try:
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except (BadRequest, Forbidden, InvalidToken):
                raise
            except NetworkError as err:
                retriable = not isinstance(err, TimedOut) or endpoint in IDEMPOTENT
                if not retriable or attempt >= self._network_retries:
                    raise
                delay = self._backoff * 2**attempt
                attempt += 1
                log.warning("%s failed (%s); retry %d in %.1fs", endpoint, err, attempt, delay)
                await asyncio.sleep(delay)
