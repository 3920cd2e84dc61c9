"""What a recording is, read from its bytes: the container, the length, a digest.

A trainer's voice note or audio file, and a file shipped under content/audio, are trusted
by neither name nor MIME type: the container is read from its first bytes (filetypes), an
Ogg file must carry Opus (what Telegram and WhatsApp play as a voice note), and the length
comes from the container's own header, cheaply, without decoding: Ogg's last granule
position at Opus's fixed 48 kHz, an M4A file's movie header, an MP3's Xing/Info frame count
or, for a file without one, its size at the first frame's bit rate (an estimate for
variable-rate files). No decoder is installed, so nothing is converted: an MP3 or M4A goes
out as an audio file, an Ogg/Opus one as a voice note.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass
from typing import Literal

from bot.documents.filetypes import sniff

AudioFormat = Literal["ogg", "mp3", "m4a"]
OPUS_RATE = 48_000
# An Ogg page's last bytes hold the final granule position; a page is at most ~64 KB.
_OGG_TAIL = 70_000
_MIME: dict[AudioFormat, str] = {"ogg": "audio/ogg", "mp3": "audio/mpeg", "m4a": "audio/mp4"}


class AudioRejected(ValueError):
    """The bytes are not a recording the bot can keep and play (why, for the log)."""


@dataclass(frozen=True, slots=True)
class AudioFacts:
    format: AudioFormat
    size: int
    duration: float | None  # seconds; None where the container does not say
    sha256: str

    @property
    def voice(self) -> bool:
        """Whether it can go as a voice note (Ogg/Opus); otherwise as an audio file."""
        return self.format == "ogg"

    @property
    def mime(self) -> str:
        return _MIME[self.format]


def read_audio(data: bytes) -> AudioFacts:
    """The recording's format, length and digest; AudioRejected when it is not audio."""
    kind = sniff(data)
    found: AudioFormat
    duration: float | None
    if kind == "ogg":
        found, duration = "ogg", _ogg_duration(data)
    elif kind == "mp3":
        found, duration = "mp3", _mp3_duration(data)
    elif kind == "m4a":
        found, duration = "m4a", _m4a_duration(data)
    else:
        raise AudioRejected(f"not audio ({kind})")
    return AudioFacts(found, len(data), duration, hashlib.sha256(data).hexdigest())


def _ogg_duration(data: bytes) -> float:
    """Ogg/Opus only: the first page must hold the OpusHead header."""
    if len(data) < 28:
        raise AudioRejected("Ogg page too short")
    segments = data[26]
    body = 27 + segments
    if data[body : body + 8] != b"OpusHead" or len(data) < body + 19:
        raise AudioRejected("Ogg without Opus")
    pre_skip = struct.unpack_from("<H", data, body + 10)[0]
    tail_start = max(0, len(data) - _OGG_TAIL)
    last = data.rfind(b"OggS", tail_start)
    if last < 0 or len(data) < last + 14:
        raise AudioRejected("no last Ogg page")
    granule = struct.unpack_from("<q", data, last + 6)[0]
    if granule < 0:
        raise AudioRejected("Ogg without a final position")
    return max(0, granule - pre_skip) / OPUS_RATE


# MPEG audio: kbit/s by [version is MPEG-1][bitrate index] for Layer III, and sample rates.
_MP3_BITRATES = {
    True: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    False: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_MP3_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


def _mp3_duration(data: bytes) -> float:
    start = 0
    if data.startswith(b"ID3") and len(data) >= 10:
        size = data[6:10]
        start = 10 + ((size[0] << 21) | (size[1] << 14) | (size[2] << 7) | size[3])
    if len(data) < start + 4 or data[start] != 0xFF or data[start + 1] & 0xE0 != 0xE0:
        raise AudioRejected("no MPEG frame after the tag")
    header = struct.unpack_from(">I", data, start)[0]
    version = (header >> 19) & 3  # 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5
    layer = (header >> 17) & 3  # 1: Layer III
    bitrate_index = (header >> 12) & 15
    rate_index = (header >> 10) & 3
    if version == 1 or layer != 1 or bitrate_index in (0, 15) or rate_index == 3:
        raise AudioRejected("not an MP3 frame")
    mpeg1 = version == 3
    rate = _MP3_RATES[version][rate_index]
    samples = 1152 if mpeg1 else 576
    mono = (header >> 6) & 3 == 3
    side = (17 if mono else 32) if mpeg1 else (9 if mono else 17)
    xing = start + 4 + side
    if data[xing : xing + 4] in (b"Xing", b"Info") and len(data) >= xing + 12:
        flags = struct.unpack_from(">I", data, xing + 4)[0]
        if flags & 1:
            frames = struct.unpack_from(">I", data, xing + 8)[0]
            return frames * samples / rate
    bitrate = _MP3_BITRATES[mpeg1][bitrate_index] * 1000
    return (len(data) - start) * 8 / bitrate


def _m4a_duration(data: bytes) -> float | None:
    moov = _box(data, 0, len(data), b"moov")
    if moov is None:
        return None  # a file whose index comes last may still be cut: length not known
    mvhd = _box(data, moov[0], moov[1], b"mvhd")
    if mvhd is None:
        return None
    at = mvhd[0]
    version = data[at] if at < len(data) else 0
    try:
        if version == 1:
            scale, length = struct.unpack_from(">IQ", data, at + 20)
        else:
            scale, length = struct.unpack_from(">II", data, at + 12)
    except struct.error:
        return None
    return length / scale if scale else None


def _box(data: bytes, start: int, end: int, name: bytes) -> tuple[int, int] | None:
    """The content (start, end) of the first box called `name` between start and end."""
    at = start
    while at + 8 <= end:
        size, kind = struct.unpack_from(">I4s", data, at)
        header = 8
        if size == 1 and at + 16 <= end:
            size = struct.unpack_from(">Q", data, at + 8)[0]
            header = 16
        elif size == 0:
            size = end - at
        if size < header:
            return None
        if kind == name:
            return at + header, min(end, at + size)
        at += size
    return None
