"""The translator's round trip, off the bot: what an import refuses (with its row, writing
nothing), how a partial language falls back, when the picker offers it, and its coverage."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.content import load_course
from bot.content.stats import kind_coverage
from bot.content.texts import TextKind
from bot.content.translation import TranslationError, import_files
from bot.i18n import I18n
from tests.translating import (
    CODE,
    MARK,
    Workspace,
    fill_po,
    fill_sheet,
    marked,
    module_keys,
    workspace,
)


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return workspace(tmp_path_factory.mktemp("translation"))


@pytest.fixture
def space(exported: Workspace, tmp_path: Path) -> Workspace:
    """A fresh copy of the exported workspace (an import writes into it)."""
    for name in ("content", "locales"):
        shutil.copytree(getattr(exported, name), tmp_path / name)
    xlsx, po = tmp_path / exported.xlsx.name, tmp_path / exported.po.name
    shutil.copyfile(exported.xlsx, xlsx)
    shutil.copyfile(exported.po, po)
    return Workspace(tmp_path / "content", tmp_path / "locales", xlsx, po)


def _snapshot(*folders: Path) -> dict[str, bytes]:
    return {
        str(path): path.read_bytes()
        for folder in folders
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_the_spreadsheet_has_every_text_with_its_place_limit_and_both_sources(
    exported: Workspace,
) -> None:
    sheet = load_workbook(exported.xlsx, read_only=True)["Texts"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "id",
        "kind",
        "where",
        "limit",
        "rules",
        "English",
        "Français (fr)",
        "Xish (xx)",
    )
    by_id = {row[0]: row for row in rows[1:]}
    card = by_id["card:vc-stages-1"]
    assert card[1] == "card" and card[2] == "Module 1, lesson 1, card 1" and card[3] == 700
    assert card[5].startswith("Aluminium") and card[6] and card[7] is None
    kinds = {row[1] for row in rows[1:]}
    assert kinds == {str(kind) for kind in TextKind}
    po = exported.po.read_text("utf-8")
    assert 'msgid "Next"' in po and "#. fr: Suivant" in po


def test_broken_rows_are_each_reported_with_their_row_and_nothing_is_written(
    space: Workspace,
) -> None:
    first = module_keys(space.content, "value-chain")
    broken = {
        "card:vc-stages-1": "x" * 701,  # over the limit
        "card:vc-stages-2": "<div>not Telegram HTML</div>",  # a tag cards may not use
        "question:vc-q-stages-1:question": "A question whose options are left empty?",
    }

    def take(row):  # type: ignore[no-untyped-def]
        if row.key in broken:
            return broken[row.key]
        if row.key.startswith("question:vc-q-stages-1:"):
            return None  # half a question
        return marked(row) if row.key in first else None

    rows = fill_sheet(space.xlsx, take)
    fill_po(space.po, lambda s: s.replace("{point}", "{pint}"))  # a placeholder broken
    before = _snapshot(space.content, space.locales)
    with pytest.raises(TranslationError) as raised:
        import_files(space.content, space.locales, [space.xlsx, space.po])
    report = "\n".join(map(str, raised.value.problems))
    assert f"row {rows['card:vc-stages-1']} (card:vc-stages-1): " in report
    assert "the limit is 700" in report
    assert f"row {rows['card:vc-stages-2']} (card:vc-stages-2): tag <div>" in report
    option = "question:vc-q-stages-1:option:1"
    assert f"xx.xlsx: Texts row {rows[option]} ({option}): is missing" in report
    assert "xx.po: line " in report and "{point}" in report
    assert _snapshot(space.content, space.locales) == before, "nothing is written"


def test_an_unknown_id_and_a_shipped_language_are_refused(space: Workspace) -> None:
    book = load_workbook(space.xlsx)
    book["Texts"].append(["card:no-such-card", "card", "", 700, "", "", "", "Hello"])
    book["Language"]["B1"] = "fr"
    book.save(space.xlsx)
    with pytest.raises(TranslationError) as raised:
        import_files(space.content, space.locales, [space.xlsx])
    report = "\n".join(map(str, raised.value.problems))
    assert "(card:no-such-card): is not a text of the course" in report
    assert "fr: is a shipped language" in report


def test_a_partial_language_falls_back_and_is_offered_once_a_module_is_complete(
    space: Workspace,
) -> None:
    first = module_keys(space.content, "value-chain")
    half = {key for key in first if key != "card:vc-stages-2"}
    fill_sheet(space.xlsx, lambda row: marked(row) if row.key in half else None)
    import_files(space.content, space.locales, [space.xlsx])
    course = load_course(space.content)
    place = course.place(CODE, "vc-stages-2")
    assert place is not None and place.card_shown_in == "Français"
    assert place.card.text == course.place("fr", "vc-stages-2").card.text  # type: ignore[union-attr]
    done = course.place(CODE, "vc-stages-1")
    assert done is not None and done.card_shown_in is None and done.card.text.startswith(MARK)
    assert course.ready_languages() == (), "no module is complete yet"
    cards = kind_coverage(course)[CODE][TextKind.CARD]
    assert cards[0] == len({k for k in half if k.startswith("card:")}) and cards[1] == 150

    # The whole of module 1 and the interface: now the picker offers it.
    fill_sheet(space.xlsx, lambda row: marked(row) if row.key in first else None)
    import_files(space.content, space.locales, [space.xlsx])
    course = load_course(space.content)
    assert [a.code for a in course.ready_languages()] == [CODE]
    i18n = I18n(locales_dir=space.locales, added=course.ready_languages())
    assert CODE not in i18n.languages, "its interface is not translated yet"
    assert i18n.translator(CODE).gettext("Next") == "Suivant", "meanwhile in its bridge"
    fill_po(space.po)
    import_files(space.content, space.locales, [space.po])
    i18n = I18n(locales_dir=space.locales, added=course.ready_languages())
    assert i18n.languages == ("en", "fr", "hi", "pt", CODE)
    assert i18n.names[CODE] == "Xish"


def test_the_content_check_reads_a_partial_language_laid_over_its_bridge(
    space: Workspace,
) -> None:
    """What a hand-edited partial file may get wrong: an item or a file the bridge does not
    have, and the usual rules (here a card over its limit)."""
    from bot.content.loader import collect

    (space.content / "languages.yaml").write_text(
        "schema_version: 1\nlanguages:\n  - {code: xx, name: Xish, bridge: hi}\n", "utf-8"
    )
    folder = space.content / "modules" / CODE
    folder.mkdir(parents=True)
    (folder / "9-stray.yaml").write_text("schema_version: 1\nid: stray\n", "utf-8")
    (folder / "1-value-chain.yaml").write_text(
        "schema_version: 1\nid: value-chain\nlessons:\n"
        "  - id: vc-stages\n    cards:\n      - id: vc-stages-1\n        text: " + "x" * 701 + "\n"
        "  - id: no-such-lesson\n    title: Nothing\n",
        "utf-8",
    )
    course, problems = collect(space.content)
    report = "\n".join(map(str, problems))
    assert "modules/xx/9-stray.yaml: file: has no counterpart in hi/" in report
    assert "lessons.no-such-lesson: has no such item in the bridge language" in report
    assert "modules/xx/1-value-chain.yaml: lessons[0].cards[0].text: is 701" in report
    assert course is not None
    place = course.place(CODE, "vc-stages-2")
    assert place is not None and place.card_shown_in == "हिन्दी"


def test_the_command_line_reports_a_broken_row_and_shows_coverage(
    space: Workspace, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import main

    card = "card:vc-refining-1"
    rows = fill_sheet(space.xlsx, lambda row: "x" * 701 if row.key == card else None)
    monkeypatch.setenv("CONTENT_DIR", str(space.content))
    assert main(["content", "import", str(space.xlsx)]) == 1
    err = capsys.readouterr().err
    assert f"xx.xlsx: Texts row {rows[card]} ({card}): is 701" in err
    assert "nothing written: 1 problem(s)" in err
    fill_sheet(space.xlsx, lambda row: marked(row) if row.key == card else "")
    assert main(["content", "import", str(space.xlsx)]) == 0
    assert main(["content", "stats"]) == 0
    out = capsys.readouterr().out
    line = [line for line in out.splitlines() if line.startswith("xx ")][-1]
    assert "1/150" in line and "complete modules: none" in line


CONSULTATION = "consultation:practice-community-voice"


def test_consultation_summaries_go_out_and_come_back_laid_over_the_bridge(
    space: Workspace,
) -> None:
    from bot.content.consultations import collect_consultations

    sheet = load_workbook(space.xlsx, read_only=True)["Texts"]
    by_id = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    question = by_id[f"{CONSULTATION}:section:2:question"]
    assert question[1] == "consultation" and question[3] == 300
    assert question[2] == "Consultation practice-community-voice, section 2: the question asked"
    assert str(question[5]).startswith("Who in your community") and question[6]

    mine = {f"{CONSULTATION}:title", f"{CONSULTATION}:section:2:question"}
    fill_sheet(space.xlsx, lambda row: marked(row) if row.key in mine else None)
    written = import_files(space.content, space.locales, [space.xlsx])
    assert any(p.endswith("consultations/xx/practice-community-voice.yaml") for p in written)
    specs, problems = collect_consultations(space.content)
    assert problems == []
    spec = specs["practice-community-voice"]
    mine_text, french = spec.text(CODE), spec.text("fr")
    assert mine_text.title == MARK + spec.text("en").title
    assert mine_text.sections[1].question == MARK + spec.text("en").sections[1].question  # type: ignore[operator]
    assert mine_text.summary == french.summary, "the rest in the bridge language"
    assert mine_text.sections[0] == french.sections[0]
    coverage = kind_coverage(load_course(space.content), specs.values())[CODE]
    assert coverage[TextKind.CONSULTATION] == (2, 11)

    # A second export keeps what is translated and leaves the rest empty.
    from bot.content.translation import export

    xlsx, _ = export(space.content, space.locales, CODE, space.xlsx.parent / "again")
    again = load_workbook(xlsx, read_only=True)["Texts"]
    cells = {row[0]: row[7] for row in again.iter_rows(min_row=2, values_only=True)}
    assert cells[f"{CONSULTATION}:title"] == mine_text.title
    assert cells[f"{CONSULTATION}:summary"] is None


def test_a_broken_consultation_row_is_reported_with_its_row(space: Workspace) -> None:
    broken = {
        f"{CONSULTATION}:title": "x" * 121,
        f"{CONSULTATION}:summary": "<code>not allowed here</code>",
    }
    rows = fill_sheet(space.xlsx, lambda row: broken.get(row.key))
    before = _snapshot(space.content)
    with pytest.raises(TranslationError) as raised:
        import_files(space.content, space.locales, [space.xlsx])
    report = "\n".join(map(str, raised.value.problems))
    title, summary = f"{CONSULTATION}:title", f"{CONSULTATION}:summary"
    assert f"xx.xlsx: Texts row {rows[title]} ({title}): is 121 characters" in report
    assert f"xx.xlsx: Texts row {rows[summary]} ({summary}): tag <code> is not allowed" in report
    assert _snapshot(space.content) == before


def test_a_stray_consultation_translation_is_reported(space: Workspace) -> None:
    from bot.content.consultations import collect_consultations

    folder = space.content / "consultations" / "zz"
    folder.mkdir()
    (folder / "practice-community-voice.yaml").write_text("schema_version: 1\n", "utf-8")
    _, problems = collect_consultations(space.content)
    assert "is not in an added language's folder" in "\n".join(map(str, problems))


@pytest.mark.parametrize("length", [100, 280])
def test_a_bridged_quiz_question_says_so_in_the_poll_or_just_before_it(length: int) -> None:
    """Telegram's poll question takes 300 characters: the line goes under a short question,
    and in a message of its own before a long one; never over the limit, never twice."""
    from bot.content import Question
    from bot.services.quizzes import PollToSend
    from bot.views.quizzes import POLL_QUESTION_LIMIT, poll_note, poll_question

    t = I18n(default="en").translator("en")
    question = Question("q", "m", "l", "x" * length, ("a", "b"), 0, "why")
    poll = PollToSend(1, 0, 5, question, (0, 1), shown_in="Français")
    shown, note = poll_question(t, poll), poll_note(t, poll)
    line = "🌐 Not translated yet: shown in Français."
    assert len(shown) <= POLL_QUESTION_LIMIT
    assert (line in shown) != (note is not None and line in note)
    assert (note is None) is (length == 100)
    unmarked = PollToSend(1, 0, 5, question, (0, 1))
    assert poll_note(t, unmarked) is None and line not in poll_question(t, unmarked)
