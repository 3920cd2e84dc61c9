"""The four Graph API calls the WhatsApp channel makes, over one aiohttp session.

pywa's async client (over httpx) did this first. Measured against the same local server
answering as Meta does, one /messages call cost 0.77 to 0.81 ms of CPU through pywa and
httpx, and 0.13 to 0.14 ms through an aiohttp session (keep-alive, a pool of connections,
four calls in flight); a lesson card is one or two calls and an announcement one per
member, so pywa's request layer was the largest single cost of a WhatsApp turn after the
database. The bot needs only these calls (send a message, upload a file, a file's URL, the
file), and aiohttp is the web server's library already. Meta's error body is read as pywa
reads it (its `error.code`, else the HTTP status; `is_transient` as Meta says).

Every call goes to WHATSAPP_API_URL, so a stand-in (tests, the playground) or a proxy can
take Meta's place. The timeouts are httpx's kind: waiting for a connection and making one
(`ConnectionTimeoutError`: the request never left) apart from waiting for the answer (it
may have reached Meta).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import aiohttp

# The Graph API version of the paths (pywa 4.5's latest; the stand-in takes any).
GRAPH_VERSION = "v26.0"
# Requests in flight at most (httpx's default pool, which pywa used).
CONNECTIONS = 100

Json = dict[str, Any]

__all__ = ["CONNECTIONS", "GRAPH_VERSION", "Closed", "GraphApi", "GraphError"]


class GraphError(Exception):
    """Meta refused a call: the HTTP status, Meta's code (the status when the answer
    names none) and whether Meta called the error transient (None: it did not say)."""

    def __init__(self, status: int, code: int, transient: bool | None = None) -> None:
        super().__init__(f"HTTP {status}, code {code}")
        self.status = status
        self.code = code
        self.transient = transient

    @classmethod
    def of(cls, status: int, answer: object) -> GraphError:
        error = answer.get("error") if isinstance(answer, dict) else None
        code = error.get("code") if isinstance(error, dict) else None
        if not isinstance(code, int | str) or not str(code).isdigit():
            return cls(status, status)
        transient = error.get("is_transient") if isinstance(error, dict) else None
        return cls(status, int(code), transient if isinstance(transient, bool) else None)


class Closed(aiohttp.ClientConnectionError):
    """A call after `close` (the process is stopping): it never left."""


class GraphApi:
    """One business number's calls. The session opens at the first call (inside the
    running loop) and is closed by `close`; a call after that raises Closed."""

    def __init__(self, *, token: str, phone_id: str, api_url: str, timeout: float = 20.0) -> None:
        root = f"{api_url.rstrip('/')}/{GRAPH_VERSION}"
        self._root = root
        self._messages = f"{root}/{phone_id}/messages"
        self._media = f"{root}/{phone_id}/media"
        self._phone_id = phone_id
        self._headers = {"Authorization": f"Bearer {token}"}
        self._timeout = aiohttp.ClientTimeout(
            total=None, connect=timeout, sock_connect=timeout, sock_read=timeout
        )
        self._session: aiohttp.ClientSession | None = None
        self._closed = False

    def _open(self) -> aiohttp.ClientSession:
        if self._closed:
            raise Closed("the Graph API client is closed")
        if self._session is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=CONNECTIONS),
                headers=self._headers,
                timeout=self._timeout,
            )
        return self._session

    async def close(self) -> None:
        self._closed = True
        if self._session is not None:
            await self._session.close()

    async def send_message(self, to: str, kind: str, content: Mapping[str, object]) -> Json:
        """POST /messages: `content` is the object under the message's type."""
        body = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": to,
            "type": kind,
            kind: content,
        }
        return await self._call("POST", self._messages, data=_dumps(body), json_body=True)

    async def upload_media(self, data: bytes, mime: str, filename: str) -> Json:
        """POST /media (multipart, as Meta documents it): the new media id under `id`."""
        form = aiohttp.FormData()
        form.add_field("messaging_product", "whatsapp")
        form.add_field("type", mime)
        form.add_field("file", data, filename=filename, content_type=mime)
        return await self._call("POST", self._media, data=form)

    async def media_info(self, media_id: str) -> Json:
        """GET /{media-id}: its download URL (valid 5 minutes), type and size."""
        url = f"{self._root}/{media_id}"
        return await self._call("GET", url, params={"phone_number_id": self._phone_id})

    async def download(self, url: str) -> bytes:
        """A media file's bytes from the URL `media_info` gave (it wants the token too)."""
        async with self._open().get(url) as response:
            response.raise_for_status()
            return await response.read()

    async def _call(self, method: str, url: str, *, json_body: bool = False, **kw: Any) -> Json:
        headers = {"Content-Type": "application/json"} if json_body else None
        async with self._open().request(method, url, headers=headers, **kw) as response:
            raw = await response.read()
            status = response.status
        try:
            answer = json.loads(raw) if raw else None
        except ValueError:
            answer = None
        if status >= 400:
            raise GraphError.of(status, answer)
        return answer if isinstance(answer, dict) else {}


def _dumps(body: Json) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
