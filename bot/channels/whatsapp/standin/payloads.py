"""Webhook bodies in Meta's shape, for messages users send and statuses of the bot's messages.

`contacts[]` carries both the phone number (`wa_id`) and the business-scoped user id
(`user_id`, "CC.digits"), as Meta sends since the BSUID rollout; pywa 4.5 needs `user_id`
to read a user. Status webhooks carry `contacts[]` too, which pywa reads for the recipient.
"""

from __future__ import annotations

from typing import Any

from bot.channels.whatsapp.standin.errors import GraphError
from bot.channels.whatsapp.standin.state import Status, User

__all__ = ["Account", "message_event", "status_event"]

JsonDict = dict[str, Any]


class Account:
    """The business side: WhatsApp Business Account id and the phone number's ids."""

    def __init__(self, waba_id: str, phone_number_id: str, display_phone_number: str) -> None:
        self.waba_id = waba_id
        self.phone_number_id = phone_number_id
        self.display_phone_number = display_phone_number

    def envelope(self, value: JsonDict) -> JsonDict:
        """Wrap a change `value` into the webhook body."""
        metadata = {
            "display_phone_number": self.display_phone_number,
            "phone_number_id": self.phone_number_id,
        }
        return {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "id": self.waba_id,
                    "changes": [
                        {
                            "field": "messages",
                            "value": {
                                "messaging_product": "whatsapp",
                                "metadata": metadata,
                                **value,
                            },
                        }
                    ],
                }
            ],
        }


def message_event(account: Account, user: User, message: JsonDict) -> JsonDict:
    """The webhook body for one message `user` sent (`message` is its messages[] entry)."""
    return account.envelope({"contacts": [user.contact()], "messages": [message]})


def status_event(
    account: Account,
    user: User,
    message_id: str,
    status: Status,
    timestamp: float,
    *,
    error: GraphError | None = None,
    category: str = "service",
) -> JsonDict:
    """The webhook body telling the bot that its message `message_id` is now `status`."""
    entry: JsonDict = {
        "id": message_id,
        "status": str(status),
        "timestamp": str(int(timestamp)),
        "recipient_id": user.wa_id,
    }
    if user.bsuid:
        entry["recipient_user_id"] = user.bsuid
    if status is not Status.FAILED:
        free = category == "service"
        entry["pricing"] = {
            "billable": not free,
            "pricing_model": "PMP",
            "type": "free_customer_service" if free else "regular",
            "category": category,
        }
    if error is not None:
        entry["errors"] = [error.status_error()]
    return account.envelope({"contacts": [user.contact()], "statuses": [entry]})
