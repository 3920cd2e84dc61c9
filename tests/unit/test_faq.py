"""FAQ: content checks, the search's pieces and its quality floor, button data, the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from benchmarks.faq import (
    BLIND,
    BLIND2,
    BLIND3,
    BLIND5,
    HELD_OUT,
    STORIES_DEV,
    TEST,
    blind4_half,
    evaluate,
    load_questions,
)
from bot.actions.faq import FaqAnswerBack, FaqGroupPage, FaqRate, FaqReply
from bot.config import PROJECT_ROOT, SUPPORTED_LANGUAGES
from bot.content import Course
from bot.content.loader import FAQ_ANSWER_LIMIT, REQUIRED_FAQ_IDS, collect
from bot.services.faq_search import (
    OFF_TOPIC,
    TOPIC_BONUS,
    FaqIndex,
    fold_roman,
    terms,
    tokens,
    transliterate,
    words,
)
from bot.telegram_html import visible_text
from tests.conftest import course_of, shared_content
from tests.unit.test_content import MODULE, _tree


@pytest.fixture(scope="module")
def course() -> Course:
    return course_of(PROJECT_ROOT / "content")


@pytest.fixture(scope="module")
def index() -> FaqIndex:
    return shared_content(PROJECT_ROOT / "content")[1]


def test_every_required_entry_exists_in_every_language(course: Course) -> None:
    for language in SUPPORTED_LANGUAGES:
        faq = course.faq[language]
        assert [e.id for e in faq.entries] == [e.id for e in course.faq["en"].entries]
        for entry_id in REQUIRED_FAQ_IDS:
            entry = faq.entry(entry_id)
            assert entry is not None, (language, entry_id)
            assert len(visible_text(entry.answer)) <= FAQ_ANSWER_LIMIT
            assert entry.sources and all(s.startswith("http") for s in entry.sources)


def test_unknown_facts_are_answered_honestly(course: Course) -> None:
    """Timelines, appeals and costs are not established: the answers say so."""
    said = {"en": "not", "fr": "ne ", "hi": "नहीं", "pt": "Não"}
    for language, marker in said.items():
        for entry_id in ("timelines", "appeal", "cost"):
            entry = course.faq[language].entry(entry_id)
            assert entry is not None and marker in entry.answer, (language, entry_id)
            assert "aluminium-stewardship.org" in entry.answer or "ASI" in entry.answer


FAQ_EN = """\
schema_version: 1
groups:
  - {id: basics, title: Basics}
entries:
  - id: one
    group: basics
    question: First?
    answer: <b>One</b>
    related: [two]
    sources: [https://example.org/1]
  - id: two
    group: missing-group
    question: Second?
    answer: "<script>x</script>"
    related: [nowhere]
    sources: []
off_topic:
  - is the mine hiring
  - ""
"""


def test_faq_problems_are_reported_with_file_and_field(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "modules/en/1-sample.yaml": MODULE,
            "faq/en.yaml": FAQ_EN,
            "faq/fr.yaml": FAQ_EN.replace("id: two", "id: deux"),
        },
    )
    _, problems = collect(root)
    text = "\n".join(str(p) for p in problems)
    assert "faq/en.yaml: entries[1].group: group 'missing-group' is not listed" in text
    assert "entries[1].answer: tag <script> is not allowed" in text
    assert "two.related: 'nowhere' is not another entry" in text
    assert "entries[1].sources: must list at least one source URL" in text
    assert "faq/fr.yaml: entries: ids differ from English: missing ['two'], extra ['deux']" in text
    assert "faq/en.yaml: entries: missing ['what-is-it'" in text
    assert "faq/en.yaml: off_topic[1]: must be 1-120 characters" in text


def test_devanagari_is_romanised_as_people_type_it() -> None:
    assert transliterate("शिकायत") == "shikaayat"
    assert transliterate("गुमनाम") == "gumanaam"
    assert fold_roman("shikaayat") == fold_roman("shikayat") == fold_roman("sikayat")
    assert fold_roman("karein") == fold_roman("karen") == fold_roman("kare")
    # a Devanagari word indexes both its stem and a romanised form
    assert fold_roman("shikayat") in terms("शिकायत", "hi")


@pytest.mark.parametrize(
    ("language", "question", "entry_id"),
    [
        ("en", "Can I complain without giving my name?", "anonymity"),
        ("en", "how much dose it cost", "cost"),
        ("fr", "combien de temps ca prend", "timelines"),
        ("pt", "posso recorrer da decisao", "appeal"),
        ("hi", "shikayat kaise kare", "how-to-submit"),
        ("hi", "क्या बिना नाम बताए शिकायत कर सकते हैं", "anonymity"),
    ],
)
def test_search_finds_paraphrases_typos_and_romanised_hindi(
    index: FaqIndex, language: str, question: str, entry_id: str
) -> None:
    result = index.search(question, language)
    assert result.best is not None and result.best.entry_id == entry_id
    assert 0 < result.best.score <= 1
    assert len(result.others()) <= 3 and entry_id not in [m.entry_id for m in result.others()]


@pytest.mark.parametrize(
    ("language", "question"),
    [("en", "what is the weather tomorrow"), ("fr", "bonjour"), ("hi", ""), ("pt", "🙂🙂")],
)
def test_out_of_scope_questions_get_no_confident_answer(
    index: FaqIndex, language: str, question: str
) -> None:
    assert index.search(question, language).best is None


def test_quality_floor_on_the_labelled_set(index: FaqIndex) -> None:
    """A regression in the search fails here; the targets are reported by the benchmark."""
    report = evaluate(index, load_questions())
    assert report.total >= 200
    for language, accuracy in report.accuracy.items():
        assert accuracy >= 0.95, (language, accuracy)
    assert report.confident_wrong_share <= 0.01


def test_quality_floor_on_the_later_sets(index: FaqIndex) -> None:
    """The second development set, the old test set and the first three blind sets (all tuned
    on by now; 96.2-98.6% a language and 0.2% confident wrong in the seventh round)."""
    sets = (HELD_OUT, TEST, BLIND, BLIND2, BLIND3)
    report = evaluate(index, [item for path in sets for item in load_questions(path)])
    for language, accuracy in report.accuracy.items():
        assert accuracy >= 0.95, (language, accuracy)
    assert report.confident_wrong_share <= 0.01


def test_quality_floor_on_the_story_form_sets(index: FaqIndex) -> None:
    """The tuner's story-form set, the tuned half of the fourth blind set and the fifth blind
    set (run once, then tuned on from the ninth round: 88.6-91.7% a language and 1 confident
    wrong answer in 528 in the ninth round).

    The other half of the fourth blind set is deliberately not held to a floor here: a test
    on it would invite tuning on it.
    """
    questions = load_questions(STORIES_DEV) + blind4_half(held_out=False) + load_questions(BLIND5)
    report = evaluate(index, questions)
    for language, accuracy in report.accuracy.items():
        assert accuracy >= 0.86, (language, accuracy)
    assert report.confident_wrong_share <= 0.01


def test_a_danda_ends_a_word_like_a_full_stop() -> None:
    assert tokens("यह ठीक है। हाँ॥") == ["यह", "ठीक", "है", "हां"]
    assert terms("शिकायत है।", "hi") == terms("शिकायत है", "hi")


def test_phone_shorthand_is_written_out_per_language() -> None:
    assert words("mandei a reclamacao e agora oq acontece", "pt")[-3:] == ["o", "que", "acontece"]
    assert words("wat r u gonna do", "en") == ["what", "are", "you", "going", "to", "do"]
    assert words("c koi le mecanisme", "fr") == ["c", "quoi", "le", "mecanisme"]
    # shorthand of one language is an ordinary word in another
    assert words("q", "en") == ["q"]
    assert words("ya", "pt") == ["ya"]


@pytest.mark.parametrize(
    ("language", "question", "expected"),
    [
        ("en", "can I complain about the refinery", True),
        ("en", "complant", True),
        ("fr", "plaintes ASI", True),
        ("pt", "mandei a reclamação", True),
        ("hi", "शिकायतें कहाँ भेजें", True),
        ("hi", "shikayt kaise kare", True),
        ("hi", "ASI complaint kaise kare", True),
        ("hi", "school ki fees kitni hai", False),
        ("en", "I completed the course", False),
        ("en", "is it free", False),
        ("en", "asian food", False),
        ("en", "land reclamation after the mine closes", False),
        ("fr", "la reclamation de mon argent", True),
        ("pt", "preciso de um mecanico", False),
    ],
)
def test_a_question_that_names_the_complaint_is_on_topic(
    index: FaqIndex, language: str, question: str, expected: bool
) -> None:
    assert index.on_topic(question, language) is expected


def test_on_topic_questions_need_less_evidence(course: Course, index: FaqIndex) -> None:
    """The same scores: confident when the complaint is named, not confident otherwise."""
    assert TOPIC_BONUS > 0
    question = "o rio ficou sujo por causa da mina, como reclamo"
    assert index.on_topic(question, "pt")
    evidence = index.evidence(index.closest(question, "pt", 4))
    needed = evidence + index.ease(question, "pt") + TOPIC_BONUS / 2  # only with the bonus
    assert FaqIndex(course, needed=needed, topic_bonus=0.0).search(question, "pt").best is None
    found = FaqIndex(course, needed=needed).search(question, "pt").best
    assert found is not None and found.entry_id == "how-to-submit"


def test_a_question_close_to_the_off_topic_messages_gets_no_answer(
    course: Course, index: FaqIndex
) -> None:
    """A phone's password is not the report key's: the signals may agree on track-status, but
    the off-topic messages are not left far enough behind (and its words are theirs, so the
    domain odds do not stand in for that lead)."""
    question = "celular travado esqueci a senha"
    loose = FaqIndex(course, needed=0.0, off_topic_lead=0.0).search(question, "pt").best
    assert loose is not None and loose.entry_id == "track-status"
    # the lead over the off-topic messages alone holds it back, whatever the evidence
    assert FaqIndex(course, needed=0.0).search(question, "pt").best is None
    assert index.search(question, "pt").best is None


def test_a_question_in_the_learners_language_is_not_searched_in_another(index: FaqIndex) -> None:
    """Romanised Hindi knows "a" and "do": a Portuguese question about an email's password
    must not get a Hindi index's answer."""
    result = index.search("esqueci a senha do email", "pt")
    assert result.best is None
    assert {m.language for m in result.matches} == {"pt"}


@pytest.mark.parametrize(
    ("language", "question"),
    [("en", "how much are the school fees"), ("hi", "बिजली के बिल की शिकायत कहाँ करें")],
)
def test_off_topic_messages_keep_a_shared_word_from_answering(
    course: Course, index: FaqIndex, language: str, question: str
) -> None:
    """Without the off-topic messages these get a confident answer (school fees meet cost; an
    electricity bill's complaint meets how-to-submit)."""
    bare = Course(modules={}, faq={k: replace(f, off_topic=()) for k, f in course.faq.items()})
    assert FaqIndex(bare).search(question, language).best is not None
    result = index.search(question, language)
    assert result.best is None
    assert result.matches and OFF_TOPIC not in [m.entry_id for m in result.matches]


def test_a_misspelling_keeps_its_first_letter(index: FaqIndex) -> None:
    """Short everyday words must not pass for topic words ("rice" is not "price")."""
    assert index.search("how do i make rice", "en").best is None
    result = index.search("does it cots money", "en")
    assert result.best is not None and result.best.entry_id == "cost"


def test_faq_button_data_parses_and_rejects_forgeries() -> None:
    assert FaqGroupPage.unpack("ag:other-routes:1") == FaqGroupPage("other-routes", 1)
    page = FaqGroupPage("other-routes", 1)
    assert page.pack() == "ag:other-routes:1"
    rate = FaqRate.unpack("ar:what-is-it:down")
    assert rate is not None and rate.entry_id == "what-is-it" and not rate.helpful
    assert FaqRate.unpack("ar:what-is-it:maybe") is None
    assert FaqRate.unpack("ar:what-is-it-down") is None, "the old encoding is stale"
    assert FaqReply.unpack("aq:12") == FaqReply(12) and FaqReply.unpack("aq:x") is None
    assert FaqAnswerBack.unpack("ab:-1") is None
    assert len(FaqRate("a" * 50, "down").pack().encode()) <= 64


def test_cli_prints_one_json_line_per_question() -> None:
    def run(*args: str, stdin: str | None = None) -> list[dict[str, object]]:
        done = subprocess.run(
            [sys.executable, "-c", "from bot.cli import main; raise SystemExit(main())", *args],
            input=stdin,
            capture_output=True,
            text=True,
            check=True,
            cwd=PROJECT_ROOT,
        )
        return [json.loads(line) for line in done.stdout.splitlines()]

    [one] = run("faq", "ask", "--lang", "fr", "je peux me plaindre sans donner mon nom ?")
    assert one["id"] == "anonymity" and 0 < float(str(one["score"])) <= 1
    assert one["shown"] == [], "nothing else is shown with a confident answer"
    many = run("faq", "ask", "--lang", "hi", stdin="shikayat kaise kare\nhello\n\n")
    assert [m["id"] for m in many] == ["how-to-submit", None, None]
    # not sure: the three closest topics the bot would show, as the bot orders them
    [unsure] = run("faq", "ask", "--lang", "en", "what does the mine do about the dust")
    assert unsure["id"] is None and isinstance(unsure["shown"], list)
    assert len(unsure["shown"]) == 3 and len(set(unsure["shown"])) == 3
    hello = many[1]["shown"]
    assert many[0]["shown"] == [] and isinstance(hello, list) and len(hello) == 3
