"""Screens and how they fit WhatsApp's limits, checked without any channel."""

from __future__ import annotations

from bot.actions.glossary import GlossaryEntry
from bot.actions.lessons import ShowCard
from bot.actions.menu import Menu
from bot.channels.telegram.render import markup
from bot.i18n import I18n
from bot.keyboards.menu import menu_keyboard
from bot.screens import WHATSAPP, Choice, LinkChoice, Screen, fit_whatsapp, keyboard, shorten


def _choices(n: int) -> list[list[Choice | LinkChoice]]:
    return [[Choice(f"Term {i}", GlossaryEntry(f"t-{i}"))] for i in range(n)]


def test_up_to_three_short_choices_become_reply_buttons() -> None:
    screen = Screen(
        "Card", keyboard([[Choice("◀ Back", ShowCard("a")), Choice("Next ▶", ShowCard("b"))]])
    )
    fit = fit_whatsapp(screen)
    assert fit.kind == "buttons" and fit.fits
    assert [b.data for b in fit.buttons] == ["c:a", "c:b"]


def test_four_choices_become_a_list() -> None:
    fit = fit_whatsapp(Screen("Pick one", keyboard(_choices(4))))
    assert fit.kind == "list" and len(fit.pages) == 1 and len(fit.pages[0]) == 4


def test_more_than_ten_choices_are_paged_leaving_room_for_more() -> None:
    fit = fit_whatsapp(Screen("Glossary", keyboard(_choices(23))))
    assert fit.kind == "list" and fit.fits
    assert [len(page) for page in fit.pages] == [9, 8, 6]
    assert len(fit.pages[0]) + 1 <= WHATSAPP.list_rows, "a row is left for More"
    assert len(fit.pages[1]) + 2 <= WHATSAPP.list_rows, "rows are left for Back and More"
    assert len(fit.pages[-1]) + 1 <= WHATSAPP.list_rows, "a row is left for Back"
    seen = [row.data for page in fit.pages for row in page]
    assert seen == [f"gt:t-{i}" for i in range(23)], "every choice, in order, once"


def test_exactly_ten_choices_fit_one_list() -> None:
    fit = fit_whatsapp(Screen("Ten", keyboard(_choices(10))))
    assert [len(page) for page in fit.pages] == [10]


def test_a_long_label_is_shortened_at_a_word_and_kept_whole_in_the_description() -> None:
    label = "💬 Questions about complaints and how to send them"
    fit = fit_whatsapp(Screen("Menu", keyboard([[Choice(label, Menu("faq"))]])))
    assert fit.kind == "list", "a label over a button title cannot be a reply button"
    row = fit.pages[0][0]
    assert len(row.title) <= WHATSAPP.row_title and row.title.endswith("…")
    assert not row.title.removesuffix("…").endswith(("abo", "compl")), "never cut mid-word"
    assert row.description == label


def test_shorten_never_cuts_mid_word_when_a_space_allows() -> None:
    assert shorten("Preparing a complaint", 24) == "Preparing a complaint"
    assert shorten("Questions about complaints", 20) == "Questions about…"
    assert len(shorten("x" * 40, 20)) == 20


def test_a_body_over_the_interactive_limit_does_not_fit() -> None:
    fit = fit_whatsapp(Screen("x" * 1100, keyboard(_choices(2))))
    assert not fit.fits and "body over 1024" in fit.problems[0]
    assert fit_whatsapp(Screen("x" * 1100)).fits, "plain text may be up to 4,096"


def test_links_are_kept_apart_from_choices() -> None:
    rows: list[list[Choice | LinkChoice]] = [
        [LinkChoice("📄 The draft", "https://example.org/draft")],
        [Choice("◀ Back", Menu("consult"))],
    ]
    fit = fit_whatsapp(Screen("Draft", keyboard(rows)))
    assert fit.kind == "buttons" and [b.data for b in fit.buttons] == ["m:consult"]
    assert fit.links[0].url == "https://example.org/draft"


def test_the_main_menu_degrades_to_one_list_in_every_language() -> None:
    i18n = I18n(default="en")
    for language in ("en", "fr", "hi", "pt"):
        t = i18n.translator(language)
        fit = fit_whatsapp(Screen("Menu", menu_keyboard(t, trainer=True)))
        assert fit.fits, (language, fit.problems)
        assert fit.kind == "list" and len(fit.pages) == 1, language


def test_telegram_renders_rows_as_they_are() -> None:
    rows: list[list[Choice | LinkChoice]] = [
        [Choice("◀ Back", ShowCard("a")), Choice("Next ▶", ShowCard("b"))],
        [LinkChoice("Web", "https://example.org")],
    ]
    rendered = markup(keyboard(rows))
    assert rendered is not None
    data = rendered.to_dict()["inline_keyboard"]
    assert data[0][1] == {"text": "Next ▶", "callback_data": "c:b"}
    assert data[1][0] == {"text": "Web", "url": "https://example.org"}
    assert markup(keyboard([])) is None
