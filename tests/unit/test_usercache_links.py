"""A channel link cached by a process that did not delete the person ends with the time to
live, as cached rows do: several processes share one database."""

from __future__ import annotations

from bot.db.usercache import UserCache


def test_a_cached_link_lives_as_long_as_a_cached_row() -> None:
    now = [0.0]
    cache = UserCache(ttl=30, size=3, clock=lambda: now[0])
    cache.link("telegram", "101", 7)
    now[0] = 29
    assert cache.account("telegram", "101") == 7
    now[0] = 60
    assert cache.account("telegram", "101") is None, "deleted elsewhere: read again"


def test_links_stay_bounded_and_unlinking_drops_every_link_of_a_person() -> None:
    cache = UserCache(size=3)
    for n in range(10):
        cache.link("telegram", str(n), n)
    assert [cache.account("telegram", str(n)) for n in (6, 7, 8, 9)] == [None, 7, 8, 9]
    cache.link("whatsapp", "2250700", 9)
    cache.unlink_user(9)
    assert cache.account("telegram", "9") is None and cache.account("whatsapp", "2250700") is None
