"""A stand-in for the WhatsApp Business Cloud API: end-to-end tests and the playground.

Point pywa's Graph API traffic at `CloudApiStandIn.url` (see tests/whatsapp/test_standin.py
for the httpx transport that does it), set `webhook_url` to the bot's webhook route, drive
simulated users and inspect every call, violation and webhook delivery.
"""

from bot.channels.whatsapp.standin.clock import Clock, ManualClock, system_clock
from bot.channels.whatsapp.standin.errors import Code, GraphError, Limit
from bot.channels.whatsapp.standin.server import CloudApiStandIn, RecordedRequest, Violation
from bot.channels.whatsapp.standin.state import Inbound, Status, Template, User
from bot.channels.whatsapp.standin.webhook import Delivery, WebhookFault, signature

__all__ = [
    "Clock",
    "CloudApiStandIn",
    "Code",
    "Delivery",
    "GraphError",
    "Inbound",
    "Limit",
    "ManualClock",
    "RecordedRequest",
    "Status",
    "Template",
    "User",
    "Violation",
    "WebhookFault",
    "signature",
    "system_clock",
]
