"""A stand-in for the Telegram Bot API: end-to-end tests, benchmarks and the playground page.

Run the real PTB Application against `BotApiStandIn` (``base_url=f"{root}/bot"``,
``base_file_url=f"{root}/file/bot"``), drive simulated users and inspect every call.
"""

from bot.channels.telegram.standin.errors import ApiError
from bot.channels.telegram.standin.server import BotApiStandIn, RecordedRequest
from bot.channels.telegram.standin.spec import SpecValidator
from bot.channels.telegram.standin.wire import UploadedFile

__all__ = ["ApiError", "BotApiStandIn", "RecordedRequest", "SpecValidator", "UploadedFile"]
