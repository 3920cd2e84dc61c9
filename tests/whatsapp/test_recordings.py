"""Recorded course audio end to end, one process serving Telegram and WhatsApp: a trainer
records a card (listens back, submits), an admin reviews (listens, approves or rejects with
a reason, the recorder is told), learners on both channels press 🔊 Listen and hear it, the
file uploaded once per channel and sent again by its id; a lapsed WhatsApp media id is
uploaded anew. /deleteme of a recorder keeps an approved recording without their name."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.channels.whatsapp.standin.limits import Limit
from bot.db.models import Recording
from tests.audio_bytes import opus_ogg
from tests.e2e.conftest import ADMIN, onboard
from tests.e2e.harness import FakeClock, Harness
from tests.whatsapp.both import Both, both_channels
from tests.whatsapp.harness import WhatsAppHarness
from tests.whatsapp.test_learner import _onboard

CONTENT = Path(__file__).resolve().parents[2] / "content"
CARD = "vc-stages-1"
LEARNER = 901  # on Telegram
FATOU = "224620000021"  # a learner on WhatsApp
KADI = "224620000022"  # an admin on WhatsApp (ADMIN_WHATSAPP)


async def _rows(both: Both) -> list[dict[str, Any]]:
    async with both.telegram.services.uow() as uow:
        found = await uow.session.scalars(select(Recording).order_by(Recording.id))
        return [
            {c.name: getattr(row, c.name) for c in Recording.__table__.columns} for row in found
        ]


def _uploads(wa: WhatsAppHarness) -> int:
    """Files the bot uploaded to WhatsApp so far."""
    return sum(1 for m in wa.standin.media._media.values() if m.uploaded_by_business)


def _sent_voice(tg: Harness, mark: int, chat: int) -> list[Any]:
    return [
        r
        for r in tg.requests_since(mark)
        if r.method == "sendVoice" and r.status == 200 and int(r.params["chat_id"]) == chat
    ]


async def _voice_reply(tg: Harness, chat: int, act: Any) -> list[Any]:
    """Do `act` (a coroutine), wait until the bot is done; the voice notes it sent `chat`."""
    mark = len(tg.standin.requests)
    await act
    await tg.standin.wait_for_request("sendVoice", since=mark, timeout=10)
    await tg.until_idle()
    return _sent_voice(tg, mark, chat)


def _wa_audio(wa: WhatsAppHarness, wa_id: str) -> list[dict[str, Any]]:
    return [m for m in wa.standin.messages(wa_id) if m["type"] == "audio"]


async def test_record_review_and_listen_on_both_channels(
    database_url: str, tmp_path: Path
) -> None:
    audio_dir = tmp_path / "audio"
    async with both_channels(database_url, admin_whatsapp=KADI, audio_dir=str(audio_dir)) as both:
        tg, wa = both.telegram, both.whatsapp
        tg.standin.add_user(LEARNER, "Lena", language_code="en")
        await onboard(tg, ADMIN, "en")
        await onboard(tg, LEARNER, "en")
        wa.standin.add_user(FATOU, "Fatou")
        await _onboard(wa, FATOU, "en")
        wa.standin.add_user(KADI, "Kadiatou *Bah*")
        await _onboard(wa, KADI, "en")

        # a learner sees no Record button, and no Listen button before audio is approved
        await tg.press(LEARNER, f"c:{CARD}")
        labels = [label for label, _ in tg.buttons(LEARNER)]
        assert not any("Record" in label or "Listen" in label for label in labels), labels

        # --- the admin on Telegram records the card in English ---------------------------
        await tg.press(ADMIN, f"c:{CARD}")
        assert ("🎙 Record this card", f"vr:{CARD}") in tg.buttons(ADMIN)
        await tg.press(ADMIN, f"vr:{CARD}")
        assert "Which language" in tg.text(ADMIN)
        assert f"vl:{CARD}:sus-spoken" in {data for _, data in tg.buttons(ADMIN)}
        await tg.press(ADMIN, f"vl:{CARD}:en")
        assert "Send a voice note now" in tg.text(ADMIN)

        # a text is not a recording: the bot says so and keeps waiting
        await tg.say(ADMIN, "hello")
        assert "waiting for a voice note" in tg.text(ADMIN)
        # bytes that are not audio, whatever they are called, are refused
        mark = len(tg.standin.requests)
        await tg.standin.send_media(ADMIN, "voice", b"MZ\x90\x00 not audio" * 20)
        await tg._settle(ADMIN, mark, True)
        assert "not a recording I can use" in tg.text(ADMIN)
        assert await _rows(both) == []

        voice = opus_ogg(12.4)
        (played,) = await _voice_reply(tg, ADMIN, tg.standin.send_media(ADMIN, "voice", voice))
        assert "Listen to your recording (0:12)" in played.params["caption"]
        (draft,) = await _rows(both)
        assert draft["status"] == "draft" and draft["language"] == "en"
        assert draft["format"] == "ogg" and draft["size"] == len(voice)
        assert draft["duration_ms"] == 12400 and draft["recorder_name"] == "Admin"
        assert draft["telegram_file_id"], "the played-back upload's id is kept"
        assert (audio_dir / f"{draft['sha256']}.ogg").read_bytes() == voice
        await tg.press(ADMIN, f"vs:{draft['id']}")
        assert "Sent for review" in tg.text(ADMIN)
        await wa.settle()
        notice = wa.everything(KADI, since=-1)
        assert "A new recording waits for review" in notice and "by Admin" in notice
        assert f"vo:{draft['id']}" in {i for _, i in wa.choices(KADI)}

        # --- the admin reviews: the list, listen (by the kept file id), approve ----------
        await tg.say(ADMIN, "/recordings")
        assert "1 recording is waiting" in tg.text(ADMIN)
        (review,) = await _voice_reply(
            tg, ADMIN, tg.press(ADMIN, f"vo:{draft['id']}", expect_reply=False)
        )
        assert review.params["voice"] == draft["telegram_file_id"], "not uploaded again"
        assert "Recorded by Admin" in review.params["caption"]
        await tg.press(ADMIN, f"vy:{draft['id']}")
        assert "Approved" in tg.text(ADMIN)
        assert [r["status"] for r in await _rows(both)] == ["approved"]

        # --- learners listen: Telegram by the kept id, WhatsApp uploaded once ----------
        await tg.press(LEARNER, f"c:{CARD}")
        assert ("🔊 Listen", f"vh:{CARD}") in tg.buttons(LEARNER)
        (heard,) = await _voice_reply(
            tg, LEARNER, tg.press(LEARNER, f"vh:{CARD}", expect_reply=False)
        )
        assert heard.params["voice"] == draft["telegram_file_id"]

        await wa.say(FATOU, "menu")
        await wa.pick(FATOU, "m:continue")
        assert f"vh:{CARD}" in {i for _, i in wa.choices(FATOU)}
        before = _uploads(wa)
        await wa.pick(FATOU, f"vh:{CARD}")
        await wa.say(FATOU, "menu")
        await wa.pick(FATOU, "m:continue")
        await wa.pick(FATOU, f"vh:{CARD}")
        heard_wa = _wa_audio(wa, FATOU)
        assert len(heard_wa) == 2 and _uploads(wa) == before + 1, "one upload, then its id"
        assert heard_wa[0]["audio"]["id"] == heard_wa[1]["audio"]["id"]
        (approved,) = await _rows(both)
        assert approved["whatsapp_media_id"] == heard_wa[0]["audio"]["id"]

        # Meta no longer knows the id: the bot uploads its copy again and keeps the new id
        wa.standin.media.delete(approved["whatsapp_media_id"])
        await wa.say(FATOU, "menu")
        await wa.pick(FATOU, "m:continue")
        await wa.pick(FATOU, f"vh:{CARD}")
        assert [v.limit for v in wa.standin.violations] == [Limit.MEDIA_ID]
        wa.standin.violations.clear()  # the one refusal expected; both_channels checks others
        assert len(_wa_audio(wa, FATOU)) == 3
        assert _wa_audio(wa, FATOU)[-1]["audio"]["id"] != heard_wa[0]["audio"]["id"]
        assert _uploads(wa) == before + 1, "the deleted id's file went up once more"
        (approved,) = await _rows(both)
        assert approved["whatsapp_media_id"] == _wa_audio(wa, FATOU)[-1]["audio"]["id"]

        # --- an admin on WhatsApp records it in a spoken-only language; rejected --------
        await wa.say(KADI, "menu")
        await wa.pick(KADI, "m:continue")
        await wa.pick(KADI, f"vr:{CARD}")
        await wa.pick(KADI, f"vl:{CARD}:sus-spoken")
        assert "Sosoxui (spoken)" in wa.everything(KADI, since=-1)
        spoken = opus_ogg(30.0, filler=400)
        wa.standin.send_media(KADI, "audio", spoken, "audio/ogg; codecs=opus", voice=True)
        await wa.settle()
        assert len(_wa_audio(wa, KADI)) == 1, "played back"
        assert "Listen to your recording (0:30)" in wa.everything(KADI, since=-1)
        second = (await _rows(both))[-1]
        assert second["status"] == "draft" and second["language"] == "sus-spoken"
        assert second["recorder_name"] == "Kadiatou *Bah*"
        await wa.pick(KADI, f"vs:{second['id']}")
        assert "Sent for review" in wa.everything(KADI, since=-1)
        assert "A new recording waits for review" in tg.text(ADMIN)
        assert ("🎧 Listen to it", f"vo:{second['id']}") in tg.buttons(ADMIN)

        await tg.say(ADMIN, "/recordings")
        (review,) = await _voice_reply(
            tg, ADMIN, tg.press(ADMIN, f"vo:{second['id']}", expect_reply=False)
        )
        assert "Sosoxui (spoken)" in review.params["caption"]
        assert "Kadiatou *Bah*" in review.params["caption"]
        await tg.press(ADMIN, f"vn:{second['id']}")
        assert "Why is it not approved" in tg.text(ADMIN)
        await tg.say(ADMIN, "Too quiet <b>here</b>")
        assert "Rejected" in tg.text(ADMIN)
        await wa.settle()
        told = wa.everything(KADI, since=-1)
        assert "was not approved" in told and "Too quiet <b>here</b>" in told
        rows = await _rows(both)
        assert rows[-1]["status"] == "rejected" and rows[-1]["reason"] == "Too quiet <b>here</b>"

        # she records it again and it is approved: the English recording is untouched
        await wa.say(KADI, "menu")
        await wa.pick(KADI, "m:continue")
        await wa.pick(KADI, f"vr:{CARD}")
        await wa.pick(KADI, f"vl:{CARD}:sus-spoken")
        wa.standin.send_media(KADI, "audio", opus_ogg(20.0), "audio/ogg", voice=True)
        await wa.settle()
        third = (await _rows(both))[-1]
        await wa.pick(KADI, f"vs:{third['id']}")
        await tg.say(ADMIN, "/recordings")
        await _voice_reply(tg, ADMIN, tg.press(ADMIN, f"vo:{third['id']}", expect_reply=False))
        await tg.press(ADMIN, f"vy:{third['id']}")
        await wa.settle()
        assert "was approved" in wa.everything(KADI, since=-1)
        statuses = {(r["language"], r["status"]) for r in await _rows(both)}
        assert statuses == {
            ("en", "approved"),
            ("sus-spoken", "rejected"),
            ("sus-spoken", "approved"),
        }

        # --- a learner reads English and listens in Susu, audio first ------------------
        await wa.say(FATOU, "menu")
        await wa.pick(FATOU, "m:settings")
        await wa.pick(FATOU, "vg")
        assert "You hear: English" in wa.text(FATOU)
        await wa.pick(FATOU, "vt:sus-spoken")
        assert "You hear: Sosoxui (spoken)" in wa.text(FATOU)
        await wa.pick(FATOU, "vf:1")
        assert "Audio first: on" in wa.text(FATOU)
        heard_before = len(_wa_audio(wa, FATOU))
        await wa.say(FATOU, "menu")
        await wa.pick(FATOU, "m:continue")
        assert len(_wa_audio(wa, FATOU)) == heard_before + 1, "the card came as its voice note"
        susu = _wa_audio(wa, FATOU)[-1]["audio"]["id"]
        assert susu == (await _rows(both))[-1]["whatsapp_media_id"]
        assert f"vd:{CARD}" in {i for _, i in wa.choices(FATOU)}
        await wa.pick(FATOU, f"vd:{CARD}")
        assert "Module 1" in wa.text(FATOU) and len(_wa_audio(wa, FATOU)) == heard_before + 1

        # on Telegram too: the card is a voice note with its title and buttons
        await tg.press(LEARNER, "m:settings")
        await tg.press(LEARNER, "vg")
        await tg.press(LEARNER, "vf:1")
        (card,) = await _voice_reply(
            tg, LEARNER, tg.press(LEARNER, f"c:{CARD}", expect_reply=False)
        )
        assert card.params["voice"] == draft["telegram_file_id"], "English, by its kept id"
        buttons = card.params["reply_markup"]["inline_keyboard"]
        assert f"vd:{CARD}" in {b["callback_data"] for row in buttons for b in row}

        # --- /deleteme of the WhatsApp recorder ---------------------------------------
        await wa.say(KADI, "/deleteme")
        await wa.pick(KADI, "del:yes")
        rows = await _rows(both)
        assert [(r["language"], r["status"]) for r in rows] == [
            ("en", "approved"),
            ("sus-spoken", "approved"),
        ]
        kept = rows[-1]
        assert kept["recorder_id"] is None and kept["recorder_name"] is None
        assert not (audio_dir / f"{second['sha256']}.ogg").exists(), "the rejected file went"
        assert (audio_dir / f"{kept['sha256']}.ogg").exists()


async def test_audio_shipped_with_the_content_is_heard_on_both_channels(
    database_url: str, tmp_path: Path
) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    shipped = opus_ogg(45.0, filler=300)
    (content / "audio" / "en").mkdir(parents=True)
    (content / "audio" / "en" / f"{CARD}.ogg").write_bytes(shipped)
    clock = FakeClock(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    async with both_channels(
        database_url, clock, content_dir=str(content), audio_dir=str(tmp_path / "audio")
    ) as both:
        tg, wa = both.telegram, both.whatsapp
        (row,) = await _rows(both)
        assert row["status"] == "approved" and row["from_content"] is True
        assert row["recorder_id"] is None and row["duration_ms"] == 45000

        tg.standin.add_user(LEARNER, "Lena", language_code="en")
        await onboard(tg, LEARNER, "en")
        await tg.press(LEARNER, f"c:{CARD}")
        (heard,) = await _voice_reply(
            tg, LEARNER, tg.press(LEARNER, f"vh:{CARD}", expect_reply=False)
        )
        assert heard.params["voice"].data == shipped, "uploaded once from our copy"

        wa.standin.add_user(FATOU, "Fatou")
        await _onboard(wa, FATOU, "en")
        await wa.say(FATOU, "menu")
        await wa.pick(FATOU, "m:continue")
        await wa.pick(FATOU, f"vh:{CARD}")
        (audio,) = _wa_audio(wa, FATOU)
        assert wa.standin.media.get(audio["audio"]["id"]).data == shipped  # type: ignore[union-attr]

        # a month later the bot no longer trusts the media id (Meta keeps it 30 days)
        clock.now += timedelta(days=29, minutes=1)
        await wa.say(FATOU, "menu")
        await wa.pick(FATOU, "m:continue")
        await wa.pick(FATOU, f"vh:{CARD}")
        first, later = _wa_audio(wa, FATOU)
        assert later["audio"]["id"] != first["audio"]["id"], "uploaded again"
        (row_later,) = await _rows(both)
        assert row_later["whatsapp_media_id"] == later["audio"]["id"]
        assert row_later["whatsapp_uploaded_at"] == clock.now

        # a restart with the same file changes nothing; the ids stay
        await tg.restart()
        (again,) = await _rows(both)
        assert again["id"] == row["id"] and again["telegram_file_id"]
