from __future__ import annotations

import pytest

from bot.callbacks import (
    MAX_BYTES,
    CallbackDataError,
    DeleteData,
    Menu,
    PickLanguage,
    ShowCard,
)


def test_pack_and_unpack_round_trip() -> None:
    data = ShowCard("vc-stages-1").pack()
    assert data == "c:vc-stages-1"
    assert ShowCard.unpack(data) == ShowCard("vc-stages-1")


@pytest.mark.parametrize(
    "data",
    ["", "c:", "c:Vc", "c:a b", "c:<b>", "c:" + "a" * 70, None, 42, "lang:fr", "c:x:y"],
)
def test_malformed_data_does_not_parse(data: object) -> None:
    assert ShowCard.unpack(data) is None


def test_packing_refuses_values_that_would_break_the_format() -> None:
    with pytest.raises(CallbackDataError):
        ShowCard("a:b").pack()
    with pytest.raises(CallbackDataError):
        ShowCard("x" * 70).pack()


def test_every_packed_value_fits_telegram_limit() -> None:
    assert len(ShowCard("a" * 58).pack().encode()) <= MAX_BYTES


def test_closed_sets_reject_unknown_words() -> None:
    assert Menu.unpack("m:main") == Menu("main")
    assert Menu.unpack("m:admin") is None
    assert DeleteData.unpack("del:yes") == DeleteData("yes")
    assert DeleteData.unpack("del:everyone") is None
    assert Menu.only("help")("m:help") and not Menu.only("help")("m:main")
    assert PickLanguage.matches("lang:xx") and not PickLanguage.matches("langx")
