"""pywa's async client, pointed at WHATSAPP_API_URL.

pywa sends every Graph API call to `https://graph.facebook.com/v{version}` on the httpx
client it is given; a transport that rewrites that origin lets a stand-in (tests, the
playground) or a proxy take Meta's place without touching pywa.
"""

from __future__ import annotations

import httpx
from pywa_async import WhatsApp

META = "graph.facebook.com"


class RootTransport(httpx.AsyncBaseTransport):
    """Send requests for graph.facebook.com to another root URL."""

    def __init__(self, root: str) -> None:
        self._root = httpx.URL(root)
        self._inner = httpx.AsyncHTTPTransport(retries=1)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host == META and self._root.host != META:
            root = self._root
            request.url = request.url.copy_with(scheme=root.scheme, host=root.host, port=root.port)
            request.headers["Host"] = root.netloc.decode()
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


def make_client(
    *,
    token: str,
    phone_id: str,
    app_secret: str,
    verify_token: str,
    api_url: str,
    timeout: float = 20.0,
) -> tuple[WhatsApp, httpx.AsyncClient]:
    """The pywa client and the httpx client under it (closed by the caller)."""
    http = httpx.AsyncClient(transport=RootTransport(api_url), timeout=httpx.Timeout(timeout))
    client = WhatsApp(
        phone_id=phone_id,
        token=token,
        session=http,
        app_secret=app_secret,
        verify_token=verify_token,
    )
    return client, http
