"""Benchmark: a card's recording heard by 1,000 learners on each channel, uploaded once.

    python -m benchmarks.audio [--learners 1000] [--on sqlite|postgresql|both]

One bot process serves Telegram and WhatsApp (the real Application and webhook against the
two stand-ins, as tests/whatsapp/both.py sets them up). The card's recording is shipped in
a copy of the content (content/audio/en/<card>.ogg), so it is approved at start-up. The
learners are written straight into the database (onboarded, English); each opens a screen
(Telegram: /menu; WhatsApp: menu, then Continue to the card) and presses 🔊 Listen, all at
once. Printed per channel: how many heard it, how many uploads the bot made (the point: one
per channel, every other send by the kept file id / media id) and how long the listening
took (Telegram's is bounded by its 30 messages a second).
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.updates import database
from bot.services import learners
from bot.services.container import Services
from tests.audio_bytes import opus_ogg
from tests.whatsapp.both import Both, both_channels

CONTENT = Path(__file__).resolve().parents[1] / "content"
CARD = "vc-stages-1"
FIRST_TG = 3_000_000
FIRST_WA = 224_630_000_000


async def _seed(services: Services, platform: str, ids: list[str]) -> None:
    now = datetime.now(UTC)
    async with services.uow() as uow:
        for external in ids:
            who = learners.Identity(platform, external, external)
            user = await learners.arrive(uow, who, now, is_admin=False)
            await learners.choose_language(uow, user.id, "en", now)
            await learners.give_consent(uow, user.id, now)
        await uow.commit()


async def _telegram(both: Both, count: int) -> tuple[int, int, int, float]:
    tg = both.telegram
    ids = [FIRST_TG + i for i in range(count)]
    for user in ids:
        tg.standin.add_user(user, f"Learner {user}", language_code="en")
    await _seed(tg.services, "telegram", [str(u) for u in ids])
    for user in ids:
        await tg.standin.send_text(user, "/menu")
    await tg.until_idle(time.monotonic() + 600)
    mark = len(tg.standin.requests)
    started = time.monotonic()
    for user in ids:  # the data is not checked against the keyboard: Listen on the menu
        await tg.standin.press(user, tg.last(user)["message_id"], f"vh:{CARD}")
    await tg.until_idle(time.monotonic() + 600)
    took = time.monotonic() - started
    voices = [r for r in tg.requests_since(mark) if r.method == "sendVoice" and r.status == 200]
    uploads = sum(1 for r in voices if not isinstance(r.params["voice"], str))
    return len({int(r.params["chat_id"]) for r in voices}), len(voices), uploads, took


async def _whatsapp(both: Both, count: int) -> tuple[int, int, int, float]:
    wa = both.whatsapp
    ids = [str(FIRST_WA + i) for i in range(count)]
    for wa_id in ids:
        wa.standin.add_user(wa_id, f"Learner {wa_id[-4:]}")
    await _seed(wa.services, "whatsapp", ids)
    for wa_id in ids:
        wa.standin.send_text(wa_id, "menu")
    await _settle(both)
    for wa_id in ids:
        wa.standin.choose_row(wa_id, wa.last(wa_id)["id"], "m:continue")
    await _settle(both)
    before = _uploads(both)
    started = time.monotonic()
    for wa_id in ids:
        wa.standin.choose_row(wa_id, wa.last(wa_id)["id"], f"vh:{CARD}")
    await _settle(both)
    took = time.monotonic() - started
    heard = [m for wa_id in ids for m in wa.standin.messages(wa_id) if m["type"] == "audio"]
    return len(heard), len(heard), _uploads(both) - before, took


def _uploads(both: Both) -> int:
    media = both.whatsapp.standin.media._media.values()
    return sum(1 for m in media if m.uploaded_by_business)


async def _settle(both: Both) -> None:
    """Until the stand-in delivered every webhook and the bot handled every message."""
    wa = both.whatsapp
    await wa.standin.webhooks_delivered(timeout=600)
    for _ in range(12_000):  # at most 10 minutes
        if not wa.bot.webhook.busy:
            return
        await asyncio.sleep(0.05)
    raise TimeoutError("the bot is still handling messages")


async def run(database_url: str, folder: str, count: int) -> None:
    content = Path(folder) / "content"
    shutil.copytree(CONTENT, content)
    (content / "audio" / "en").mkdir(parents=True)
    (content / "audio" / "en" / f"{CARD}.ogg").write_bytes(opus_ogg(60.0, filler=20_000))
    cloud = {"pair_interval": None, "throughput": 1000, "webhook_concurrency": 16}
    async with both_channels(
        database_url,
        cloud_options=cloud,
        content_dir=str(content),
        audio_dir=str(Path(folder) / "audio"),
        question_interval=0,
    ) as both:
        for name, listen in (("Telegram", _telegram), ("WhatsApp", _whatsapp)):
            people, sent, uploads, took = await listen(both, count)
            print(
                f"  {name}: {people} of {count} learners heard it, {sent} voice notes "
                f"sent, {uploads} upload(s), the rest by the kept id; {took:.1f} s "
                f"({sent / took:.0f} a second)"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=1000)
    parser.add_argument("--on", choices=("sqlite", "postgresql", "both"), default="sqlite")
    args = parser.parse_args()
    kinds = ("sqlite", "postgresql") if args.on == "both" else (args.on,)
    for kind in kinds:
        print(f"{kind}, {args.learners} learners per channel:")

        async def one(kind: str = kind) -> None:
            with tempfile.TemporaryDirectory() as folder:
                async with database(kind, folder, "audio") as url:
                    if url is not None:
                        await run(url, folder, args.learners)

        asyncio.run(one())


if __name__ == "__main__":
    main()
