"""WhatsApp's two pacing limits: messages per second per business number, and per recipient.

Throughput: 80 messages a second by default (Meta raises it up to 1,000), a sliding
one-second window over accepted messages; past it, 130429.

Pair rate: Meta allows about one message every 6 s to the same user, with short bursts
tolerated, and answers 131056 past it. A bot answering a person's own message sends two or
three messages at once (text, then a list), which WhatsApp lets through in practice, so the
stand-in applies the rule only to *bulk* sends: when the user has not written within
`conversation_grace` seconds (default 60), a message less than `interval` seconds after the
previous one to the same user is refused. `interval=None` turns the rule off.
"""

from __future__ import annotations

from collections import deque

from bot.channels.whatsapp.standin.clock import Clock
from bot.channels.whatsapp.standin.errors import Code, GraphError, Limit

__all__ = ["PairRate", "Throughput"]


class Throughput:
    """Refuse a message when `per_second` messages were accepted in the last second."""

    def __init__(self, per_second: int, clock: Clock) -> None:
        self.per_second = per_second
        self._clock = clock
        self._sent: deque[float] = deque()

    def check(self) -> None:
        """Raise 130429 when one more message now is over the limit."""
        now = self._clock()
        while self._sent and self._sent[0] <= now - 1.0:
            self._sent.popleft()
        if len(self._sent) >= self.per_second:
            raise GraphError(
                Code.RATE_LIMIT_HIT,
                f"Cloud API message throughput ({self.per_second}/s) has been reached.",
                Limit.THROUGHPUT,
                error_type="OAuthException",
            )

    def record(self) -> None:
        """Count an accepted message."""
        self._sent.append(self._clock())


class PairRate:
    """Refuse a bulk message that follows the previous one to the same user too closely."""

    def __init__(self, interval: float | None, conversation_grace: float, clock: Clock) -> None:
        self.interval = interval
        self.conversation_grace = conversation_grace
        self._clock = clock
        self._last_sent: dict[str, float] = {}

    def check(self, wa_id: str, last_inbound: float | None) -> None:
        """Raise 131056 when a message to `wa_id` now breaks the rule (see the module doc)."""
        if self.interval is None:
            return
        now = self._clock()
        if last_inbound is not None and now - last_inbound < self.conversation_grace:
            return
        previous = self._last_sent.get(wa_id)
        if previous is not None and now - previous < self.interval:
            raise GraphError(
                Code.PAIR_RATE_LIMIT,
                "Message failed to send because there were too many messages sent from this "
                "phone number to the same phone number in a short period of time.",
                Limit.PAIR_RATE,
            )

    def record(self, wa_id: str) -> None:
        """Remember when the last message to `wa_id` was accepted."""
        self._last_sent[wa_id] = self._clock()
