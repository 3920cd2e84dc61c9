"""A learner asks by voice on Telegram: the voice note goes to Ask a person with our own
sealed copy of it; staff hear it with the notice (and again with 🔊 Listen), reply by text
or by voice; the copy goes once the question is answered, and with /deleteme."""

from __future__ import annotations

from sqlalchemy import select

from bot.actions.faq import FaqListen, FaqReply
from bot.db.models import FaqQuestion, FaqVoice
from bot.services.faq import MAX_VOICE_BYTES
from tests.e2e.conftest import ADMIN, USERS, onboard
from tests.e2e.harness import Harness

LEARNER = USERS["fr"]
# Ogg's capture pattern is all we read; the rest is what a recording would carry.
SPOKEN = b"OggS\x00\x02" + bytes(range(256)) * 20
REPLIED = b"OggS\x00\x02" + b"the admin speaks" * 100


async def send_voice(
    bot: Harness, user: int, data: bytes, *, caption: str | None = None, kind: str = "voice"
) -> None:
    mark = len(bot.standin.requests)
    await bot.standin.send_media(user, kind, data, caption=caption, duration=5)
    await bot._settle(user, mark, True)


def sent_audio(bot: Harness, user: int, since: int) -> list[bytes]:
    """The recordings the bot sent to `user` since the mark, as voice notes or audio files."""
    found = []
    for r in bot.requests_since(since):
        to_user = r.params.get("chat_id") in (user, str(user))
        if r.method in ("sendVoice", "sendAudio") and r.status == 200 and to_user:
            key = "voice" if r.method == "sendVoice" else "audio"
            found.append(r.params[key].data)
    return found


async def stored(bot: Harness) -> tuple[list[tuple[str | None, str, str]], list[bytes]]:
    """The questions (voice, text, status) and the sealed recordings in the database."""
    async with bot.services.uow() as uow:
        rows = await uow.session.execute(
            select(FaqQuestion.voice, FaqQuestion.text, FaqQuestion.status)
        )
        questions = [(r.voice, r.text, r.status) for r in rows]
        sealed = list((await uow.session.scalars(select(FaqVoice.sealed))).all())
    return questions, sealed


async def test_a_voice_question_reaches_staff_who_listen_and_reply_by_voice(
    bot: Harness,
) -> None:
    await onboard(bot, ADMIN, "en")
    await onboard(bot, LEARNER, "fr")
    await bot.press(LEARNER, "m:faq")
    await bot.press(LEARNER, "ap:type")
    assert "note vocale" in bot.text(LEARNER), "the prompt says a voice note works too"
    await send_voice(bot, LEARNER, SPOKEN, caption="Kamsar")
    assert "(numéro 1)" in bot.text(LEARNER)
    [question], [sealed] = await stored(bot)
    assert question == ("ogg", "Kamsar", "open")
    assert SPOKEN[6:300] not in sealed, "our copy is sealed"

    # the notice, then the recording itself, to the admin
    mark = len(bot.standin.requests)
    await bot.notify_staff()
    await bot.until_idle()
    notice = next(m for m in bot.messages(ADMIN) if "Question 1" in str(m.get("text")))
    assert "Asked by voice" in notice["text"] and "Kamsar" in notice["text"]
    assert sent_audio(bot, ADMIN, mark) == [SPOKEN]
    mark = len(bot.standin.requests)
    await bot.press(ADMIN, FaqListen(1).pack())
    assert sent_audio(bot, ADMIN, mark) == [SPOKEN], "and again when asked"

    # the admin replies by voice: the learner gets the reply and the voice note
    await bot.press(ADMIN, FaqReply(1).pack())
    assert "Or send a voice note" in bot.text(ADMIN)
    mark = len(bot.standin.requests)
    await send_voice(bot, ADMIN, REPLIED)
    assert bot.text(ADMIN) == "Sent."
    await bot.until_idle()
    assert sent_audio(bot, LEARNER, mark) == [REPLIED]
    told = [m for m in bot.messages(LEARNER) if "Une personne a répondu" in str(m.get("text"))]
    assert told and "écoutez le message suivant" in told[-1]["text"]

    # answered: our copy is gone, and Listen says so
    [question], sealed_after = await stored(bot)
    assert question[2] == "answered" and sealed_after == []
    await bot.press(ADMIN, FaqListen(1).pack())
    assert "deleted once the question was answered" in bot.text(ADMIN)


async def test_a_voice_note_refused_or_sent_where_no_question_is_expected(
    bot: Harness,
) -> None:
    await onboard(bot, LEARNER, "fr")
    await bot.press(LEARNER, "m:faq")
    await bot.press(LEARNER, "ap:type")
    await send_voice(bot, LEARNER, b"MZ\x90\x00 a program named voice.ogg")
    assert "Je n'ai pas pu utiliser cet enregistrement" in bot.text(LEARNER)
    await send_voice(bot, LEARNER, b"OggS" + b"\x00" * MAX_VOICE_BYTES)
    assert "trop long" in bot.text(LEARNER)
    assert await stored(bot) == ([], [])
    # a voice note where no question is expected: the FAQ cannot search it; nothing is
    # kept unless the learner sends it to a person
    await bot.press(LEARNER, "m:main")
    await send_voice(bot, LEARNER, SPOKEN)
    assert "Demander à une personne" in bot.text(LEARNER)
    assert ("🙋 Demander à une personne", "ap:send") in bot.buttons(LEARNER)
    assert await stored(bot) == ([], [])
    await bot.press(LEARNER, "ap:send")
    assert "(numéro 1)" in bot.text(LEARNER)
    [question], [_] = await stored(bot)
    assert question == ("ogg", "", "open")


async def test_deleteme_deletes_the_recording_of_an_open_question(bot: Harness) -> None:
    await onboard(bot, LEARNER, "fr")
    await bot.press(LEARNER, "m:faq")
    await bot.press(LEARNER, "ap:type")
    await send_voice(bot, LEARNER, SPOKEN, kind="audio")
    questions, sealed = await stored(bot)
    assert len(questions) == 1 and len(sealed) == 1
    await bot.say(LEARNER, "/deleteme")
    await bot.press(LEARNER, "del:yes")
    assert await stored(bot) == ([], [])
