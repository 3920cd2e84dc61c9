"""content/audio/<lang>/<card-id>.ogg: checked from the bytes with the rest of the content."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.content.audio import find_shipped_audio
from bot.content.loader import collect
from tests.audio_bytes import opus_ogg
from tests.conftest import course_of

CONTENT = Path(__file__).resolve().parents[2] / "content"


def test_only_short_voice_notes_for_real_cards_and_languages_pass(tmp_path: Path) -> None:
    course = course_of(CONTENT)
    (tmp_path / "audio" / "en").mkdir(parents=True)
    (tmp_path / "audio" / "sus-spoken").mkdir()
    (tmp_path / "audio" / "xx").mkdir()
    (tmp_path / "audio" / "en" / "vc-stages-1.ogg").write_bytes(opus_ogg(40))
    (tmp_path / "audio" / "sus-spoken" / "vc-stages-1.ogg").write_bytes(opus_ogg(90))
    (tmp_path / "audio" / "en" / "vc-stages-2.ogg").write_bytes(opus_ogg(181))  # too long
    (tmp_path / "audio" / "en" / "vc-stages-3.ogg").write_bytes(b"ID3" + bytes(400))  # MP3?
    (tmp_path / "audio" / "en" / "no-such-card.ogg").write_bytes(opus_ogg(5))
    (tmp_path / "audio" / "en" / "vc-stages-4.mp3").write_bytes(opus_ogg(5))
    problems: list[tuple[str, str]] = []
    found = find_shipped_audio(
        tmp_path, course, lambda path, where, message: problems.append((path.name, message))
    )
    assert {(a.language, a.card_id) for a in found} == {
        ("en", "vc-stages-1"),
        ("sus-spoken", "vc-stages-1"),
    }
    by_file = dict(problems)
    assert "at most 180 s" in by_file["vc-stages-2.ogg"]
    assert "not Ogg/Opus" in by_file["vc-stages-3.ogg"]
    assert "no card has the id" in by_file["no-such-card.ogg"]
    assert ".ogg file" in by_file["vc-stages-4.mp3"]
    assert "course language" in by_file["xx"]


def test_the_content_check_reports_a_bad_file(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    (content / "audio" / "fr").mkdir(parents=True)
    (content / "audio" / "fr" / "vc-stages-1.ogg").write_bytes(b"MZ" + bytes(100))
    course, problems = collect(content)
    assert course is not None
    assert [p.field for p in problems] == ["file"], problems
    assert "vc-stages-1.ogg" in problems[0].file
