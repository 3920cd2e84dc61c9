"""WhatsApp rendering: markup conversion, how screens degrade, long texts, quiz questions,
and every screen of every feature in every language within WhatsApp's limits."""

from __future__ import annotations

import pytest

from bot.actions import parse_action
from bot.actions.glossary import GlossaryEntry
from bot.actions.lessons import ShowCard
from bot.actions.menu import Menu
from bot.actions.pages import ListPage
from bot.actions.quizzes import QuizPick
from bot.channels.whatsapp.markup import markup_problems, plain_to_whatsapp, to_whatsapp
from bot.channels.whatsapp.render import (
    ButtonMessage,
    ListMessage,
    ListRow,
    ListSection,
    OutgoingMessage,
    ReplyButton,
    TextMessage,
    check_limits,
    render,
    render_question,
    screen_key,
    split_text,
)
from bot.i18n import I18n, Translator
from bot.screens import WHATSAPP, Choice, Keyboard, LinkChoice, Question, keyboard
from tests.conftest import REPO, course_of
from tests.whatsapp.screens import all_screens

LANGUAGES = ("en", "fr", "hi", "pt")
CONTENT = REPO / "content"


@pytest.fixture(scope="module")
def i18n() -> I18n:
    return I18n()


@pytest.fixture
def t(i18n: I18n) -> Translator:
    return i18n.translator("en")


def _terms(n: int) -> Keyboard:
    return keyboard([[Choice(f"Term {i}", GlossaryEntry(f"t-{i}"))] for i in range(n)])


# --- markup ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<b>bold</b> <i>italic</i> <s>gone</s>", "*bold* _italic_ ~gone~"),
        ("<strong>a</strong> <em>b</em> <del>c</del> <strike>d</strike>", "*a* _b_ ~c~ ~d~"),
        ("<b>bold <i>and italic</i></b>", "*bold _and italic_*"),
        ("<b><i>both</i></b>", "*_both_*"),
        ("<b>outer <strong>inner</strong> outer</b>", "*outer inner outer*"),
        ("<b> spaced </b>end", " *spaced* end"),
        ("<b>line one\nline two</b>", "*line one*\n*line two*"),
        ("<b></b><i> </i>x", " x"),
        ("<code>x = 1</code>", "```x = 1```"),
        ('<pre><code class="language-python">a\nb</code></pre>', "```a\nb```"),
        ("<pre><b>not bold</b></pre>", "```not bold```"),
        ("<u>under</u> <tg-spoiler>hidden</tg-spoiler> <span>s</span>", "under hidden s"),
        ("<marquee>unknown</marquee> tag", "unknown tag"),
        ("<blockquote>said\nthis</blockquote>", "> said\n> this"),
        ("<i>never closed", "_never closed_"),
        ("stray </b>end tag", "stray end tag"),
    ],
)
def test_markup_becomes_whatsapp_formatting(markup: str, expected: str) -> None:
    assert to_whatsapp(markup) == expected
    assert markup_problems(to_whatsapp(markup)) == []


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("A &amp; B &lt;c&gt; &quot;q&quot; &#39;s&#39;", "A & B <c> \"q\" 's'"),
        ("&#x1F331; &#127793;", "🌱 🌱"),
        ("<b>&lt;b&gt;</b>", "*<b>*"),
    ],
)
def test_entities_are_decoded(markup: str, expected: str) -> None:
    assert to_whatsapp(markup) == expected


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ('<a href="https://asi.org/p">the page</a>', "the page (https://asi.org/p)"),
        ('<a href="https://asi.org/p">https://asi.org/p</a>', "https://asi.org/p"),
        ('<a href="https://asi.org/p">asi.org/p</a>', "https://asi.org/p"),
        ('<a href="mailto:info@asi.org">write</a>', "write (info@asi.org)"),
        ('<a href="tg://user?id=1">a person</a>', "a person"),
        ('<b><a href="https://a.org">A</a></b>', "*A (https://a.org)*"),
        ('<a href="https://a.org/x_y_z">https://a.org/x_y_z</a>', "https://a.org/x_y_z"),
    ],
)
def test_links_show_their_url(markup: str, expected: str) -> None:
    assert to_whatsapp(markup) == expected


def test_marker_characters_typed_by_people_never_format() -> None:
    shown = to_whatsapp("Name: <b>*Ana*</b> and _Jo_ ~x~ `y`")
    assert shown == "Name: *∗Ana∗* and ˍJoˍ ∼x∼ ˋyˋ"
    assert markup_problems(shown) == []
    # a half pair would break the bold around it without the look-alike
    assert to_whatsapp("<b>5 * 3</b>") == "*5 ∗ 3*"
    assert markup_problems("*5 * 3*") != [], "the check sees what the look-alike avoids"


def test_marker_characters_inside_words_urls_and_emails_are_kept() -> None:
    text = "snake_case x*y see https://a.org/_x_/y*z*, write to a_b@asi.org"
    assert plain_to_whatsapp(text) == text
    assert markup_problems(plain_to_whatsapp(text)) == []


def test_odd_unicode_and_emoji_survive() -> None:
    family = "👨‍👩‍👧"  # emoji joined with zero-width joiners
    flag = "🇬🇳"
    assert to_whatsapp(f"<b>{family} {flag}</b>") == f"*{family} {flag}*"
    hindi = "<b>बॉक्साइट</b> की खदान_के"  # a vowel sign next to "_" is still inside the word
    assert to_whatsapp(hindi) == "*बॉक्साइट* की खदान_के"
    assert to_whatsapp("<i>\u00a0nbsp\u00a0</i>") == "\u00a0_nbsp_\u00a0"
    assert to_whatsapp("<b>שלום</b> e\u0301") == "*שלום* e\u0301"
    assert to_whatsapp("\U0001d400 <b>\U0001d400</b>") == "\U0001d400 *\U0001d400*"


def test_markup_problems_finds_unpaired_markers() -> None:
    assert markup_problems("*bold") and markup_problems("```open")
    assert markup_problems("*a\nb*"), "a pair across a line break is not a pair"
    assert not markup_problems("*a* _b_ ~c~ ```d```")


# --- screens ---------------------------------------------------------------------------------


def test_text_only_screen_is_one_text_message(t: Translator) -> None:
    messages = render("<b>Done</b>: nothing was sent.", None, t=t)
    assert messages == [TextMessage("*Done*: nothing was sent.")]
    assert messages[0].to_json("224600000000") == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "224600000000",
        "type": "text",
        "text": {"preview_url": False, "body": "*Done*: nothing was sent."},
    }


def test_three_short_choices_become_reply_buttons(t: Translator) -> None:
    choices = keyboard([[Choice("◀ Back", ShowCard("a")), Choice("Next ▶", ShowCard("b"))]])
    [message] = render("Card", choices, t=t)
    assert message == ButtonMessage(
        "Card", (ReplyButton("c:a", "◀ Back"), ReplyButton("c:b", "Next ▶"))
    )
    assert message.to_json("1") == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "1",
        "type": "interactive",
        "interactive": {
            "type": "button",
            "body": {"text": "Card"},
            "action": {
                "buttons": [
                    {"type": "reply", "reply": {"id": "c:a", "title": "◀ Back"}},
                    {"type": "reply", "reply": {"id": "c:b", "title": "Next ▶"}},
                ]
            },
        },
    }


def test_four_choices_or_a_long_label_become_a_list(t: Translator) -> None:
    [message] = render("Pick", _terms(4), t=t)
    assert isinstance(message, ListMessage) and len(message.rows) == 4
    assert message.button == "Choose"
    label = "💬 Questions about complaints and how to send them"
    [message] = render("Menu", keyboard([[Choice(label, Menu("faq"))]]), t=t)
    assert isinstance(message, ListMessage)
    [row] = message.rows
    assert row.title.endswith("…") and len(row.title) <= WHATSAPP.row_title
    assert label.startswith(row.title.removesuffix("…")) and label[len(row.title) - 1] == " "
    assert row.description == label
    assert message.to_json("1")["interactive"] == {
        "type": "list",
        "body": {"text": "Menu"},
        "action": {
            "button": "Choose",
            "sections": [{"rows": [{"id": "m:faq", "title": row.title, "description": label}]}],
        },
    }


def _page(t: Translator, page: int, n: int = 23) -> ListMessage:
    [message] = [m for m in render("Glossary", _terms(n), t=t, page=page)]
    assert isinstance(message, ListMessage)
    return message


def test_more_than_ten_choices_are_paged_with_more_and_back(t: Translator) -> None:
    key = screen_key(_terms(23))
    first, middle, last = (_page(t, n) for n in range(3))
    assert [r.title for r in first.rows][-1] == "More…"
    assert first.rows[-1].id == ListPage(1, key).pack()
    assert [r.id for r in middle.rows][-2:] == [ListPage(2, key).pack(), ListPage(0, key).pack()]
    assert middle.rows[-1].title == "◀ Back"
    assert last.rows[-1].id == ListPage(1, key).pack()
    assert all(r.title != "More…" for r in last.rows)
    shown = [r.id for m in (first, middle, last) for r in m.rows if not r.id.startswith("pg:")]
    assert shown == [f"gt:t-{i}" for i in range(23)], "every choice once, in order"
    assert first.body.endswith("(1/3)") and last.body.endswith("(3/3)")
    for message in (first, middle, last):
        assert check_limits([message]) == []
    assert _page(t, 99) == last and _page(t, -1) == first, "a stale page number is clamped"


def test_a_page_action_names_its_list(t: Translator) -> None:
    pressed = parse_action(_page(t, 0).rows[-1].id)
    assert pressed == ListPage(1, screen_key(_terms(23)))
    assert screen_key(_terms(23)) != screen_key(_terms(24)), "another list, another key"
    assert ListPage.unpack("pg:1:XYZ") is None and ListPage.unpack("pg:100:0123456789") is None


def test_later_pages_come_without_the_long_text(t: Translator) -> None:
    text = "\n\n".join(f"Paragraph {i} " + "word " * 150 for i in range(3))
    assert len(text) > WHATSAPP.body
    first = render(text, _terms(12), t=t, page=0)
    assert [type(m) for m in first] == [TextMessage, ListMessage]
    second = render(text, _terms(12), t=t, page=1)
    assert [type(m) for m in second] == [ListMessage]


def test_translated_paging_rows(i18n: I18n) -> None:
    t = i18n.translator("fr")
    [message] = render("Lexique", _terms(12), t=t, page=1)
    assert isinstance(message, ListMessage)
    assert message.button == "Choisir" and message.rows[-1].title == "◀ Retour"
    [first] = render("Lexique", _terms(12), t=t)
    assert isinstance(first, ListMessage) and first.rows[-1].title == "Plus…"


def test_links_become_lines_in_the_text(t: Translator) -> None:
    rows: list[list[Choice | LinkChoice]] = [
        [LinkChoice("📄 The *draft*", "https://asi.org/draft_1")],
        [Choice("◀ Back", Menu("consult"))],
    ]
    [message] = render("<b>Draft</b>", keyboard(rows), t=t)
    assert message == ButtonMessage(
        "*Draft*\n\n📄 The ∗draft∗: https://asi.org/draft_1",
        (ReplyButton("m:consult", "◀ Back"),),
    )
    [only] = render("See", keyboard([[LinkChoice("Web", "https://asi.org")]]), t=t)
    assert only == TextMessage("See\n\nWeb: https://asi.org")


def test_a_long_text_goes_first_and_its_last_paragraph_carries_the_choices(
    t: Translator,
) -> None:
    text = "<b>Intro</b>\n\n" + "word " * 300 + "\n\nWhat next?"
    messages = render(text, _terms(2), t=t)
    assert [type(m) for m in messages] == [TextMessage, ButtonMessage]
    assert messages[-1].body == "What next?"
    assert messages[0].body.startswith("*Intro*")
    assert check_limits(messages) == []


def test_a_long_single_paragraph_sends_choose_with_the_choices(t: Translator) -> None:
    messages = render("word " * 400, _terms(2), t=t)
    assert [type(m) for m in messages] == [TextMessage, ButtonMessage]
    assert messages[-1].body == "Choose"


def test_the_same_action_twice_becomes_one_button(t: Translator) -> None:
    twice = keyboard([[Choice("☰ Menu", Menu("main"))], [Choice("Menu", Menu("main"))]])
    [message] = render("x", twice, t=t)
    assert isinstance(message, ButtonMessage) and len(message.buttons) == 1


# --- splitting -------------------------------------------------------------------------------


def test_split_prefers_paragraphs_then_lines_then_words() -> None:
    paragraphs = "\n\n".join("p" * 1500 for _ in range(4))
    assert [len(p) for p in split_text(paragraphs)] == [3002, 3002]
    lines = "\n".join("l" * 1000 for _ in range(6))
    assert all(part.count("\n") < 4 for part in split_text(lines))
    assert "".join(split_text(lines)).replace("\n", "") == "l" * 6000


def test_split_never_cuts_a_word() -> None:
    words = [f"word{i}" for i in range(2000)]
    parts = split_text(" ".join(words))
    assert len(parts) > 1 and all(len(p) <= WHATSAPP.text for p in parts)
    assert [w for p in parts for w in p.split()] == words


def test_split_keeps_markers_paired_and_reopens_monospace() -> None:
    text = " ".join(f"*bold {i}* plain" for i in range(600))
    parts = split_text(text)
    assert len(parts) > 1 and all(markup_problems(p) == [] for p in parts)
    code = "```" + "\n".join("x = 1" for _ in range(1200)) + "```"
    parts = split_text(code)
    assert len(parts) > 1
    assert all(p.startswith("```") and p.endswith("```") for p in parts)
    assert all(len(p) <= WHATSAPP.text for p in parts)


def test_a_word_longer_than_a_message_is_the_only_cut() -> None:
    parts = split_text("a " + "x" * 5000)
    assert all(len(p) <= WHATSAPP.text for p in parts) and "".join(parts) == "a" + "x" * 5000


# --- limits ----------------------------------------------------------------------------------


def test_check_limits_reports_what_whatsapp_refuses() -> None:
    rows = tuple(ListRow(f"r{i}", "t" * 25, "d" * 73) for i in range(11))
    bad: list[OutgoingMessage] = [
        TextMessage("x" * 4097),
        ButtonMessage("", (ReplyButton("a", "x" * 21), ReplyButton("a", "b"))),
        ListMessage("*b", "y" * 21, (ListSection(rows),)),
        ButtonMessage("b", tuple(ReplyButton(str(i), "t") for i in range(4))),
    ]
    problems = "\n".join(check_limits(bad))
    for expected in (
        "text over 4096",
        "empty body",
        "button title over 20",
        "button id used twice",
        "list button over 20",
        "11 rows",
        "row title over 24",
        "row description over 72",
        "unpaired *",
        "4 buttons",
    ):
        assert expected in problems, expected
    assert check_limits([TextMessage("fine")]) == []


# --- quiz questions --------------------------------------------------------------------------


def test_a_question_with_short_options_is_buttons_of_quiz_picks(t: Translator) -> None:
    question = Question("Who *owns* the land?", ("The state", "The people", "Nobody"), 1)
    [message] = render_question(question, t=t, attempt=41, position=2)
    assert isinstance(message, ButtonMessage)
    assert message.body == "Who ∗owns∗ the land?"
    assert [parse_action(b.id) for b in message.buttons] == [
        QuizPick(41, 2, 0),
        QuizPick(41, 2, 1),
        QuizPick(41, 2, 2),
    ]


def test_a_question_with_long_options_writes_them_out_in_full(t: Translator) -> None:
    long = "A company must ask the community before any work starts, and listen to the answer"
    assert len(long) > WHATSAPP.row_description
    question = Question("What is FPIC?", ("Yes", "No", "Maybe", long), 3)
    [message] = render_question(question, t=t, attempt=7, position=0)
    assert isinstance(message, ListMessage)
    assert f"4. {long}" in message.body, "no option is ever seen cut"
    assert [r.title[:2] for r in message.rows] == ["1.", "2.", "3.", "4."]
    assert check_limits([message]) == []


def test_a_quiz_pick_refuses_bad_values() -> None:
    assert QuizPick.unpack(QuizPick(12, 4, 3).pack()) == QuizPick(12, 4, 3)
    for forged in ("qp:12:4", "qp:12:4:10", "qp:x:4:1", "qp:12:100:1", "qp:-1:0:0"):
        assert QuizPick.unpack(forged) is None, forged


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_quiz_question_fits(i18n: I18n, language: str) -> None:
    course = course_of(CONTENT)
    t = i18n.translator(language)
    for question in course.quizzes[language]:
        shown = Question(
            f"5/5. {question.text}", question.options, question.correct, question.explanation
        )
        messages = render_question(shown, t=t, attempt=10**9, position=4)
        assert check_limits(messages) == [], (question.id, check_limits(messages))
        ids = (
            [b.id for b in messages[-1].buttons] if isinstance(messages[-1], ButtonMessage) else []
        )
        ids += [r.id for r in messages[-1].rows] if isinstance(messages[-1], ListMessage) else []
        assert len(ids) == len(question.options), question.id


# --- every screen ----------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_screen_fits_whatsapp(i18n: I18n, language: str) -> None:
    course = course_of(CONTENT)
    t = i18n.translator(language)
    problems: list[str] = []
    count = 0
    for shown in all_screens(course, CONTENT, language, t):
        count += 1
        actions = {c.data for c in (shown.choices or Keyboard()).choices if isinstance(c, Choice)}
        offered: set[str] = set()
        page = 0
        while True:
            messages = render(shown.text, shown.choices, t=t, page=page)
            problems += [f"{shown.name} page {page}: {p}" for p in check_limits(messages)]
            last = messages[-1]
            ids = (
                [b.id for b in last.buttons]
                if isinstance(last, ButtonMessage)
                else [r.id for r in last.rows]
                if isinstance(last, ListMessage)
                else []
            )
            offered |= {i for i in ids if not i.startswith(f"{ListPage.PREFIX}:")}
            if ListPage(page + 1, screen_key(shown.choices or Keyboard())).pack() not in ids:
                break
            page += 1
        if offered != actions:
            problems.append(f"{shown.name}: choices lost {sorted(actions - offered)}")
    assert count > 300, "every card of every module, and the other screens"
    assert problems == [], "\n".join(problems[:30])


def test_the_screen_catalogue_reaches_every_degrade_path(i18n: I18n) -> None:
    course = course_of(CONTENT)
    t = i18n.translator("en")
    kinds: set[str] = set()
    for shown in all_screens(course, CONTENT, "en", t):
        messages = render(shown.text, shown.choices, t=t)
        last = messages[-1]
        kinds.add(type(last).__name__)
        if len(messages) > 1:
            kinds.add("long text first")
        if isinstance(last, ListMessage) and last.rows[-1].id.startswith("pg:"):
            kinds.add("paged")
    assert kinds >= {"TextMessage", "ButtonMessage", "ListMessage", "paged", "long text first"}
