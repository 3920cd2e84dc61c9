"""Webhook bodies as Meta sends them (the shapes of Meta's webhook reference examples)."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

APP_SECRET = "6f1c3e8a9b2d4c7e0f5a1b3c5d7e9f01"
VERIFY_TOKEN = "asi-verify-token"
PHONE_NUMBER_ID = "106540352242922"
WABA_ID = "102290129340398"
AWA = "224621234567"  # Guinea
ANA = "5591912345678"  # Brazil


def signature(body: bytes, secret: str = APP_SECRET) -> str:
    """The X-Hub-Signature-256 Meta sends with `body`."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def encode(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode()


def value_body(value: dict[str, Any], phone_number_id: str = PHONE_NUMBER_ID) -> dict[str, Any]:
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": WABA_ID,
                "changes": [
                    {
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {
                                "display_phone_number": "15550783881",
                                "phone_number_id": phone_number_id,
                            },
                            **value,
                        },
                        "field": "messages",
                    }
                ],
            }
        ],
    }


def message(
    kind: str,
    content: dict[str, Any],
    *,
    wa_id: str = AWA,
    name: str = "Awa Camara",
    message_id: str = "wamid.HBgMMjI0NjIxMjM0NTY3FQIAEhggM0EwMzZGMjM3QjE1NzMyRDQ1NjAA",
    timestamp: str = "1764583200",
) -> dict[str, Any]:
    """A body with one message from one contact."""
    return value_body(
        {
            "contacts": [{"profile": {"name": name}, "wa_id": wa_id}],
            "messages": [
                {
                    "from": wa_id,
                    "id": message_id,
                    "timestamp": timestamp,
                    "type": kind,
                    kind: content,
                }
            ],
        }
    )


def text(body: str, **kwargs: Any) -> dict[str, Any]:
    return message("text", {"body": body}, **kwargs)


def status(
    state: str,
    *,
    message_id: str = "wamid.HBgMMjI0NjIxMjM0NTY3FQIAERgSQUE1RTdCMzc0NkE2QzU2RkQ0AA==",
    recipient: str = AWA,
    errors: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": message_id,
        "status": state,
        "timestamp": "1764583260",
        "recipient_id": recipient,
    }
    if state in ("sent", "delivered"):
        entry["conversation"] = {
            "id": "c1a2b3d4e5f60718293a4b5c6d7e8f90",
            "origin": {"type": "service"},
        }
        entry["pricing"] = {"billable": False, "pricing_model": "PMP", "category": "service"}
    if errors is not None:
        entry["errors"] = errors
    return value_body({"statuses": [entry]})


WINDOW_CLOSED = {
    "code": 131047,
    "title": "Re-engagement message",
    "message": "Re-engagement message",
    "error_data": {
        "details": "Message failed to send because more than 24 hours have passed since the "
        "customer last replied to this number."
    },
    "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/",
}
