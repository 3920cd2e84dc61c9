"""Time zone suggestions and search by typed city or zone name."""

from __future__ import annotations

import pytest

from bot.services.zones import (
    COUNTRIES,
    MAX_FOUND,
    SUGGESTED,
    ZoneIndex,
    load_zone,
    suggested_zone,
)


@pytest.fixture(scope="module")
def index() -> ZoneIndex:
    return ZoneIndex()


@pytest.mark.parametrize(
    ("typed", "language", "expected"),
    [
        ("kolkata", "en", "Asia/Kolkata"),
        ("Sao Paulo", "en", "America/Sao_Paulo"),
        ("São Paulo", "pt", "America/Sao_Paulo"),
        ("  CONAKRY ", "fr", "Africa/Conakry"),
        ("America/Belem", "en", "America/Belem"),
        ("Boké", "fr", "Africa/Conakry"),
        ("Bhubaneswar", "hi", "Asia/Kolkata"),
        ("भुवनेश्वर", "hi", "Asia/Kolkata"),
        ("Barcarena", "pt", "America/Belem"),
        ("Weipa", "en", "Australia/Brisbane"),
        ("Conacri", "pt", "Africa/Conakry"),  # the Portuguese name, from CLDR
        ("कोनाक्री", "hi", "Africa/Conakry"),
        ("paris", "fr", "Europe/Paris"),
    ],
)
def test_typed_places_find_their_zone(
    index: ZoneIndex, typed: str, language: str, expected: str
) -> None:
    assert index.find(typed, language)[0] == expected


def test_a_country_with_several_zones_lists_them(index: ZoneIndex) -> None:
    assert index.find("Brasil", "pt") == dict(COUNTRIES)["BR"]
    assert index.find("Australia") == dict(COUNTRIES)["AU"]


@pytest.mark.parametrize("typed", ["", "   ", "xyzzy", "<b>Paris</b>!!" * 9, "a" * 200, "ab"])
def test_nonsense_finds_nothing(index: ZoneIndex, typed: str) -> None:
    assert index.find(typed) == ()


def test_partial_names_give_a_short_list(index: ZoneIndex) -> None:
    found = index.find("america")
    assert 0 < len(found) <= MAX_FOUND
    assert all(name.startswith("America/") for name in found)


def test_every_zone_we_offer_exists(index: ZoneIndex) -> None:
    offered = {*SUGGESTED.values(), *(z for _, zones in COUNTRIES for z in zones)}
    assert all(index.exists(zone) and load_zone(zone) is not None for zone in offered)
    assert not index.exists("localtime") and not index.exists("Mars/Olympus")
    assert load_zone("../../etc/passwd") is None and load_zone(None) is None


@pytest.mark.parametrize(
    ("language", "zone"),
    [
        ("fr", "Africa/Conakry"),
        ("hi", "Asia/Kolkata"),
        ("pt", "America/Sao_Paulo"),
        ("en", "Australia/Brisbane"),
        ("de", "Australia/Brisbane"),
    ],
)
def test_zone_is_suggested_from_the_language(language: str, zone: str) -> None:
    assert suggested_zone(language) == zone
