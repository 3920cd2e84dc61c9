"""GET /verify/{code}: anyone holding a certificate can have it checked in a browser.

Served by the webhook server (bot/web.py) and by the playground's server, so the link in the
certificate's QR code works in production and locally. Tries are limited per client address.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from aiohttp import web

from bot.services import certificates
from bot.services.container import Services
from bot.views.quizzes import render_not_a_code, render_too_many_checks, render_verification

VERIFY_PATH = "/verify/{code}"
_PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>body{{font-family:sans-serif;max-width:36em;margin:2em auto;padding:0 1em;
line-height:1.5}}</style></head>
<body><h1>{title}</h1><p>{body}</p></body></html>
"""


def _client(request: web.Request) -> str:
    return request.remote or "unknown"


def add_verify_route(
    web_app: web.Application, get_services: Callable[[], Services | None]
) -> None:
    """Register GET /verify/{code}; `get_services` gives the running core (None while it
    starts), whichever channels it serves."""

    async def verify(request: web.Request) -> web.Response:
        services = get_services()
        if services is None:
            return web.Response(status=503, text="starting")
        header = request.headers.get("Accept-Language", "")
        first = header.split(",")[0].split(";")[0].strip() or None
        language = services.i18n.negotiate(first)
        t = services.i18n.translator(language)
        status = 200
        if not await services.verify_on_web.allow(_client(request), services.clock()):
            status, body = 429, render_too_many_checks(t)
        elif (code := certificates.normalise_code(request.match_info["code"])) is None:
            status, body = 404, render_not_a_code(t)
        else:
            async with services.uow() as uow:
                cert = await certificates.verify(uow, code)
            modules = list(services.course.modules_in(language))
            body = render_verification(t, cert, language, modules)
            status = 200 if cert is not None else 404
        page = _PAGE.format(
            lang=escape(language),
            title=escape(t.gettext("Certificate check")),
            body=body.replace("\n", "<br>\n"),
        )
        headers = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}
        return web.Response(status=status, text=page, content_type="text/html", headers=headers)

    web_app.router.add_get(VERIFY_PATH, verify)
