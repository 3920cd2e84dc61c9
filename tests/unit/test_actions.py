"""Typed button actions: packing, parsing, and refusing what was not packed by us."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.actions import MAX_BYTES, Action, ActionError, parse_action
from bot.actions.consultations import KIdentity, KMine
from bot.actions.lessons import ShowCard
from bot.actions.menu import DeleteData, Menu
from bot.actions.onboarding import Consent, PickLanguage
from bot.actions.reminders import (
    ReminderDays,
    ReminderHour,
    Reminders,
    ReminderZone,
    ToggleWeekday,
)


def test_pack_and_unpack_round_trip() -> None:
    data = ShowCard("vc-stages-1").pack()
    assert data == "c:vc-stages-1"
    assert ShowCard.unpack(data) == ShowCard("vc-stages-1")
    assert parse_action(data) == ShowCard("vc-stages-1")


def test_fields_are_named_and_typed() -> None:
    identity = KIdentity(3, 1, "a", "n")
    assert identity.pack() == "ki:3:1:a:n"
    parsed = KIdentity.unpack("ki:3:1:a:n")
    assert parsed is not None and parsed.consultation == 3 and not parsed.anonymous


@pytest.mark.parametrize(
    "data",
    ["", "c:", "c:Vc", "c:a b", "c:<b>", "c:" + "a" * 70, None, 42, "lang:fr", "c:x:y"],
)
def test_malformed_data_does_not_parse(data: object) -> None:
    assert ShowCard.unpack(data) is None


@pytest.mark.parametrize(
    "data", ["ki:3:1:a", "ki:3:1:a:n:x", "ki:x:1:a:n", "ki:3:1:q:n", "ki:-3:1:a:n", "ki:3-1-a-n"]
)
def test_wrong_field_counts_and_values_do_not_parse(data: str) -> None:
    assert KIdentity.unpack(data) is None


def test_actions_without_fields_take_no_value() -> None:
    assert Consent().pack() == "ok" and Consent.unpack("ok") == Consent()
    assert Consent.unpack("ok:yes") is None and Consent.unpack("ok:yes:extra") is None
    assert KMine.unpack("km") == KMine()


def test_packing_refuses_values_that_would_break_the_format() -> None:
    with pytest.raises(ActionError):
        ShowCard("a:b").pack()
    with pytest.raises(ActionError):
        ShowCard("x" * 70).pack()
    with pytest.raises(ActionError):
        ReminderHour(3).pack()


def test_every_packed_value_fits_telegram_limit() -> None:
    assert len(ShowCard("a" * 58).pack().encode()) <= MAX_BYTES
    assert parse_action("c:" + "a" * 63) is None


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
    assert ReminderHour.unpack("rh:20") == ReminderHour(20)
    assert ReminderHour.unpack("rh:3") is None, "quiet hours cannot be chosen"
    assert ToggleWeekday.unpack("rw:6") == ToggleWeekday(6)
    assert ToggleWeekday.unpack("rw:7") is None
    assert ReminderDays.unpack("rd:weekdays") == ReminderDays("weekdays")
    assert ReminderDays.unpack("rd:1") is None
    assert not Reminders.matches("rd:1"), "prefixes do not shadow each other"


def test_two_actions_cannot_share_a_prefix() -> None:
    with pytest.raises(TypeError):

        @dataclass(frozen=True, slots=True)
        class Impostor(Action):
            PREFIX = "c"
            card_id: str


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
