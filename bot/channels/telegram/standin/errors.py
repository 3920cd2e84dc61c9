"""Bot API error answers, with Telegram's own texts.

PTB turns the HTTP status and `description` of an error answer into its exception classes
(`BadRequest`, `Forbidden`, `RetryAfter`...), and bots match on the texts ("message is not
modified"), so the stand-in must answer with exactly what Telegram sends.
"""

from __future__ import annotations

__all__ = [
    "BLOCKED",
    "CHAT_NOT_FOUND",
    "MESSAGE_NOT_MODIFIED",
    "QUERY_TOO_OLD",
    "ApiError",
    "bad_request",
]

CHAT_NOT_FOUND = "Bad Request: chat not found"
BLOCKED = "Forbidden: bot was blocked by the user"
MESSAGE_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"


class ApiError(Exception):
    """An error answer of the Bot API: HTTP status, description and optional retry_after."""

    def __init__(self, status: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> dict[str, object]:
        """The JSON body Telegram sends for this error."""
        body: dict[str, object] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(reason: str) -> ApiError:
    """A 400 answer; `reason` is the text after Telegram's "Bad Request: " prefix."""
    return ApiError(400, f"Bad Request: {reason}")
