"""A list longer than WhatsApp's ten rows, end to end against the Cloud API stand-in: the
first page ends with "More…" (in the person's language), which shows the next page of the
same screen, whose choices work; a "More…" of a list that is no longer the last one shown,
or a forged one, is answered as a stale button and shows no page."""

from __future__ import annotations

from bot.actions import parse_action
from bot.actions.glossary import GlossaryEntry, GlossaryPage
from bot.actions.menu import Menu
from bot.actions.pages import ListPage
from bot.errors import StaleButton
from tests.whatsapp.harness import WhatsAppHarness, whatsapp_bot
from tests.whatsapp.test_learner import _onboard

AWA = "224620000001"  # Guinea


def _rows(h: WhatsAppHarness, wa_id: str) -> dict[str, str]:
    """id -> title of the newest message's list rows."""
    assert h.last(wa_id)["interactive"]["type"] == "list"
    return {choice_id: title for title, choice_id in h.choices(wa_id)}


def _more(rows: dict[str, str]) -> ListPage:
    pages = [a for i in rows if isinstance(a := parse_action(i), ListPage)]
    assert len(pages) == 1, rows
    return pages[0]


async def test_more_shows_the_next_page_of_a_long_list(database_url: str) -> None:
    async with whatsapp_bot(database_url) as h:
        h.standin.add_user(AWA, "Awa")
        await _onboard(h, AWA, "fr")
        t = h.services.i18n.translator("fr")
        await h.say(AWA, "menu")
        await h.pick(AWA, Menu("glossary").pack())
        await h.pick(AWA, GlossaryPage(1).pack())  # eight terms, ◀, ▶ and Menu: eleven
        first = _rows(h, AWA)
        more = _more(first)
        assert first[more.pack()] == t.gettext("More…") and more.page == 1
        assert "(1/2)" in h.text(AWA)
        old_list = h.last(AWA)["id"]

        await h.pick(AWA, more.pack())
        second = _rows(h, AWA)
        assert "(2/2)" in h.text(AWA)
        back = _more(second)
        assert back.page == 0 and second[back.pack()] == "◀ " + t.gettext("Back")
        assert not set(first) & set(second) - {back.pack()}, "the rest of the same list"
        offered = {a for i in {**first, **second} if (a := parse_action(i)) is not None}
        assert Menu("main") in offered and GlossaryPage(2) in offered

        await h.pick(AWA, back.pack())
        assert set(_rows(h, AWA)) == set(first), "Back shows the first page again"

        # a choice from the second page works like any other: here the next glossary page,
        # itself a long list, so the first one's More… is stale from now on
        await h.pick(AWA, h.choices(AWA)[-1][1])  # More… again
        await h.pick(AWA, GlossaryPage(2).pack())
        assert any(isinstance(parse_action(i), GlossaryEntry) for i in _rows(h, AWA))
        shown = len(h.standin.messages(AWA))
        h.standin.choose_row(AWA, old_list, more.pack())
        await h.settle()
        stale = t.gettext(StaleButton.msgid)
        assert stale in h.text(AWA)
        assert len(h.standin.messages(AWA)) == shown + 1, "the stale answer, no page"

        # forged: a list never shown, a page the list does not have
        for forged in (ListPage(1, "0123456789"), ListPage(7, _more(_rows_of(h, AWA, -2)).screen)):
            h.standin.send_forged_reply(AWA, forged.pack())
            await h.settle()
            assert stale in h.text(AWA), forged
        assert h.standin.violations == []


def _rows_of(h: WhatsAppHarness, wa_id: str, index: int) -> dict[str, str]:
    """id -> title of the rows of an earlier message (index from the end)."""
    message = h.standin.messages(wa_id)[index]
    sections = message["interactive"]["action"]["sections"]
    return {row["id"]: row["title"] for section in sections for row in section["rows"]}
