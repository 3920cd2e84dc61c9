from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT, SUPPORTED_LANGUAGES
from bot.content import ContentError, load_course
from bot.content.loader import collect

LESSON = """\
  - id: s-{n}
    title: Lesson {n}
    sources: [https://example.org/{n}]
    cards:
      - id: s-{n}-1
        text: <b>Hello</b> world
      - id: s-{n}-2
        text: Second card of lesson {n}
    key_point: Remember lesson {n}.
"""
MODULE = """\
schema_version: 1
id: sample
number: 1
title: Sample
summary: A module for tests.
lessons:
""" + "".join(LESSON.format(n=n) for n in ("one", "two", "three", "four"))


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / "content" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path / "content"


def test_the_real_course_loads_in_every_language() -> None:
    course = load_course(PROJECT_ROOT / "content")
    assert set(course.languages) == set(SUPPORTED_LANGUAGES)
    english = course.modules_in("en")
    assert english[0].id == "value-chain"
    for language in SUPPORTED_LANGUAGES:
        ids = [(m.id, [c for lesson in m.lessons for c in lesson.cards]) for m in english]
        translated = course.modules_in(language)
        assert [m.id for m in translated] == [m for m, _ in ids]
        for m_en, m_tr in zip(english, translated, strict=True):
            assert m_en.card_ids == m_tr.card_ids


def test_a_valid_tree_loads_and_links_cards(tmp_path: Path) -> None:
    course = load_course(_tree(tmp_path, {"modules/en/1-sample.yaml": MODULE}))
    place = course.place("en", "s-one-1")
    assert place is not None and place.next_id == "s-one-2" and place.previous_id is None
    end_of_lesson = course.place("en", "s-one-2")
    assert end_of_lesson is not None and end_of_lesson.is_last_in_lesson
    assert end_of_lesson.next_id == "s-two-1", "Next crosses into the next lesson"
    last = course.place("en", "s-four-2")
    assert last is not None and last.next_id is None and last.previous_id == "s-four-1"
    assert course.place("en", "nope") is None


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("text: Second card of lesson two", "text: " + "x" * 701), "limit is 700"),
        (("text: Second card of lesson two", "text: <script>x</script>"), "<script>"),
        (("text: Second card of lesson two", "text: a <b>b"), "invalid Telegram HTML"),
        (("id: s-one-2", "id: s-one-1"), "id is used twice"),
        (("id: s-one-2", "id: Bad_Id"), "lowercase slug"),
        (("sources: [https://example.org/one]", "sources: []"), "source"),
        (("schema_version: 1", "schema_version: 9"), "schema_version"),
        (("    key_point: Remember lesson one.\n", ""), "key_point"),
        (("      - id: s-one-2\n        text: Second card of lesson one\n", ""), "2-6 needed"),
    ],
)
def test_problems_name_file_and_field(
    tmp_path: Path, change: tuple[str, str], expected: str
) -> None:
    broken = MODULE.replace(*change)
    _, problems = collect(_tree(tmp_path, {"modules/en/1-sample.yaml": broken}))
    assert problems, "the checker must report the problem"
    assert any(expected in str(p) for p in problems), [str(p) for p in problems]
    assert all(str(p).startswith("content/modules/en/1-sample.yaml: ") for p in problems)


def test_a_translation_must_have_the_english_structure(tmp_path: Path) -> None:
    french = MODULE.replace("id: s-one-2", "id: s-one-3")
    root = _tree(
        tmp_path, {"modules/en/1-sample.yaml": MODULE, "modules/fr/1-sample.yaml": french}
    )
    with pytest.raises(ContentError) as caught:
        load_course(root)
    assert any("differ from English" in str(p) for p in caught.value.problems)


def test_bad_yaml_is_reported_not_raised(tmp_path: Path) -> None:
    _, problems = collect(_tree(tmp_path, {"modules/en/1-sample.yaml": "a: [unclosed"}))
    assert any("cannot be read as YAML" in str(p) for p in problems)


DENYLIST = """\
schema_version: 1
hosts:
  - scribd.com
  - docslib.org
"""
CONSULTATION = """\
schema_version: 1
id: sample
practice: true
languages:
  en:
    summary: A copy is at <a href="https://www.docslib.org/doc/1">this page</a>.
"""


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://scribd.com/document/1", "scribd.com"),
        ("https://ro.scribd.com/document/461536912/ASI-Guidance", "scribd.com"),  # subdomain
        ("http://WWW.DocsLib.org/doc/10407877", "docslib.org"),
    ],
)
def test_a_source_on_the_deny_list_is_refused_with_its_file_and_field(
    tmp_path: Path, url: str, host: str
) -> None:
    broken = MODULE.replace("sources: [https://example.org/two]", f"sources: [{url}]")
    root = _tree(tmp_path, {"modules/en/1-sample.yaml": broken, "sources-denylist.yaml": DENYLIST})
    _, problems = collect(root)
    [problem] = problems
    assert problem.file == "content/modules/en/1-sample.yaml"
    assert problem.field == "lessons[1].sources[0]"
    assert url in problem.message and f"({host}," in problem.message
    with pytest.raises(ContentError):
        load_course(root)


def test_the_deny_list_covers_links_in_texts_and_every_content_file(tmp_path: Path) -> None:
    card = MODULE.replace(
        "text: Second card of lesson three",
        'text: See <a href="https://ja.scribd.com/doc/2">the overview</a> or docslib.org/doc/3',
    )
    root = _tree(
        tmp_path,
        {
            "modules/en/1-sample.yaml": card,
            "consultations/sample.yaml": CONSULTATION,
            "sources-denylist.yaml": DENYLIST,
        },
    )
    _, problems = collect(root)
    found = {(p.file, p.field, p.message.split(" ")[0]) for p in problems}
    assert found == {
        (
            "content/modules/en/1-sample.yaml",
            "lessons[2].cards[1].text",
            "https://ja.scribd.com/doc/2",
        ),
        ("content/modules/en/1-sample.yaml", "lessons[2].cards[1].text", "docslib.org"),
        (
            "content/consultations/sample.yaml",
            "languages.en.summary",
            "https://www.docslib.org/doc/1",
        ),
    }


@pytest.mark.parametrize(
    "url",
    [
        "https://notscribd.com/x",  # another host that ends with the same letters
        "https://example.org/?from=scribd.com",  # the host, not the query, is checked
        "https://aluminium-stewardship.org/complaints-mechanism",
    ],
)
def test_hosts_off_the_deny_list_are_allowed(tmp_path: Path, url: str) -> None:
    ok = MODULE.replace("sources: [https://example.org/two]", f"sources: ['{url}']")
    root = _tree(tmp_path, {"modules/en/1-sample.yaml": ok, "sources-denylist.yaml": DENYLIST})
    assert collect(root)[1] == []


def test_the_real_deny_list_names_the_mirrors() -> None:
    from bot.content.sources import denied_host, read_denylist

    problems: list[str] = []
    hosts = read_denylist(
        PROJECT_ROOT / "content" / "sources-denylist.yaml", lambda *p: problems.append(str(p))
    )
    assert not problems
    for host in (
        "wikizero.net",
        "wikisum.wiki",
        "wikimili.com",
        "docslib.org",
        "documents.pub",
        "studylib.net",
        "text-id.123dok.com",
        "ja.scribd.com",
        "us10.campaign-archive.com",
        "globalresearch.ca",
    ):
        assert denied_host(host, hosts), host
    assert denied_host("aluminium-stewardship.org", hosts) is None


# --- safety first: the advice and the questions that get it ---------------------------------


def test_the_safety_advice_opens_the_retaliation_entry_in_every_language() -> None:
    from bot.services.faq import SAFETY_ENTRY

    course = load_course(PROJECT_ROOT / "content")
    for language in SUPPORTED_LANGUAGES:
        entry = course.faq_in(language).entry(SAFETY_ENTRY)
        assert entry is not None, language
        label, _, advice = entry.answer.partition("\n")
        assert label.startswith("<b>") and label.endswith("</b>"), (language, "a plain label")
        for contact in ("info@aluminium-stewardship.org", "aluminium-stewardship.ethicspoint.com"):
            assert contact in advice, (language, contact)
        assert "IPAF" in advice, language


@pytest.mark.parametrize(
    "question",
    [
        "they threatened to kill us if we complain",
        "I think I am being watched by the company guards",
        "two men followed me home after the meeting",
        "the police arrested my brother for speaking to the auditors",
        "security guards beat our neighbour",
        "ils nous ont menacés de mort si on parle",
        "des hommes m'ont suivi jusqu'au village",
        "on nous surveille depuis la réunion",
        "mon frère a été arrêté par les gendarmes",
        "eles ameaçaram matar a gente",
        "fomos seguidos até a aldeia",
        "a polícia prendeu meu irmão",
        "estão vigiando a nossa casa",
        "कंपनी के लोग हमें धमकी दे रहे हैं",
        "पुलिस ने मेरे भाई को गिरफ़्तार कर लिया",
        "कोई हमारा पीछा कर रहा है",
        "हम पर नज़र रखी जा रही है",
        "कंपनी के आदमी हमारे घर पर नज़र रखते हैं",
        "company wale dhamki de rahe hain",
        "shikayat ki to maar denge bole",
        "police ne giraftar kar liya",
        "guard hamare ghar par nazar rakhte hain",
    ],
)
def test_a_question_that_mentions_danger_is_noticed(question: str) -> None:
    from bot.services.safety import mentions_danger

    assert mentions_danger(question)


@pytest.mark.parametrize(
    "question",
    [
        "does the threat of rain delay the audit",  # the weather, not a person
        "how do I follow my complaint",
        "what is a surveillance audit",
        "is the chain of custody standard voluntary",
        "la menace d'orage peut-elle retarder l'audit",
        "comment suivre ma plainte",
        "qu'est-ce qu'un audit de surveillance",
        "a ameaça de chuva atrasa a auditoria?",
        "o que é a cadeia de custódia",
        "a mata perto da mina foi derrubada",
        "हमारा गाँव खदान के पास है",
        "अपनी शिकायत पर नज़र कैसे रखूँ",
        "shikayat kaise kare",
        "can I complain without giving my name",
    ],
)
def test_a_near_miss_is_not_taken_for_danger(question: str) -> None:
    from bot.services.safety import mentions_danger

    assert not mentions_danger(question)
