"""Graph API error answers, shaped and numbered as Meta sends them.

pywa turns the `error` object of an answer into its exception classes by `code` alone
(`pywa.errors.WhatsAppError.from_dict`), so the codes must be Meta's; the adapter should match
on codes, never on texts. The `message` texts follow Meta's "(#code) title" form; the
`error_data.details` texts are the stand-in's own wording (Meta's vary and are not documented).
"""

from __future__ import annotations

import enum
import itertools
from dataclasses import dataclass, field

__all__ = ["Code", "GraphError", "Limit", "bad_token", "invalid", "not_valid", "unknown_object"]

_TRACE = itertools.count(1)


class Code(enum.IntEnum):
    """The Cloud API error codes the stand-in answers with."""

    INVALID_PARAMETER = 100
    ACCESS_TOKEN = 190
    RATE_LIMIT_HIT = 130429
    PARAMETER_NOT_VALID = 131009
    UNDELIVERABLE = 131026
    REENGAGEMENT = 131047
    PAIR_RATE_LIMIT = 131056
    TEMPLATE_PARAM_COUNT = 132000
    TEMPLATE_NOT_FOUND = 132001


_TITLES = {
    Code.INVALID_PARAMETER: "Invalid parameter",
    Code.ACCESS_TOKEN: "Invalid OAuth access token - Cannot parse access token",
    Code.RATE_LIMIT_HIT: "Rate limit hit",
    Code.PARAMETER_NOT_VALID: "Parameter value is not valid",
    Code.UNDELIVERABLE: "Message undeliverable",
    Code.REENGAGEMENT: "Re-engagement message",
    Code.PAIR_RATE_LIMIT: "(Business Account, Consumer Account) pair rate limit hit",
    Code.TEMPLATE_PARAM_COUNT: "Number of parameters does not match the expected number of params",
    Code.TEMPLATE_NOT_FOUND: "Template name does not exist in the translation",
}


class Limit(enum.StrEnum):
    """Which rule a refused request broke (the conformance list names them)."""

    TEXT_BODY = "text body length"
    INTERACTIVE_BODY = "interactive body length"
    HEADER = "header length"
    FOOTER = "footer length"
    BUTTON_COUNT = "reply button count"
    BUTTON_TITLE = "reply button title length"
    BUTTON_ID = "reply button id length"
    DUPLICATE_ID = "duplicate choice id"
    LIST_ROWS = "list row count"
    LIST_SECTIONS = "list section count"
    LIST_BUTTON = "list button label length"
    SECTION_TITLE = "list section title length"
    ROW_TITLE = "list row title length"
    ROW_DESCRIPTION = "list row description length"
    ROW_ID = "list row id length"
    CAPTION = "media caption length"
    MALFORMED = "malformed request"
    MEDIA_ID = "unknown or lapsed media id"
    TEMPLATE_UNKNOWN = "template not registered"
    TEMPLATE_PARAMS = "template parameter count"
    WINDOW = "customer-service window closed"
    PAIR_RATE = "pair rate"
    THROUGHPUT = "throughput"
    UNDELIVERABLE = "undeliverable number"


@dataclass
class GraphError(Exception):
    """An error answer: HTTP status, Meta's code, and what the stand-in says about it."""

    code: Code
    details: str
    limit: Limit | None = None
    status: int = 400
    subcode: int | None = None
    error_type: str = "OAuthException"
    fbtrace_id: str = field(default_factory=lambda: f"AStandIn{next(_TRACE):08d}")

    def __post_init__(self) -> None:
        super().__init__(f"({self.code}) {self.details}")

    @property
    def title(self) -> str:
        """Meta's short title for the code."""
        return _TITLES[self.code]

    def error_object(self) -> dict[str, object]:
        """The `error` object, as in an answer and in a failed status webhook."""
        error: dict[str, object] = {
            "message": f"(#{int(self.code)}) {self.title}",
            "type": self.error_type,
            "code": int(self.code),
            "error_data": {"messaging_product": "whatsapp", "details": self.details},
            "fbtrace_id": self.fbtrace_id,
        }
        if self.subcode is not None:
            error["error_subcode"] = self.subcode
        return error

    def payload(self) -> dict[str, object]:
        """The JSON body of the answer."""
        return {"error": self.error_object()}

    def status_error(self) -> dict[str, object]:
        """The entry of a failed status webhook's `errors` list."""
        return {
            "code": int(self.code),
            "title": self.title,
            "message": self.title,
            "error_data": {"details": self.details},
        }


def invalid(limit: Limit, details: str) -> GraphError:
    """A request that breaks a parameter rule Graph checks itself (code 100)."""
    return GraphError(Code.INVALID_PARAMETER, details, limit)


def not_valid(limit: Limit, details: str) -> GraphError:
    """A value WhatsApp refuses (code 131009)."""
    return GraphError(Code.PARAMETER_NOT_VALID, details, limit)


def unknown_object(method: str, object_id: str) -> GraphError:
    """Graph's answer for an id it cannot find (code 100, subcode 33)."""
    return GraphError(
        Code.INVALID_PARAMETER,
        f"Unsupported {method.lower()} request. Object with ID '{object_id}' does not exist, "
        "cannot be loaded due to missing permissions, or does not support this operation.",
        subcode=33,
        error_type="GraphMethodException",
    )


def bad_token() -> GraphError:
    """The answer to a missing or wrong bearer token (HTTP 401, code 190)."""
    return GraphError(Code.ACCESS_TOKEN, "The access token is not valid.", status=401)
