"""Recordings are read from their bytes: container, length, digest; never from a name."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from bot.audio_store import DirectoryStore, audio_key
from bot.documents.audio import AudioRejected, read_audio
from tests.audio_bytes import opus_ogg


def _mp3_frame_stream(seconds: int) -> bytes:
    """An ID3 tag, then MPEG-1 Layer III frames at 128 kbit/s, 44.1 kHz (no Xing frame)."""
    tag = b"ID3\x04\x00\x00" + bytes([0, 0, 0, 10]) + bytes(10)
    header = bytes([0xFF, 0xFB, 0x90, 0x64])  # 128 kbit/s, 44100 Hz, stereo
    frame = header + bytes(413)  # 144 * 128000 / 44100 = 417 bytes a frame
    return tag + frame * round(seconds * 128000 / 8 / len(frame))


def _m4a(seconds: int) -> bytes:
    ftyp = struct.pack(">I4s4sI4s", 20, b"ftyp", b"M4A ", 0, b"isom")
    mvhd_body = struct.pack(">B3xIIII", 0, 0, 0, 1000, seconds * 1000) + bytes(80)
    mvhd = struct.pack(">I4s", 8 + len(mvhd_body), b"mvhd") + mvhd_body
    moov = struct.pack(">I4s", 8 + len(mvhd), b"moov") + mvhd
    return ftyp + moov + struct.pack(">I4s", 16, b"mdat") + bytes(8)


def test_ogg_opus_length_comes_from_the_last_granule_position() -> None:
    facts = read_audio(opus_ogg(61.5))
    assert facts.format == "ogg" and facts.voice and facts.duration == pytest.approx(61.5)
    assert len(facts.sha256) == 64 and facts.size == len(opus_ogg(61.5))


def test_mp3_and_m4a_are_audio_files_with_their_length() -> None:
    mp3 = read_audio(_mp3_frame_stream(10))
    assert mp3.format == "mp3" and not mp3.voice and mp3.duration == pytest.approx(10, abs=0.1)
    m4a = read_audio(_m4a(95))
    assert m4a.format == "m4a" and m4a.duration == pytest.approx(95) and m4a.mime == "audio/mp4"


@pytest.mark.parametrize(
    "data",
    [
        b"MZ\x90\x00" + bytes(500),  # a program
        b"%PDF-1.4\n" + bytes(100),
        b"OggS\x00\x02" + bytes(250) * 4,  # Ogg, but no Opus inside
        b"ID3\x04\x00\x00\x00\x00\x00\x0a" + bytes(40),  # a tag and nothing after it
        b"",
    ],
)
def test_anything_else_is_refused(data: bytes) -> None:
    with pytest.raises(AudioRejected):
        read_audio(data)


async def test_the_directory_store_keeps_files_by_digest(tmp_path: Path) -> None:
    store = DirectoryStore(tmp_path / "audio")
    data = opus_ogg(3)
    key = audio_key(read_audio(data).sha256, "ogg")
    assert await store.get(key) is None
    await store.put(key, data)
    await store.put(key, data)  # the same bytes again: nothing changes
    assert await store.get(key) == data
    assert [p.name for p in (tmp_path / "audio").iterdir()] == [key], "no partial files left"
    await store.delete(key)
    assert await store.get(key) is None
    with pytest.raises(ValueError):
        await store.get("../../etc/passwd")
