"""Recording a card with an MP3 file on Telegram: nothing converts audio, so it is kept as
it came and goes out as an audio file (sendAudio), reused by its file id; a recording over
the length limit is refused and the bot keeps waiting."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.channels.telegram.standin import BotApiStandIn
from tests.audio_bytes import opus_ogg
from tests.e2e.conftest import ADMIN, USERS, onboard
from tests.e2e.harness import Harness, make_settings
from tests.unit.test_audio import _mp3_frame_stream

CARD = "vc-stages-2"
LEARNER = USERS["fr"]


def _suffixes(folder: Path) -> list[str]:
    return [p.suffix for p in folder.iterdir()]


async def _audio_reply(bot: Harness, chat: int, act: Any, method: str) -> list[Any]:
    mark = len(bot.standin.requests)
    await act
    await bot.standin.wait_for_request(method, since=mark, timeout=10)
    await bot.until_idle()
    return [
        r
        for r in bot.requests_since(mark)
        if r.method == method and r.status == 200 and int(r.params["chat_id"]) == chat
    ]


async def test_an_mp3_recording_is_sent_as_audio(
    standin: BotApiStandIn, database_url: str, tmp_path: Path
) -> None:
    settings = make_settings(
        standin.url,
        database_url,
        admin_ids=str(ADMIN),
        question_interval=0,
        audio_dir=str(tmp_path / "audio"),
        audio_max_seconds=120,
    )
    async with Harness(standin, settings) as bot:
        await onboard(bot, ADMIN, "en")
        await onboard(bot, LEARNER, "fr")
        await bot.press(ADMIN, f"c:{CARD}")
        await bot.press(ADMIN, f"vr:{CARD}")
        await bot.press(ADMIN, f"vl:{CARD}:en")

        mark = len(standin.requests)
        await standin.send_media(ADMIN, "voice", opus_ogg(121))
        await bot._settle(ADMIN, mark, True)
        assert "too long: the limit is 2 minutes" in bot.text(ADMIN)
        assert ("✖ Cancel", f"vx:{CARD}:0") in bot.buttons(ADMIN), "still waiting"

        mp3 = _mp3_frame_stream(20)
        (played,) = await _audio_reply(
            bot, ADMIN, standin.send_media(ADMIN, "audio", mp3, file_name="card.ogg"), "sendAudio"
        )
        assert played.params["audio"].data == mp3
        assert "(0:20)" in played.params["caption"]
        recording = played.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        await bot.press(ADMIN, recording)  # Submit
        number = recording.split(":")[1]
        await bot.say(ADMIN, "/recordings")
        await _audio_reply(
            bot, ADMIN, bot.press(ADMIN, f"vo:{number}", expect_reply=False), "sendAudio"
        )
        await bot.press(ADMIN, f"vy:{number}")
        assert _suffixes(tmp_path / "audio") == [".mp3"], "named by what it is"

        # the learner reads French: the English recording is not theirs to hear
        await bot.press(LEARNER, f"c:{CARD}")
        assert not any(data.startswith("vh:") for _, data in bot.buttons(LEARNER))
        await bot.press(LEARNER, "m:settings")
        await bot.press(LEARNER, "vg")
        assert ("English", "vt:en") in bot.buttons(LEARNER)
        await bot.press(LEARNER, "vt:en")
        await bot.press(LEARNER, f"c:{CARD}")
        assert ("🔊 Écouter", f"vh:{CARD}") in bot.buttons(LEARNER)
        (heard,) = await _audio_reply(
            bot, LEARNER, bot.press(LEARNER, f"vh:{CARD}", expect_reply=False), "sendAudio"
        )
        assert isinstance(heard.params["audio"], str), "by the file id of the first upload"
