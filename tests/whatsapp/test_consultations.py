"""Consultations answered on WhatsApp, end to end with one process serving both channels:
an admin on Telegram publishes and exports; a learner on WhatsApp answers with a text, a
voice note, a photo and a document, named or anonymous. WhatsApp's media ids lapse, so the
files are downloaded within the turn and kept sealed by us: the ZIP still has them after
Meta dropped its copies, and the exports name each answer's channel. /privacy and
/deleteme on WhatsApp cover the answers and their files."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import select

from bot.actions.menu import DeleteData
from bot.db.models import Base
from bot.services import consultations, holding
from tests.e2e.conftest import ADMIN
from tests.e2e.harness import FakeClock
from tests.e2e.test_consultations import BEFORE_OPEN, OPENED, REF_RE, SLUG, publish
from tests.whatsapp.both import Both, both_channels
from tests.whatsapp.harness import WhatsAppHarness, whatsapp_bot
from tests.whatsapp.test_learner import _onboard

AWA = "224620000011"  # Guinea
VOICE = b"OggS\x00\x02" + bytes(range(250)) * 40  # an Ogg page's start, then noise
PHOTO = b"\xff\xd8\xff\xe0" + b"JFIF" + bytes(300)
PDF = b"%PDF-1.4\n" + b"1 0 obj << >> endobj\n" * 20


async def _table(both: Both, name: str) -> list[dict[str, Any]]:
    model = Base.metadata.tables[name]
    async with both.telegram.services.uow() as uow:
        return [dict(r._mapping) for r in await uow.session.execute(select(model))]


async def _choose(h: WhatsAppHarness, section: int, stance: str, who: str) -> None:
    """Menu → Have your say → the consultation → a section → a stance → named or not."""
    await h.say(AWA, "menu")
    for choice in ("m:consult", "ko:1", f"ks:1:{section}", f"ka:1:{section}:{stance}"):
        assert choice in {i for _, i in h.choices(AWA)}, (choice, h.choices(AWA))
        await h.pick(AWA, choice)
    await h.pick(AWA, f"ki:1:{section}:{stance}:{who}")


def _reference(h: WhatsAppHarness) -> tuple[str, int]:
    found = REF_RE.search(h.everything(AWA, since=-2))
    assert found, h.everything(AWA, since=-2)
    return found.group(0), int(found.group(2))


def _send(h: WhatsAppHarness, kind: str, data: bytes, mime: str, **extra: Any) -> str:
    """The learner sends a file; returns Meta's media id for it."""
    message = h.standin.send_media(AWA, kind, data, mime, **extra)
    return str(message[kind]["id"])


@asynccontextmanager
async def _open_consultation(database_url: str, name: str) -> AsyncIterator[Both]:
    """Both channels; the admin on Telegram published the consultation, now open; the
    learner on WhatsApp (profile name `name`) is onboarded in English."""
    clock = FakeClock(BEFORE_OPEN)
    async with both_channels(database_url, clock, consultation_max_file_mb=1) as both:
        await publish(both.telegram)
        clock.now = OPENED
        both.whatsapp.standin.add_user(AWA, name)
        await _onboard(both.whatsapp, AWA, "en")
        yield both


async def test_answers_from_whatsapp_are_kept_exported_and_deleted(database_url: str) -> None:
    async with _open_consultation(database_url, "Awa *Camara*") as both:
        tg, wa = both.telegram, both.whatsapp

        # a named voice note
        await _choose(wa, 0, "c", "n")
        media = [_send(wa, "audio", VOICE, "audio/ogg; codecs=opus", voice=True)]
        await wa.settle()
        voice_ref, voice_number = _reference(wa)
        # an anonymous photo, with a caption
        await _choose(wa, 1, "s", "a")
        media.append(_send(wa, "image", PHOTO, "image/jpeg", caption="le chemin *boueux*"))
        await wa.settle()
        photo_ref, _ = _reference(wa)
        # a named PDF
        await _choose(wa, 2, "a", "n")
        media.append(_send(wa, "document", PDF, "application/pdf", filename="avis.pdf"))
        await wa.settle()
        pdf_ref, pdf_number = _reference(wa)
        # a named text
        await _choose(wa, 0, "a", "n")
        await wa.say(AWA, "D'accord, <b>merci</b>")
        text_ref, _ = _reference(wa)

        answers = {a["number"]: a for a in await _table(both, "consultation_answers")}
        assert set(answers) == {voice_number, pdf_number, int(text_ref[-4:])}, "photo held"
        voice = answers[voice_number]
        assert voice["channel"] == "whatsapp" and voice["file_kept"] is True
        assert voice["file_id"] is None and voice["file_platform"] is None, "no lapsing id"
        assert voice["file_size"] == len(VOICE) and voice["author_name"] == "Awa *Camara*"
        kept = await _table(both, "consultation_files")
        assert {f["number"] for f in kept} == {voice_number, pdf_number}
        assert all(VOICE[:64] not in f["sealed"] and PDF[:9] not in f["sealed"] for f in kept)
        assert all(len(f["sealed"]) >= 64 * 1024 for f in kept), "padded"
        held = await _table(both, "consultation_held_files")
        assert len(held) == 1 and PHOTO[:8] not in held[0]["sealed"], "the photo waits, sealed"

        # Meta drops its copies (30 days for what we upload, 7 for what people send)
        assert all(wa.standin.media.delete(media_id) for media_id in media)

        # the anonymous photo's batch: its file moves beside its answer, nowhere else
        async with tg.services.uow() as uow:
            await holding.write_batches(uow, OPENED, holding.BatchPolicy(1, 1))
        assert await _table(both, "consultation_held_files") == []
        answers = {a["number"]: a for a in await _table(both, "consultation_answers")}
        photo = answers[int(photo_ref[-4:])]
        assert photo["user_id"] is None and photo["author_name"] is None
        assert photo["channel"] == "whatsapp" and photo["file_kept"] is True
        assert len(await _table(both, "consultation_files")) == 3

        # the admin, on Telegram, exports
        mark = len(tg.standin.requests)
        await tg.press(ADMIN, "kc:1")
        await tg.press(ADMIN, "kx:1:csv")
        await tg.press(ADMIN, "kx:1:zip")
        docs = tg.documents_since(mark)
        table = list(csv.DictReader(io.StringIO(docs[f"{SLUG}-answers.csv"].decode("utf-8-sig"))))
        assert {r["reference"]: r["channel"] for r in table} == {
            ref: "WhatsApp" for ref in (voice_ref, photo_ref, pdf_ref, text_ref)
        }
        by_ref = {r["reference"]: r for r in table}
        assert by_ref[voice_ref]["file name"].endswith("_voice.ogg")
        assert by_ref[text_ref]["text"] == "D'accord, <b>merci</b>", "as typed, not markup"
        assert by_ref[photo_ref]["text"] == "le chemin *boueux*"
        archive = zipfile.ZipFile(io.BytesIO(docs[f"{SLUG}-files-1.zip"]))
        got = {name.split("_")[0]: archive.read(name) for name in archive.namelist()}
        assert got == {voice_ref: VOICE, photo_ref: PHOTO, pdf_ref: PDF}, "byte for byte"

        # changed: the PDF answer becomes a text (its copy goes), the text one a photo
        text_number = int(text_ref[-4:])
        for number, send in ((pdf_number, None), (text_number, PHOTO)):
            await wa.say(AWA, "menu")
            for step in ("m:consult", "km", f"kv:1:{number}", f"ke:1:{number}"):
                assert step in {i for _, i in wa.choices(AWA)}, (step, wa.choices(AWA))
                await wa.pick(AWA, step)
            if send is None:
                await wa.say(AWA, "Plus de fichier, un texte.")
            else:
                _send(wa, "image", send, "image/jpeg")
                await wa.settle()
        numbers = {f["number"] for f in await _table(both, "consultation_files")}
        assert numbers == {voice_number, int(photo_ref[-4:]), text_number}
        async with tg.services.uow() as uow:
            assert await uow.answer_files.get(1, text_number) == PHOTO

        # /privacy on WhatsApp lists the named answers and the kept files
        await wa.say(AWA, "/privacy")
        shown = wa.everything(AWA, since=-3)
        assert voice_ref in shown and pdf_ref in shown and photo_ref not in shown
        assert "Named answers to consultations: 3" in shown
        assert "Of them, with a copy of the file you sent: 2" in shown

        # /deleteme: named answers go with their files; the anonymous one stays
        await wa.say(AWA, "/deleteme")
        await wa.pick(AWA, DeleteData("yes").pack())
        left = await _table(both, "consultation_answers")
        assert [a["number"] for a in left] == [int(photo_ref[-4:])]
        assert [f["number"] for f in await _table(both, "consultation_files")] == [
            int(photo_ref[-4:])
        ]


async def test_a_file_whatsapp_cannot_give_or_of_the_wrong_kind_changes_nothing(
    database_url: str,
) -> None:
    async with _open_consultation(database_url, "Awa") as both:
        wa = both.whatsapp
        await _choose(wa, 0, "c", "a")
        # a program sent as a PDF: its bytes decide
        _send(wa, "document", b"MZ\x90\x00" + bytes(64), "application/pdf")
        await wa.settle()
        assert "I can take a text, a voice note, a photo or a document" in wa.text(AWA)
        # too big for CONSULTATION_MAX_FILE_MB (1 here): refused before it is downloaded
        downloads = sum(1 for r in wa.standin.requests if "attachments" in r.path)
        _send(wa, "document", b"%PDF-" + bytes(1024 * 1024 + 10), "application/pdf")
        await wa.settle()
        assert "This file is too big: the limit is 1 MB" in wa.text(AWA)
        assert sum(1 for r in wa.standin.requests if "attachments" in r.path) == downloads
        # an id Meta no longer serves
        # (the webhook is on its way: the media goes before the bot can fetch it)
        assert wa.standin.media.delete(_send(wa, "image", PHOTO, "image/jpeg"))
        await wa.settle()
        assert "I could not receive that file" in wa.text(AWA)
        for table in ("consultation_held", "consultation_held_files", "consultation_answers"):
            assert await _table(both, table) == [], table
        # still waiting for the answer: a good one now goes through
        await wa.say(AWA, "A plain answer")
        assert REF_RE.search(wa.everything(AWA, since=-2))


async def test_on_whatsapp_alone_answers_are_sealed_with_the_app_secret(
    database_url: str,
) -> None:
    """No Telegram token, no SEALING_KEY: WhatsApp's app secret seals what waits and the
    files we keep, so a deployment on WhatsApp alone takes anonymous answers and files."""
    async with whatsapp_bot(database_url, clock=lambda: OPENED) as wa:
        async with wa.services.uow() as uow:
            await consultations.publish(uow, wa.services.consultation_files, SLUG, BEFORE_OPEN)
        wa.standin.add_user(AWA, "Awa")
        await _onboard(wa, AWA, "en")
        await _choose(wa, 1, "c", "a")
        _send(wa, "audio", VOICE, "audio/ogg", voice=True)
        await wa.settle()
        anonymous_ref, _ = _reference(wa)
        await _choose(wa, 0, "s", "n")
        _send(wa, "image", PHOTO, "image/jpeg")
        await wa.settle()
        _, named = _reference(wa)
        async with wa.services.uow() as uow:
            assert await uow.answer_files.get(1, named) == PHOTO
            await holding.write_batches(uow, OPENED, holding.BatchPolicy(1, 1))
        async with wa.services.uow() as uow:
            assert await uow.answer_files.get(1, int(anonymous_ref[-4:])) == VOICE
