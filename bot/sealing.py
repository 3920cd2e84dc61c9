"""Sealing: what waits in the database is unreadable without a key the database never holds.

Anonymous answers and "tell me what changed" requests wait in `consultation_held` until a
batch is written (bot.services.holding). A held row is inserted while its author is using
the bot, so on PostgreSQL its `xmin` and `ctid` (and on any database, when it appeared)
place it beside that person's other writes. It must therefore say nothing: its content is
encrypted (AES-GCM) with a key derived from SEALING_KEY or the bot's token, which lives in
the process's environment, never in the database; every answer is padded to one fixed size
first (follow requests to a smaller one), so the stored length does not give away how long
the answer is; and the only other columns are a
random id and a keyed tag (HMAC) that lets the bot find duplicates without reading rows.

Someone with the database alone sees that a sealed row was written at some moment and
nothing else. Someone who also has the token can open rows while they wait (as the bot
itself must); once a batch is written, its rows are deleted.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

# Every answer is padded to this many bytes before encryption. The largest one, a caption
# or text of 4,000 characters written entirely in characters JSON escapes (6 bytes each),
# plus a 256-character file name and the other fields, stays below 27 KB.
PADDED_SIZE = 32 * 1024
# Follow requests (two numbers) are padded to this size instead: they wait until the close,
# there can be thousands, and every dispatcher run opens them. Their size tells that a row is
# a request rather than an answer, which the followers table says after the close anyway.
SMALL_SIZE = 256
# Files kept for a channel whose own copies lapse (WhatsApp's media) are padded to a power
# of two of at least this many bytes (file_bucket).
SMALLEST_FILE = 64 * 1024
_LENGTH_BYTES = 4
_NONCE_BYTES = 12
_LABEL = b"asi-bot consultation_held v1 "


class SealTooLarge(ValueError):
    """A payload that would not fit the fixed size (the answer checks make this impossible)."""


class Sealer:
    """Seal and open held payloads, and compute the keyed tags that index them."""

    def __init__(self, secret: bytes) -> None:
        self._cipher = AESGCM(hmac.new(secret, _LABEL + b"seal", hashlib.sha256).digest())
        self._tag_key = hmac.new(secret, _LABEL + b"tag", hashlib.sha256).digest()

    @classmethod
    def from_token(cls, token: str) -> Sealer:
        """The bot's token is the one secret every process of a deployment shares and the
        database does not hold; both keys are derived from it (HMAC-SHA256, one label each).
        """
        return cls(token.encode("utf-8"))

    def seal(self, row_id: str, payload: dict[str, Any], size: int = PADDED_SIZE) -> bytes:
        """Nonce + AES-GCM of the JSON padded to `size`; `row_id` is bound in, so a sealed
        value cannot be moved to another row."""
        data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return self._seal_bytes(row_id, data, size)

    def open(self, row_id: str, sealed: bytes) -> dict[str, Any] | None:
        """The payload, or None when it was not sealed with this key for this row."""
        data = self._open_bytes(row_id, sealed)
        value = json.loads(data.decode("utf-8")) if data is not None else None
        return value if isinstance(value, dict) else None

    def seal_file(self, row_id: str, data: bytes) -> bytes:
        """A file's bytes sealed like a payload, padded to the next of a few sizes
        (file_bucket), so its stored length says little about the file."""
        return self._seal_bytes(row_id, data, file_bucket(len(data)))

    def open_file(self, row_id: str, sealed: bytes) -> bytes | None:
        return self._open_bytes(row_id, sealed)

    def _seal_bytes(self, row_id: str, data: bytes, size: int) -> bytes:
        room = size - _LENGTH_BYTES
        if len(data) > room:
            raise SealTooLarge(f"{len(data)} bytes")
        padded = len(data).to_bytes(_LENGTH_BYTES, "big") + data + bytes(room - len(data))
        nonce = secrets.token_bytes(_NONCE_BYTES)
        return nonce + self._cipher.encrypt(nonce, padded, row_id.encode("ascii"))

    def _open_bytes(self, row_id: str, sealed: bytes) -> bytes | None:
        nonce, body = sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:]
        try:
            padded = self._cipher.decrypt(nonce, body, row_id.encode("ascii"))
        except (InvalidTag, ValueError):
            return None
        length = int.from_bytes(padded[:_LENGTH_BYTES], "big")
        return padded[_LENGTH_BYTES : _LENGTH_BYTES + length]

    def tag(self, *parts: object) -> str:
        """A keyed digest of `parts` (hex): equal parts give equal tags, and without the key
        nobody can tell which parts a tag stands for (a plain hash of a reference number
        or a user id could be reversed by trying them all)."""
        message = "\x1f".join(str(p) for p in parts).encode("utf-8")
        return hmac.new(self._tag_key, message, hashlib.sha256).hexdigest()


def file_bucket(length: int) -> int:
    """The padded size of a sealed file: the smallest power of two that holds it, at least
    SMALLEST_FILE. A voice note of 40 seconds and one of 70 look alike; the padding costs
    at most as much again as the file."""
    size = SMALLEST_FILE
    while size < length + _LENGTH_BYTES:
        size *= 2
    return size


def new_row_id() -> str:
    """A random id (128 bits, hex): no sequence, so ids say nothing about order."""
    return secrets.token_hex(16)
