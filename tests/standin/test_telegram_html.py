"""Telegram's HTML parse mode, checked offline."""

from __future__ import annotations

import pytest

from bot.telegram_html import html_problems, parse_html, utf16_length, visible_text


@pytest.mark.parametrize(
    "text",
    [
        "plain text",
        "<b>bold</b> <strong>strong</strong> <i>i</i> <em>em</em> <u>u</u> <ins>ins</ins>",
        "<s>s</s> <strike>strike</strike> <del>del</del>",
        '<span class="tg-spoiler">spoiler</span> <tg-spoiler>spoiler</tg-spoiler>',
        '<a href="https://example.org/?a=1&amp;b=2">link</a>',
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>',
        "<code>x = 1</code> <pre>block</pre>",
        '<pre><code class="language-python">print("hi")</code></pre>',
        "<blockquote>quote</blockquote> <blockquote expandable>long quote</blockquote>",
        "<b>bold <i>and italic <u>and underlined</u></i></b>",
        "&lt;tag&gt; &amp; &quot;quoted&quot; &#65; &#x1F600;",
        "a > b is fine unescaped",
        "<B>upper-case tags</B>",
        "<a href='single quotes'>ok</a>",
    ],
)
def test_valid_html_has_no_problems(text: str) -> None:
    assert html_problems(text) == []


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("<div>block</div>", 'Unsupported start tag "div" at byte offset 0'),
        ("<br/>", 'Unsupported start tag "br/" at byte offset 0'),
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        (
            "<b><i>x</b></i>",
            'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"',
        ),
        ("<b", "Unclosed start tag at byte offset 0"),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
        ("1 < 2", 'Character "<" at byte offset 2 does not start a tag; escape it as "&lt;"'),
        ("AT&T", 'Character "&" at byte offset 2 does not start an HTML entity'),
        ("&nbsp;", 'Character "&" at byte offset 0 does not start an HTML entity'),
        ("&#0;", 'Character "&" at byte offset 0 does not start an HTML entity'),
        ("é & more", 'Character "&" at byte offset 3'),  # offsets count UTF-8 bytes
        ('<b class="x">y</b>', 'Attribute "class" is not allowed in the tag "b" at byte offset 0'),
        ('<a href="x" title="t">y</a>', 'Attribute "title" is not allowed in the tag "a"'),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ('<span class="bold">x</span>', 'Tag "span" must have class "tg-spoiler"'),
        ("<tg-emoji>x</tg-emoji>", "Invalid custom emoji identifier specified"),
        ('<code class="language-py">x</code>', 'Class "language-py" is allowed on "code" only'),
        ('<pre><code class="python">x</code></pre>', 'Tag "code" may only have class'),
        ("<a href>x</a>", "Expected equal sign in declaration of an attribute of the tag"),
        ("<a href=http://x>y</a>", "Unexpected end of name token at byte offset 12"),
        ('<a href="https://x?a=1&b=2">y</a>', 'Character "&" at byte offset 22'),
        ('<a href="unclosed>y</a>', "Unclosed start tag at byte offset 0"),
    ],
)
def test_problems_are_reported_like_telegram(text: str, problem: str) -> None:
    problems = html_problems(text)
    assert problems, text
    assert problems[0].startswith(problem)


def test_several_problems_are_all_listed() -> None:
    problems = html_problems("<p>a & b</p> <b>")
    assert len(problems) == 4  # <p>, the bare &, the stray </p>, the unclosed <b>


def test_visible_text_removes_tags_and_decodes_entities() -> None:
    html = '<b>Lesson 1</b>: <a href="https://x.org">soil</a> &amp; water &lt;3 &#33;'
    assert visible_text(html) == "Lesson 1: soil & water <3 !"
    assert visible_text("no markup") == "no markup"


def test_utf16_length_counts_surrogate_pairs() -> None:
    assert utf16_length("abc") == 3
    assert utf16_length("é") == 1
    assert utf16_length("😀") == 2
    assert utf16_length("") == 0


def test_parse_html_gives_entities_in_utf16_offsets() -> None:
    parsed = parse_html('😀 <b>bold <i>both</i></b> <a href="https://x.org">link</a>')
    assert parsed.text == "😀 bold both link"
    assert parsed.problems == ()
    assert list(parsed.entities) == [
        {"type": "bold", "offset": 3, "length": 9},
        {"type": "italic", "offset": 8, "length": 4},
        {"type": "text_link", "offset": 13, "length": 4, "url": "https://x.org"},
    ]


def test_parse_html_special_entities() -> None:
    parsed = parse_html(
        '<pre><code class="language-python">x</code></pre>'
        "<blockquote expandable>q</blockquote><tg-spoiler>s</tg-spoiler>"
        '<tg-emoji emoji-id="42">👍</tg-emoji>'
    )
    assert list(parsed.entities) == [
        {"type": "pre", "offset": 0, "length": 1, "language": "python"},
        {"type": "expandable_blockquote", "offset": 1, "length": 1},
        {"type": "spoiler", "offset": 2, "length": 1},
        {"type": "custom_emoji", "offset": 3, "length": 2, "custom_emoji_id": "42"},
    ]


def test_empty_tags_give_no_entity() -> None:
    assert parse_html("<b></b>x").entities == ()
