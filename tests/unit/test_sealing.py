"""Sealed held rows: unreadable without the key, all of one size, bound to their row."""

from __future__ import annotations

import pytest

from bot.sealing import (
    PADDED_SIZE,
    SMALL_SIZE,
    Sealer,
    SealTooLarge,
    file_bucket,
    new_row_id,
)

KEY = Sealer.from_token("123456:sealing-tests-token-aaaaaaaaaaaaaaaa")


def test_a_sealed_payload_opens_only_with_its_key_and_row() -> None:
    row = new_row_id()
    payload = {"text": "मुझे डर है", "user_id": 7301000021}
    sealed = KEY.seal(row, payload)
    assert KEY.open(row, sealed) == payload
    assert "डर".encode() not in sealed and b"7301000021" not in sealed
    assert Sealer.from_token("123456:another-token-bbbbbbbbbbbbbbbbbbbb").open(row, sealed) is None
    assert KEY.open(new_row_id(), sealed) is None, "moved to another row, it does not open"
    assert KEY.open(row, sealed[:-1] + bytes([sealed[-1] ^ 1])) is None, "tampered"


def test_every_payload_has_the_same_size_whatever_its_length() -> None:
    short = KEY.seal(new_row_id(), {"text": "ok"})
    longest = KEY.seal(new_row_id(), {"text": "\u0001" * 4000, "file_name": '"' * 256})
    assert len(short) == len(longest) == 12 + PADDED_SIZE + 16
    with pytest.raises(SealTooLarge):
        KEY.seal(new_row_id(), {"text": "x" * PADDED_SIZE})
    small = {len(KEY.seal(new_row_id(), {"user_id": n}, SMALL_SIZE)) for n in (1, 10**12)}
    assert small == {12 + SMALL_SIZE + 16}


def test_tags_are_keyed_and_ids_random() -> None:
    assert KEY.tag("answer", 1, 4821) == KEY.tag("answer", 1, 4821)
    assert KEY.tag("answer", 1, 4821) != KEY.tag("answer", 1, 4822)
    other = Sealer.from_token("123456:another-token-bbbbbbbbbbbbbbbbbbbb")
    assert other.tag("answer", 1, 4821) != KEY.tag("answer", 1, 4821)
    ids = {new_row_id() for _ in range(100)}
    assert len(ids) == 100 and all(len(i) == 32 for i in ids)


def test_files_are_sealed_to_a_power_of_two_and_bound_to_their_row() -> None:
    assert [file_bucket(n) for n in (0, 65_532, 65_533, 1_000_000)] == [
        65_536,
        65_536,
        131_072,
        1_048_576,
    ]
    voice = b"OggS" + bytes(range(256)) * 300
    sealed = KEY.seal_file("answer-file:1:4821", voice)
    assert voice[:64] not in sealed and len(sealed) > file_bucket(len(voice))
    assert KEY.open_file("answer-file:1:4821", sealed) == voice
    assert KEY.open_file("answer-file:1:4822", sealed) is None, "moved to another row"
    assert Sealer(b"another key").open_file("answer-file:1:4821", sealed) is None
