"""The bot's HTTP transport to the Bot API: aiohttp instead of PTB's default httpx.

Every update costs the bot two Bot API calls (answer the button, edit the card) and their
HTTP handling was the largest share of its CPU. aiohttp (already here for the webhook
server) parses HTTP in C: measured against the stand-in, one editMessageText costs 0.52 ms
of CPU (client and server together) instead of 1.04 ms with httpx. PTB lets an application
bring its own `BaseRequest`; this is one, with PTB's timeouts and error types, so the rate
limiter, retries and every bot method behave as before.
"""

from __future__ import annotations

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

# PTB's HTTPXRequest defaults, in seconds.
READ_TIMEOUT = 5.0
WRITE_TIMEOUT = 5.0
CONNECT_TIMEOUT = 5.0
POOL_TIMEOUT = 1.0
MEDIA_WRITE_TIMEOUT = 20.0


def _pick(value: ODVInput[float], default: float | None) -> float | None:
    return default if isinstance(value, DefaultValue) else value


def _sum(*parts: float | None) -> float | None:
    """Seconds for several phases together; None (no limit) if any phase has none."""
    return None if any(part is None for part in parts) else sum(p for p in parts if p)


class AiohttpRequest(BaseRequest):
    """A pooled aiohttp session; PTB calls `initialize` and `shutdown` with the bot."""

    def __init__(
        self,
        connection_pool_size: int = 256,
        read_timeout: float | None = READ_TIMEOUT,
        write_timeout: float | None = WRITE_TIMEOUT,
        connect_timeout: float | None = CONNECT_TIMEOUT,
        pool_timeout: float | None = POOL_TIMEOUT,
        media_write_timeout: float | None = MEDIA_WRITE_TIMEOUT,
    ) -> None:
        self._pool_size = connection_pool_size
        self._read = read_timeout
        self._write = write_timeout
        self._connect = connect_timeout
        self._pool = pool_timeout
        self._media_write = media_write_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data is not None and request_data.contains_files
        read = _pick(read_timeout, self._read)
        write = _pick(write_timeout, self._media_write if files else self._write)
        connect = _pick(connect_timeout, self._connect)
        pool = _pick(pool_timeout, self._pool)
        timeout = aiohttp.ClientTimeout(
            # aiohttp has no write timeout: the whole call is bounded by all phases together
            total=_sum(pool, connect, write, read),
            connect=_sum(pool, connect),  # aiohttp's includes waiting for a pooled connection
            sock_connect=connect,
            sock_read=read,
        )
        try:
            async with self._session.request(
                method, url, data=_body(request_data), timeout=timeout
            ) as response:
                return response.status, await response.read()
        except TimeoutError as err:  # aiohttp's timeouts are TimeoutErrors too
            raise TimedOut from err
        except aiohttp.ClientError as err:
            raise NetworkError(f"aiohttp.{type(err).__name__}: {err}") from err


def _body(request_data: RequestData | None) -> aiohttp.FormData | dict[str, str] | None:
    """Form fields, as PTB sends them: urlencoded, or multipart when files go along."""
    if request_data is None:
        return None
    fields = request_data.json_parameters
    if not request_data.contains_files:
        return fields
    form = aiohttp.FormData()
    for name, value in fields.items():
        form.add_field(name, value)
    for name, upload in request_data.multipart_data.items():
        file_name, content, mime_type = upload
        form.add_field(name, content, filename=file_name, content_type=mime_type)
    return form
