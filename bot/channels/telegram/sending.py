"""What became of one proactive message (a reminder, an announcement copy).

Background sends meet the same answers from Telegram and must treat them alike: sent; the
user blocked the bot (403, or "chat not found"); failed for good; or not sent and worth
another try later (a 429 the rate limiter could not absorb, a network error before the
request left). A timeout counts as failed: the message may have arrived, and a proactive
message must never come twice.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from datetime import timedelta

from telegram import Message
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from bot.conversation.ports import Attempt, Sent

log = logging.getLogger(__name__)


async def attempt(send: Awaitable[object], what: str, network_retry: timedelta) -> Attempt:
    """Await `send` and sort Telegram's answer; `what` names the message in the log."""
    try:
        result = await send
    except Forbidden:
        return Attempt(Sent.BLOCKED)
    except RetryAfter as err:
        # still over the flood limit after the rate limiter's own retries
        wait = err.retry_after
        return Attempt(
            Sent.LATER, wait if isinstance(wait, timedelta) else timedelta(seconds=wait)
        )
    except BadRequest as err:
        log.warning("%s refused: %s", what, err)
        gone = "chat not found" in str(err).lower()
        return Attempt(Sent.BLOCKED if gone else Sent.FAILED)
    except TimedOut as err:
        log.warning("%s timed out: %s", what, err)
        return Attempt(Sent.FAILED)
    except NetworkError as err:
        log.warning("%s not sent (%s); later", what, err)
        return Attempt(Sent.LATER, network_retry)
    except TelegramError as err:
        log.warning("%s failed: %s", what, err)
        return Attempt(Sent.FAILED)
    ref = str(result.message_id) if isinstance(result, Message) else None
    return Attempt(Sent.SENT, ref=ref)
