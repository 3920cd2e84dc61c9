from __future__ import annotations

import pytest

from bot.callbacks import (
    MAX_BYTES,
    CallbackDataError,
    DeleteData,
    Menu,
    PickLanguage,
    ReminderDays,
    ReminderHour,
    Reminders,
    ReminderZone,
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


def test_reminder_buttons_parse_only_their_closed_sets() -> None:
    assert Reminders.unpack("r:evening") == Reminders("evening")
    assert Reminders.unpack("r:everyone") is None
    assert ReminderHour.unpack("rh:20") == ReminderHour("20")
    assert ReminderHour.unpack("rh:3") is None, "quiet hours cannot be chosen"
    assert ReminderDays.unpack("rd:6") == ReminderDays("6")
    assert ReminderDays.unpack("rd:7") is None
    assert not Reminders.matches("rd:1"), "prefixes do not shadow each other"


@pytest.mark.parametrize(
    "zone", ["America/Sao_Paulo", "America/Argentina/ComodRivadavia", "Etc/GMT+5", "UTC"]
)
def test_time_zone_names_round_trip(zone: str) -> None:
    data = ReminderZone(zone).pack()
    assert len(data.encode()) <= MAX_BYTES
    assert ReminderZone.unpack(data) == ReminderZone(zone)


@pytest.mark.parametrize(
    "data", ["rz:../etc/passwd", "rz:a/b", "rz:Asia/Kol kata", "rz:", "rz:A:B"]
)
def test_malformed_time_zone_names_do_not_parse(data: str) -> None:
    assert ReminderZone.unpack(data) is None
