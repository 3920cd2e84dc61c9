"""Which channels this process serves, until a signal: Telegram (polling, its webhook or
the local playground) with WhatsApp beside it when that is configured, or WhatsApp alone."""

from __future__ import annotations

import asyncio
import contextlib
import signal

from bot.config import Settings
from bot.content import Course


def stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        # Not available off the main thread or on some platforms: then Ctrl+C still works.
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)


async def serve(settings: Settings, course: Course, mode: str) -> None:
    """`mode`: playground, polling, webhook (Telegram, WhatsApp beside when configured) or
    whatsapp (no Telegram token)."""
    stop = asyncio.Event()
    stop_on_signals(stop)
    if mode == "whatsapp":
        from bot.channels.whatsapp.runner import run_whatsapp

        await run_whatsapp(settings, course, stop)
        return
    from bot.channels.telegram.runner import Beside
    from bot.channels.telegram.runner import serve as serve_telegram

    if mode == "playground":
        await playground(settings, course, stop)
        return
    also: Beside | None = None
    if settings.whatsapp_configured:
        from bot.channels.whatsapp.runner import beside

        also = beside
    await serve_telegram(settings, course, mode, stop, also)


async def playground(settings: Settings, course: Course, stop: asyncio.Event) -> None:
    """The local playground until `stop`: the Telegram and WhatsApp stand-ins with their
    simulated users on one page, one core serving both."""
    from bot.channels.telegram.runner import serve as serve_telegram
    from bot.channels.whatsapp.playground import WhatsAppPlayground

    whatsapp = WhatsAppPlayground()
    await whatsapp.start()
    try:
        await serve_telegram(settings, course, "playground", stop, companion=whatsapp)
    finally:
        await whatsapp.close()
