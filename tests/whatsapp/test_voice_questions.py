"""Asking by voice with a WhatsApp learner: the voice note goes to Ask a person; staff on
WhatsApp and on Telegram get the notice and the recording, and a reply by voice reaches
the learner as a voice note, whichever channel it was spoken on."""

from __future__ import annotations

from typing import Any

from bot.actions.faq import FaqAsk, FaqListen, FaqReply
from bot.channels.whatsapp.pacing import LocalPace
from tests.e2e.conftest import ADMIN, onboard
from tests.e2e.test_voice_questions import REPLIED, SPOKEN, sent_audio, stored
from tests.whatsapp.both import Both, both_channels
from tests.whatsapp.harness import WhatsAppHarness
from tests.whatsapp.test_learner import _onboard

AWA = "224620000041"  # a learner in Guinea
MOUSSA = "224620000042"  # an admin on WhatsApp
OPUS = "audio/ogg; codecs=opus"  # what WhatsApp says of a voice note
# A reply by voice is two messages to the learner (the words and the recording), which
# Meta would space by 6 s; the stand-in and the bot skip that wait here.
FAST: dict[str, Any] = {
    "cloud_options": {"pair_interval": None},
    "pace": LocalPace(1000, per_recipient=0),
}


async def speak(wa: WhatsAppHarness, wa_id: str, data: bytes) -> None:
    wa.standin.send_media(wa_id, "audio", data, OPUS, voice=True)
    await wa.settle()


def audio_to(wa: WhatsAppHarness, wa_id: str, since: int = 0) -> list[tuple[bytes, Any]]:
    """The recordings the bot sent `wa_id` (bytes, and whether sent as a voice note)."""
    found = []
    for message in wa.standin.messages(wa_id)[since:]:
        if message["type"] == "audio":
            media = wa.standin.media.get(message["audio"]["id"])
            assert media is not None
            found.append((media.data, media.mime_type))
    return found


async def _people(both: Both) -> None:
    tg, wa = both.telegram, both.whatsapp
    await onboard(tg, ADMIN, "en")
    for wa_id, name in ((MOUSSA, "Moussa"), (AWA, "Awa")):
        wa.standin.add_user(wa_id, name)
        await _onboard(wa, wa_id, "fr")


async def _ask_by_voice(wa: WhatsAppHarness) -> None:
    await wa.say(AWA, "menu")
    await wa.pick(AWA, "m:faq")
    await wa.pick(AWA, FaqAsk("type").pack())
    assert "note vocale" in wa.everything(AWA, since=-1)
    await speak(wa, AWA, SPOKEN)
    assert "Votre question est envoyée (numéro 1)" in wa.everything(AWA, since=-1)


async def test_a_voice_question_round_trip_on_whatsapp(database_url: str) -> None:
    async with both_channels(database_url, admin_whatsapp=MOUSSA, **FAST) as both:
        wa = both.whatsapp
        await _people(both)
        await _ask_by_voice(wa)
        before = len(wa.standin.messages(MOUSSA))
        await both.notify_staff()
        assert "Question posée par message vocal" in wa.everything(MOUSSA, since=before)
        assert audio_to(wa, MOUSSA, before) == [(SPOKEN, "audio/ogg")]
        [notice] = [m for m in wa.standin.messages(MOUSSA)[before:] if m["type"] == "interactive"]
        ids = [b["reply"]["id"] for b in notice["interactive"]["action"]["buttons"]]
        assert ids == [FaqReply(1).pack(), FaqListen(1).pack()]
        wa.standin.press_button(MOUSSA, notice["id"], FaqListen(1).pack())
        await wa.settle()
        assert audio_to(wa, MOUSSA, before)[-1] == (SPOKEN, "audio/ogg"), "heard again"

        # Moussa replies by voice on WhatsApp; Awa gets it as a voice note
        wa.standin.press_button(MOUSSA, notice["id"], FaqReply(1).pack())
        await wa.settle()
        before = len(wa.standin.messages(AWA))
        await speak(wa, MOUSSA, REPLIED)
        assert wa.text(MOUSSA) == "Envoyé."
        assert "écoutez le message suivant" in wa.everything(AWA, since=before)
        assert audio_to(wa, AWA, before) == [(REPLIED, "audio/ogg")]
        assert (await stored(both.telegram))[1] == [], "answered: our copy is gone"


async def test_a_whatsapp_learners_voice_question_answered_by_voice_from_telegram(
    database_url: str,
) -> None:
    async with both_channels(database_url, **FAST) as both:
        tg, wa = both.telegram, both.whatsapp
        await _people(both)
        await _ask_by_voice(wa)
        mark = len(tg.standin.requests)
        await both.notify_staff()
        assert any("Asked by voice" in str(m.get("text")) for m in tg.messages(ADMIN))
        assert sent_audio(tg, ADMIN, mark) == [SPOKEN], "heard on Telegram"
        await tg.press(ADMIN, FaqReply(1).pack())
        before = len(wa.standin.messages(AWA))
        mark = len(tg.standin.requests)
        await tg.standin.send_media(ADMIN, "voice", REPLIED, duration=3)
        await tg._settle(ADMIN, mark, True)
        assert tg.text(ADMIN) == "Sent."
        await wa.settle()
        assert audio_to(wa, AWA, before) == [(REPLIED, "audio/ogg")], "heard on WhatsApp"
