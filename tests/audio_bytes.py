"""Tiny valid Ogg/Opus files for tests, built without any audio tool: the pages a player
reads first (OpusHead, OpusTags) and one audio page whose granule position sets the length.
The audio packet is silence-sized filler; the bot reads headers only, never decodes."""

from __future__ import annotations

import struct

PRE_SKIP = 312


def _page(kind: int, granule: int, sequence: int, packet: bytes) -> bytes:
    segments = [255] * (len(packet) // 255) + [len(packet) % 255]
    header = b"OggS" + struct.pack("<BBqIIIB", 0, kind, granule, 1, sequence, 0, len(segments))
    return header + bytes(segments) + packet


def opus_ogg(seconds: float, filler: int = 200) -> bytes:
    """An Ogg/Opus file `seconds` long; `filler` bytes of packet make files differ in size."""
    head = b"OpusHead" + struct.pack("<BBHIhB", 1, 1, PRE_SKIP, 48000, 0, 0)
    tags = b"OpusTags" + struct.pack("<I", 4) + b"test" + struct.pack("<I", 0)
    audio = bytes([0xF8]) + bytes((i * 7) % 251 for i in range(filler))
    granule = PRE_SKIP + round(seconds * 48000)
    return _page(2, 0, 0, head) + _page(0, 0, 1, tags) + _page(4, granule, 2, audio)
