"""Consultations end to end: publish, open, answer (text, voice, anonymous), edit, withdraw,
close, late answers, notices, exports, privacy, and that anonymous answers leave no link.

The bot runs with a clock the tests move and without its repeating jobs; the tests run the
consultation dispatcher's tick themselves (one test checks the real job).
"""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import re
import time
import zipfile
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from bot.channels.telegram.standin import BotApiStandIn
from bot.config import Settings
from bot.db.models import Base
from bot.documents.filetypes import ALLOWED
from bot.jobs.consultations import ConsultationTickReport, run_consultations
from bot.services import holding
from bot.services.answer_limit import MAX_PER_WINDOW
from bot.services.holding import BatchPolicy
from tests.e2e.conftest import ADMIN, USERS, onboard
from tests.e2e.harness import FakeClock, Harness, make_settings

SLUG = "practice-community-voice"
BEFORE_OPEN = datetime(2026, 11, 10, 9, tzinfo=UTC)
OPENED = datetime(2026, 11, 20, 9, tzinfo=UTC)
CLOSES = datetime(2027, 1, 19, tzinfo=UTC)  # the end of 18 January 2027
REF_RE = re.compile(r"C(\d+)-(\d{4})")
EN, FR, HI, PT = USERS["en"], USERS["fr"], USERS["hi"], USERS["pt"]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(BEFORE_OPEN)


def _settings(standin: BotApiStandIn, database_url: str, **extra: Any) -> Settings:
    return make_settings(
        standin.url,
        database_url,
        admin_ids=str(ADMIN),
        reminder_interval=0,
        consultation_interval=extra.pop("consultation_interval", 0),
        **extra,
    )


@pytest.fixture
async def bot(
    standin: BotApiStandIn, database_url: str, clock: FakeClock
) -> AsyncIterator[Harness]:
    harness = Harness(
        standin, _settings(standin, database_url, consultation_max_file_mb=1), clock=clock
    )
    await harness.start()
    yield harness
    await harness.stop()


async def tick(bot: Harness) -> ConsultationTickReport:
    assert bot.app is not None
    return await run_consultations(bot.services)


async def publish(bot: Harness) -> None:
    await onboard(bot, ADMIN, "en")
    await bot.say(ADMIN, "/consultations")
    assert ("📢 Publish " + SLUG, "kp:" + SLUG) in bot.buttons(ADMIN)
    await bot.press(ADMIN, "kp:" + SLUG)
    assert "C1 · Practice: how audits hear communities" in bot.text(ADMIN)


async def choose(bot: Harness, user: int, section: int, stance: str, who: str) -> None:
    """From the main menu: Have your say → the consultation → a section → stance → who."""
    await bot.say(user, "/menu")
    await bot.press(user, "m:consult")
    await bot.press(user, "ko:1")
    await bot.press(user, f"ks:1:{section}")
    await bot.press(user, f"ka:1:{section}:{stance}")
    await bot.press(user, f"ki:1:{section}:{stance}:{who}")


def reference(bot: Harness, user: int) -> tuple[str, int]:
    found = REF_RE.search(bot.text(user))
    assert found, bot.text(user)
    return found.group(0), int(found.group(2))


def notices(bot: Harness, user: int, since: int, marker: str) -> list[str]:
    return [
        str(r.params.get("text"))
        for r in bot.requests_since(since)
        if r.method == "sendMessage"
        and r.status == 200
        and r.params.get("chat_id") == user
        and marker in str(r.params.get("text"))
    ]


async def write_held(bot: Harness, clock: FakeClock) -> holding.BatchReport:
    """Write the held anonymous answers now, however few people wrote them (the dispatcher
    waits for answers of three people or the close: bot.services.holding)."""
    async with bot.services.uow() as uow:
        return await holding.write_batches(uow, clock.now, BatchPolicy(min_authors=1, chance=1))


async def rows(bot: Harness, table: str) -> list[dict[str, Any]]:
    model = Base.metadata.tables[table]
    async with bot.services.uow() as uow:
        result = await uow.session.execute(select(model))
        return [dict(r._mapping) for r in result]


async def test_publish_open_answer_edit_withdraw_close_and_hear_back(
    bot: Harness, clock: FakeClock
) -> None:
    await publish(bot)
    assert "Status: published, opens Nov 20, 2026" in bot.text(ADMIN)
    # a learner asks to hear about consultations; none is open yet
    await onboard(bot, FR, "fr")
    t_fr = bot.services.i18n.translator("fr")
    await bot.press(FR, "m:consult")
    assert t_fr.gettext("No consultation is open right now.") in bot.text(FR)
    await bot.press(FR, "kn:on")
    await bot.press(FR, "ko:1")  # an old or forged button before the open date
    assert t_fr.gettext("This button is out of date. Here is the menu.") in "".join(
        m.get("text", "") for m in bot.messages(FR)[-2:]
    )
    mark = len(bot.standin.requests)
    await tick(bot)
    assert not notices(bot, FR, mark, "📣"), "not before the open date"

    clock.now = OPENED
    report = await tick(bot)
    assert report.sent == {"open": 1}
    opened = notices(bot, FR, mark, "📣")
    assert len(opened) == 1 and "18 janv. 2027" in opened[0]
    assert (await tick(bot)).sent == {}, "each notice once"

    # a named text answer
    await onboard(bot, EN, "en")
    await bot.press(EN, "m:consult")
    assert "Practice: how audits hear communities, until Jan 18, 2027" in bot.text(EN)
    await bot.press(EN, "ko:1")
    draft = [b for row in bot.last(EN)["reply_markup"]["inline_keyboard"] for b in row]
    assert {
        "text": "📄 The draft",
        "url": "https://aluminium-stewardship.org/asi-standards/assurance-manual",
    } in draft
    assert "A practice consultation: not a real ASI draft." in bot.text(EN)
    await choose(bot, EN, 0, "a", "n")
    assert "Named answer." in bot.text(EN)
    await bot.say(EN, "Two weeks ahead, <and> on the village radio.")
    ref, number = reference(bot, EN)
    assert "You can see, change or withdraw it until Jan 18, 2027" in bot.text(EN)
    # a named voice note
    await choose(bot, EN, 1, "c", "n")
    mark_voice = len(bot.standin.requests)
    await bot.standin.send_media(EN, "voice", b"OggS-voice", duration=4)
    await bot._settle(EN, mark_voice, True)
    voice_ref, voice_number = reference(bot, EN)
    answers = {r["number"]: r for r in await rows(bot, "consultation_answers")}
    assert answers[number]["text"] == "Two weeks ahead, <and> on the village radio."
    assert answers[number]["user_id"] == await bot.uid(EN) and answers[number]["stance"] == "agree"
    assert answers[voice_number]["kind"] == "voice" and answers[voice_number]["file_size"] == 10

    # view and edit the first, withdraw the second
    await bot.press(EN, "km")
    assert ref in bot.text(EN) and voice_ref in bot.text(EN)
    await bot.press(EN, f"kv:1:{number}")
    assert "&lt;and&gt;" in str(bot.last(EN).get("text") or "") or "<and>" in bot.text(EN)
    await bot.press(EN, f"ke:1:{number}")
    await bot.say(EN, "Three weeks ahead.")
    assert f"Your answer {ref} is changed." in bot.text(EN)
    await bot.press(EN, f"kv:1:{voice_number}")
    await bot.press(EN, f"kw:1:{voice_number}")
    await bot.press(EN, f"ky:1:{voice_number}")
    assert f"Your answer {voice_ref} is withdrawn and deleted." in bot.text(EN)
    answers = {r["number"]: r for r in await rows(bot, "consultation_answers")}
    assert set(answers) == {number} and answers[number]["text"] == "Three weeks ahead."

    # three days before the close: the subscriber hears it once
    clock.now = CLOSES - timedelta(days=3)
    mark = len(bot.standin.requests)
    assert (await tick(bot)).sent == {"closing": 1}
    assert len(notices(bot, FR, mark, "⏳")) == 1

    # an answer started before the close and sent after it is refused politely
    clock.now = CLOSES - timedelta(minutes=10)
    await choose(bot, EN, 2, "s", "n")
    clock.now = CLOSES
    await bot.say(EN, "Late idea")
    assert "This consultation is closed: answers are no longer accepted." in bot.text(EN)
    assert len(await rows(bot, "consultation_answers")) == 1
    await bot.press(EN, f"kv:1:{number}")
    assert ("✏️ Change", f"ke:1:{number}") not in bot.buttons(EN), "no edits after the close"
    await bot.press(EN, f"kw:1:{number}", expect_reply=True)
    assert "closed" in bot.text(EN)

    # the job closes it and thanks the participant
    mark = len(bot.standin.requests)
    assert (await tick(bot)).sent == {"thanks": 1}
    assert [r["status"] for r in await rows(bot, "consultations")] == ["closed"]
    assert len(notices(bot, EN, mark, "🙏")) == 1
    assert not notices(bot, FR, mark, "🙏"), "a subscriber who did not take part"

    # the admin sees the counts and writes what changed; participants hear it once
    await bot.say(ADMIN, "/consultations")
    await bot.press(ADMIN, "kc:1")
    assert "1 Telling communities about an audit: ✅ 1 · ⚠️ 0 · 💡 0" in bot.text(ADMIN)
    await bot.press(ADMIN, "kq:1")
    await bot.say(ADMIN, "Notice of audits now comes three weeks ahead, also by radio.")
    assert any("goes out to 1 person" in m.get("text", "") for m in bot.messages(ADMIN))
    mark = len(bot.standin.requests)
    assert (await tick(bot)).sent == {"outcome": 1}
    assert "three weeks ahead, also by radio" in notices(bot, EN, mark, "📝")[0]
    await bot.restart()
    assert (await tick(bot)).sent == {}, "a restart repeats nothing"


async def test_anonymous_answer_has_no_link_to_its_author(bot: Harness, clock: FakeClock) -> None:
    await publish(bot)
    clock.now = OPENED + timedelta(hours=3, minutes=17, seconds=5)
    await onboard(bot, HI, "hi")
    await choose(bot, HI, 2, "c", "a")
    before = {table: await rows(bot, table) for table in Base.metadata.tables}
    await bot.say(HI, "मुझे डर है कि कंपनी दबाव डालेगी।")
    t = bot.services.i18n.translator("hi")
    assert t.gettext("Thank you, your answer is saved. Reference: <b>{ref}</b>").split("<b>")[
        0
    ] in bot.text(HI)
    after = {table: await rows(bot, table) for table in Base.metadata.tables}

    # the only new or changed rows: one sealed held row (and at most the user's last-seen time)
    changed = {
        table: [r for r in after[table] if r not in before[table]]
        for table in after
        if after[table] != before[table]
    }
    assert set(changed) <= {"consultation_held", "users", "processed_events"}, changed
    for claim in changed.get("processed_events", []):
        # each update's claim (bot.services.processed): a digest and the hour, naming nobody
        assert set(claim) == {"platform", "event_id", "seen_at"}
        assert str(HI) not in str(claim) and claim["seen_at"].minute == 0
    for user_row in changed.get("users", []):
        (old_row,) = [r for r in before["users"] if r["id"] == user_row["id"]]
        differs = {k for k in user_row if user_row[k] != old_row[k]}
        # what the bot waited for (sealed: bot.waiting) is cleared, nothing else is said
        assert differs <= {"last_seen_at", "waiting"}, differs
        assert "मुझे डर" not in str(user_row["waiting"])
    (held,) = changed["consultation_held"]
    assert set(held) == {"id", "tag", "sealed"}
    assert "मुझे डर".encode() not in held["sealed"]
    # the author's id as the sealed JSON would hold it in the clear (any three digits turn up
    # in 32 KB of ciphertext now and then: about one run in 500)
    assert all(f"{HI}{end}".encode() not in held["sealed"] for end in ",}")
    # written in its batch: no value anywhere in the answer ties it to the author
    await write_held(bot, clock)
    assert await rows(bot, "consultation_held") == []
    (answer,) = await rows(bot, "consultation_answers")
    assert answer["text"] == "मुझे डर है कि कंपनी दबाव डालेगी।"
    assert answer["user_id"] is None and answer["author_name"] is None
    assert answer["submitted_on"] == date(2026, 11, 20), "the day only, never the time"
    receipt = REF_RE.search(bot.text(HI))
    assert receipt and int(receipt.group(2)) == answer["number"], "the receipt's reference"
    needles = {str(HI), hashlib.sha256(str(HI).encode()).hexdigest()}
    needles |= {hashlib.md5(str(HI).encode()).hexdigest(), "Learner hi"}
    for value in answer.values():
        if isinstance(value, datetime):
            raise AssertionError(f"a timestamp was stored: {value}")
        assert value != HI
        assert not any(n in str(value) for n in needles), value
    # nothing else in the database mentions this answer (reference number or text)
    after = {table: await rows(bot, table) for table in Base.metadata.tables}
    ref = str(answer["number"])
    for table, table_rows in after.items():
        if table == "consultation_answers":
            continue
        for row in table_rows:
            assert not any(ref == str(v) for v in row.values()), (table, row)
    # the event log has no entry for it, with or without a user id
    assert [e for e in after["events"] if "consultation" in e["kind"]] == []
    # and the participant cannot find it again: it is not "theirs"
    await bot.press(HI, "km")
    assert REF_RE.search(bot.text(HI)) is None

    # asking to hear what changed is held until the close, then stores (user, consultation)
    await bot.press(HI, "m:consult")
    await choose(bot, HI, 1, "a", "a")
    await bot.say(HI, "ठीक है")
    await bot.press(HI, "kf:1")
    assert await rows(bot, "consultation_followers") == []
    assert len(await rows(bot, "consultation_held")) == 2, "the answer and the request"
    await bot.press(HI, "kf:1")  # a second tap holds nothing more
    assert len(await rows(bot, "consultation_held")) == 2
    await bot.restart()  # held rows are in the database: a restart loses nothing
    clock.now = CLOSES + timedelta(minutes=1)
    mark = len(bot.standin.requests)
    report = await tick(bot)
    assert (report.written.answers, report.written.follows) == (1, 1), "the close writes all"
    assert report.sent == {"thanks": 1}
    hi = await bot.uid(HI)
    assert await rows(bot, "consultation_followers") == [{"consultation_id": 1, "user_id": hi}]
    assert await rows(bot, "consultation_held") == []
    assert len(await rows(bot, "consultation_answers")) == 2
    assert len(notices(bot, HI, mark, "🙏")) == 1


async def test_bad_answers_are_refused_and_change_nothing(bot: Harness, clock: FakeClock) -> None:
    await publish(bot)
    clock.now = OPENED
    await onboard(bot, PT, "pt")
    t = bot.services.i18n.translator("pt")
    await choose(bot, PT, 0, "s", "n")

    async def send(kind: str, data: bytes, **kwargs: Any) -> None:
        mark = len(bot.standin.requests)
        await bot.standin.send_media(PT, kind, data, **kwargs)
        await bot._settle(PT, mark, True)

    await bot.say(PT, " \u200b\u2060 ")
    assert t.gettext(
        "That answer is empty. Type a few words, or send a voice note, photo or document."
    ) in bot.text(PT)
    await send("document", b"x" * (1024 * 1024 + 1), file_name="big.pdf")
    too_big = t.gettext(
        "This file is too big: the limit is {mb} MB. Please send a smaller one, or a text."
    )
    assert too_big.format(mb=1) in bot.text(PT)
    unsupported = t.gettext(
        "I can take a text, a voice note, a photo or a document (PDF, picture, Word, "
        "spreadsheet or plain text). Please send your answer in one of those forms."
    )
    await send("audio", b"ID3-audio")
    assert unsupported in bot.text(PT)
    await send("document", b"PK..", file_name="tool.zip", mime_type="application/zip")
    assert unsupported in bot.text(PT)
    await bot.say(PT, "x" * 4001)
    assert "4.000" in bot.text(PT) or "4,000" in bot.text(PT)
    assert await rows(bot, "consultation_answers") == []

    # a forged or stale button changes nothing either
    stale = t.gettext("This button is out of date. Here is the menu.")
    for forged in ("ki:1:9:a:n", "ks:7:0", "kv:1:1234", "kp:" + SLUG, "kx:1:csv"):
        await bot.say(PT, "/menu")
        await bot.press(PT, forged)
        assert stale in bot.text(PT), forged

    # leaving (any other button or a command) drops the answer being written
    for leave in ("m:main", "/help"):
        await choose(bot, PT, 0, "a", "a")
        if leave.startswith("/"):
            await bot.say(PT, leave)
        else:
            await bot.press(PT, leave)
        await bot.say(PT, "bauxita")
        assert REF_RE.search(bot.text(PT)) is None, leave
    assert await rows(bot, "consultation_answers") == []

    # the hourly limit (counted in memory)
    await choose(bot, PT, 0, "s", "a")
    pt = await bot.uid(PT)
    for _ in range(MAX_PER_WINDOW):
        await bot.services.answer_limit.note(pt, clock.now)
    await bot.say(PT, "One more")
    assert t.gettext(
        "You have sent 30 answers in the last hour. Please wait a while, then try again."
    ) in bot.text(PT)
    assert await rows(bot, "consultation_answers") == []
    assert await rows(bot, "consultation_held") == []
    clock.now += timedelta(hours=1)
    await bot.say(PT, "One more")
    assert REF_RE.search(bot.text(PT))
    assert len(await rows(bot, "consultation_held")) == 1, "held for its batch"


async def test_exports_csv_xlsx_and_zip_of_the_files(bot: Harness, clock: FakeClock) -> None:
    await publish(bot)
    clock.now = OPENED
    await onboard(bot, EN, "en")
    await choose(bot, EN, 0, "a", "n")
    await bot.say(EN, "=SUM(1) is not a formula; Boké")
    text_ref, _ = reference(bot, EN)
    voice = b"OggS" + bytes(range(200))
    photo = b"\x89PNG\r\n\x1a\n" + b"\0" * 40
    media: dict[str, bytes] = {}
    for section, kind, data, stance in ((1, "voice", voice, "c"), (2, "photo", photo, "s")):
        await choose(bot, EN, section, stance, "a")
        mark = len(bot.standin.requests)
        caption = "see this" if kind == "photo" else None
        await bot.standin.send_media(EN, kind, data, caption=caption)
        await bot._settle(EN, mark, True)
        media[reference(bot, EN)[0]] = data
    # a program sent as a Word document: its bytes, not its name or MIME type, decide
    program = b"MZ\x90\x00" + bytes(60)
    await choose(bot, EN, 0, "s", "a")
    mark = len(bot.standin.requests)
    await bot.standin.send_media(
        EN, "document", program, file_name="x.exe", mime_type="application/msword"
    )
    await bot._settle(EN, mark, True)
    disguised = reference(bot, EN)[0]
    media[disguised] = program

    await bot.press(ADMIN, "kc:1")
    assert "⏳ 3 anonymous answers are waiting" in bot.text(ADMIN), "not in counts or exports"
    assert "Answers in all: 1" in bot.text(ADMIN)
    await write_held(bot, clock)
    await bot.press(ADMIN, "kc:1")
    assert "Answers in all: 4" in bot.text(ADMIN) and "⏳" not in bot.text(ADMIN)
    mark = len(bot.standin.requests)
    await bot.press(ADMIN, "kx:1:csv")
    await bot.press(ADMIN, "kx:1:xlsx")
    await bot.press(ADMIN, "kx:1:zip")
    docs = bot.documents_since(mark)
    assert set(docs) == {f"{SLUG}-answers.csv", f"{SLUG}-answers.xlsx", f"{SLUG}-files-1.zip"}
    raw = docs[f"{SLUG}-answers.csv"]
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM"
    table = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    by_ref = {row["reference"]: row for row in table}
    assert set(by_ref) == {text_ref, *media}
    row = by_ref[text_ref]
    assert row["text"] == "'=SUM(1) is not a formula; Boké" and row["stance"] == "agree"
    assert row["section"] == "1" and row["named or anonymous"] == "named"
    assert row["consultation"] == SLUG and row["language"] == "en"
    assert row["date"] == "2026-11-20" and row["name"] == "Learner en"
    voice_row = next(r for r in table if r["answer type"] == "voice")
    assert voice_row["named or anonymous"] == "anonymous" and voice_row["name"] == ""
    assert voice_row["stance"] == "concern" and voice_row["section"] == "2"
    assert {r["date"] for r in table} == {"2026-11-20"}
    sheet = load_workbook(io.BytesIO(docs[f"{SLUG}-answers.xlsx"])).active
    assert sheet is not None
    values = [[c.value for c in r] for r in sheet.iter_rows()]
    assert values[0][:4] == ["consultation", "section", "section title", "stance"]
    assert sorted(str(r[9]) for r in values[1:]) == sorted(by_ref)
    archive = zipfile.ZipFile(io.BytesIO(docs[f"{SLUG}-files-1.zip"]))
    got = {name.split("_")[0]: archive.read(name) for name in archive.namelist()}
    assert got == media, "every file fetched with getFile, byte for byte"
    assert any(n.endswith("_2_voice.ogg") for n in archive.namelist())
    names = archive.namelist()
    assert not any(n.endswith(".exe") for n in names), names
    assert any(n.startswith(disguised) and n.endswith("_document.bin") for n in names), names
    assert all(n.rsplit(".", 1)[-1] in {*ALLOWED, "bin"} for n in names), names
    assert bot.standin.requests and any(r.method == "getFile" for r in bot.standin.requests)


def _message(bot: Harness, user: int, message_id: int) -> str:
    """A message's text as it is now (after its edits)."""
    [found] = [m for m in bot.messages(user) if m.get("message_id") == message_id]
    return str(found.get("text"))


async def _voice_answer(bot: Harness, clock: FakeClock) -> tuple[str, bytes]:
    """One named voice answer (named: no batch to wait for); its reference and bytes."""
    await publish(bot)
    clock.now = OPENED
    await onboard(bot, EN, "en")
    await choose(bot, EN, 1, "c", "n")
    voice = b"OggS" + bytes(range(120))
    mark = len(bot.standin.requests)
    await bot.standin.send_media(EN, "voice", voice)
    await bot._settle(EN, mark, True)
    return reference(bot, EN)[0], voice


async def test_the_zip_is_made_in_the_background_while_others_are_served(
    bot: Harness, clock: FakeClock
) -> None:
    """The files download slowly: the admin gets a progress message at once, a learner who
    writes meanwhile is answered (on SQLite the bot handles one update at a time, so a ZIP
    made inside the admin's turn would have made them wait), and the ZIP comes once the
    files do, the progress message ending with "ready"."""
    ref, voice = await _voice_answer(bot, clock)
    await onboard(bot, FR, "fr")
    await bot.press(ADMIN, "kc:1")
    release = bot.standin.hold_files()
    mark = len(bot.standin.requests)
    await bot.press(ADMIN, "kx:1:zip", settle=False)
    assert "⏳ Preparing your file. It will come here when it is ready." in bot.text(ADMIN)
    progress = int(bot.last(ADMIN)["message_id"])
    await bot.answered_meanwhile(FR, mark)
    release.set()
    await bot.until_idle(time.monotonic() + 30)
    [zipped] = [
        r.params["document"]
        for r in bot.requests_since(mark)
        if r.method == "sendDocument" and r.status == 200
    ]
    assert zipped.filename == f"{SLUG}-files-1.zip"
    archive = zipfile.ZipFile(io.BytesIO(zipped.data))
    [name] = archive.namelist()
    assert name.startswith(ref) and name.endswith("_2_voice.ogg") and archive.read(name) == voice
    assert _message(bot, ADMIN, progress) == "✅ Your file is ready."


async def test_an_export_that_cannot_be_sent_ends_with_a_translated_apology(
    bot: Harness, clock: FakeClock
) -> None:
    await _voice_answer(bot, clock)
    async with bot.services.uow() as uow:
        await uow.users.set_language(await bot.uid(ADMIN), "fr")
        await uow.commit()
    await bot.press(ADMIN, "kc:1")
    view = int(bot.last(ADMIN)["message_id"])
    bot.standin.fail_next("sendDocument", status=400, description="Bad Request: file is too big")
    await bot.press(ADMIN, "kx:1:csv")
    t = bot.services.i18n.translator("fr")
    assert _last_text(bot, ADMIN) == t.gettext(
        "Sorry, the file could not be made. Please try again later."
    )
    mark = len(bot.standin.requests)
    await bot.press(ADMIN, "kx:1:csv", message_id=view)  # again: it works now
    assert _last_text(bot, ADMIN) == t.gettext("✅ Your file is ready.")
    assert [
        r.params["document"].filename
        for r in bot.requests_since(mark)
        if r.status == 200 and r.method == "sendDocument"
    ] == [f"{SLUG}-answers.csv"]


def _last_text(bot: Harness, user: int) -> str:
    """The bot's last text message to the user as it is now (a progress message: the file
    it announced comes after it)."""
    texts = [m for m in bot.messages(user) if m.get("from", {}).get("is_bot") and "text" in m]
    return str(texts[-1]["text"])


async def test_privacy_lists_and_deleteme_erases_named_answers(
    bot: Harness, clock: FakeClock
) -> None:
    await publish(bot)
    clock.now = OPENED
    await onboard(bot, EN, "en")
    await bot.press(EN, "m:consult")
    await bot.press(EN, "kn:on")
    await choose(bot, EN, 0, "a", "n")
    await bot.say(EN, "Named view")
    named, _ = reference(bot, EN)
    await choose(bot, EN, 1, "a", "a")
    await bot.say(EN, "Anonymous view")
    anonymous, _ = reference(bot, EN)
    await bot.press(EN, "kf:1")
    await bot.say(EN, "/privacy")
    text = bot.text(EN)
    assert "Tell me about consultations: yes" in text
    assert "Named answers to consultations: 1" in text
    section = bot.services.consultation_files[SLUG].text("en").sections[0]
    assert f"{named} · {section.clause}" in text, "the named answer, by reference and section"
    assert anonymous not in text
    assert "Consultations you follow for the outcome: 1" in text
    assert "Anonymous answers are not linked to you" in text
    await bot.say(EN, "/deleteme")
    await bot.press(EN, "del:yes")
    assert len(await rows(bot, "consultation_held")) == 1, "the held request is gone"
    await write_held(bot, clock)
    remaining = await rows(bot, "consultation_answers")
    assert [r["text"] for r in remaining] == ["Anonymous view"], "named deleted, anonymous kept"
    for table in ("consultation_subscribers", "consultation_followers", "consultation_notices"):
        assert await rows(bot, table) == []


async def test_the_job_opens_and_closes_by_itself_after_a_restart(
    standin: BotApiStandIn, database_url: str, clock: FakeClock
) -> None:
    settings = _settings(standin, database_url, consultation_interval=0.2)
    bot = Harness(standin, settings, clock=clock)
    await bot.start()
    try:
        await publish(bot)
        await onboard(bot, FR, "fr")
        await bot.press(FR, "m:consult")
        await bot.press(FR, "kn:on")
        await bot.stop()
        clock.now = CLOSES - timedelta(days=1)  # opened and near the close while down
        await bot.start()
        for _ in range(50):
            if (await rows(bot, "consultations"))[0]["status"] == "open":
                break
            await asyncio.sleep(0.1)
        clock.now = CLOSES
        for _ in range(50):
            if (await rows(bot, "consultations"))[0]["status"] == "closed":
                break
            await asyncio.sleep(0.1)
        assert (await rows(bot, "consultations"))[0]["status"] == "closed"
        kinds = sorted(r["kind"] for r in await rows(bot, "consultation_notices"))
        assert kinds == ["closing", "open"], "both sent once, after the restart"
    finally:
        await bot.stop()


async def test_a_wait_of_one_feature_never_takes_another_features_text(
    bot: Harness, clock: FakeClock
) -> None:
    """One waiting state: an abandoned "Ask a person" or staff Reply, then an anonymous
    answer and a restart: the text is the anonymous answer, and reaches no one."""
    await publish(bot)
    clock.now = OPENED + timedelta(hours=1)
    await onboard(bot, EN, "en")
    await bot.press(EN, "m:faq")
    await bot.press(EN, "ap:type")
    await bot.say(EN, "Who fixes the road to the mine?")
    async with bot.services.uow() as uow:
        [question] = await uow.faq.open_questions()
    # the learner starts another question to a person, the admin starts a reply...
    await bot.press(EN, "m:faq")
    await bot.press(EN, "ap:type")
    await bot.press(ADMIN, f"aq:{question.id}")
    # ...and both leave it for an anonymous answer, then the bot restarts
    await onboard(bot, FR, "fr")
    await choose(bot, EN, 0, "c", "a")
    await choose(bot, ADMIN, 1, "s", "a")
    await bot.restart()
    mark = len(bot.standin.requests)
    await bot.say(EN, "The trucks pass at night near the school.")
    await bot.say(ADMIN, "The notice came too late for our village.")
    await bot.notify_staff()  # a reply, had it been taken as one, would go out now
    sent = [r for r in bot.requests_since(mark) if r.method == "sendMessage"]
    for request in sent:
        text = str(request.params.get("text"))
        assert "trucks pass" not in text and "too late" not in text, "nobody gets them"
    assert {r.params.get("chat_id") for r in sent} <= {EN, ADMIN}, "only the receipts"
    assert len(await rows(bot, "consultation_held")) == 2, "both are held anonymous answers"
    async with bot.services.uow() as uow:
        open_ = await uow.faq.open_questions()
    assert [q.text for q in open_] == ["Who fixes the road to the mine?"], "no new question"
    assert all(q.id == question.id for q in open_)


async def test_a_notice_held_up_by_a_flood_limit_goes_at_the_next_run(
    bot: Harness, clock: FakeClock
) -> None:
    """Never recorded as delivered when it was not: a notice Telegram kept refusing with
    429 (beyond the rate limiter's own retries) is released, and the next run sends it."""
    await publish(bot)
    await onboard(bot, FR, "fr")
    await bot.press(FR, "m:consult")
    await bot.press(FR, "kn:on")
    clock.now = OPENED
    bot.standin.fail_next(
        "sendMessage",
        status=429,
        description="Too Many Requests: retry after 1",
        retry_after=1,
        times=4,
    )
    mark = len(bot.standin.requests)
    first = await tick(bot)
    assert first.sent == {} and first.retried == 1 and first.failed == 0
    assert not notices(bot, FR, mark, "📣")
    second = await tick(bot)
    assert second.sent == {"open": 1}
    assert len(notices(bot, FR, mark, "📣")) == 1
    assert (await tick(bot)).sent == {}, "and once only"


async def test_a_subscriber_who_sent_stop_is_skipped_and_counted(
    bot: Harness, clock: FakeClock
) -> None:
    """/stop on Telegram: the opening notice is recorded as handled and counted as
    skipped, never sent, not even after /start."""
    await publish(bot)
    await onboard(bot, FR, "fr")
    await bot.press(FR, "m:consult")
    await bot.press(FR, "kn:on")
    await bot.say(FR, "/stop")
    assert "/start" in bot.text(FR)
    clock.now = OPENED
    mark = len(bot.standin.requests)
    report = await tick(bot)
    assert report.sent == {} and report.opted_out == 1 and report.failed == 0
    await bot.say(FR, "/start")
    assert (await tick(bot)).opted_out == 0, "handled once"
    assert not notices(bot, FR, mark, "📣")


def _said(bot: Harness, user: int, since: int) -> str:
    """Everything the bot wrote or answered to one user since a mark (texts, captions,
    alerts, file names)."""
    out = []
    for r in bot.requests_since(since):
        if r.params.get("chat_id") not in (user, str(user)) and r.method != "answerCallbackQuery":
            continue
        out += [str(r.params.get(k, "")) for k in ("text", "caption", "document")]
    return "\n".join(out)


async def test_buttons_of_a_consultation_not_yet_open_show_nothing(
    bot: Harness, clock: FakeClock
) -> None:
    """Forged open, section, stance, identity and draft buttons before the opening time
    answer as stale buttons and show nothing of the consultation; the same buttons work
    once it opens (so the refusal is the date's doing)."""
    await publish(bot)
    await onboard(bot, EN, "en")
    t = bot.services.i18n.translator("en")
    stale = t.gettext("This button is out of date. Here is the menu.")
    forged = ("ko:1", "ks:1:0", "ka:1:0:a", "ki:1:0:a:n", "kd:1")
    before = []
    for data in forged:
        await bot.say(EN, "/menu")  # a fresh message for the button to be on
        mark = len(bot.standin.requests)
        await bot.press(EN, data)
        said = _said(bot, EN, mark)
        assert stale in said, data
        before.append(said)
    async with bot.services.uow() as uow:
        user = await uow.users.get(await bot.uid(EN))
        assert user is not None and user.waiting is None, "no answer is awaited"

    clock.now = OPENED
    mark = len(bot.standin.requests)
    await bot.press(EN, "ko:1")
    await bot.press(EN, "ks:1:0")
    opened = _said(bot, EN, mark)
    assert stale not in opened
    assert "Practice: how audits hear communities" in opened
    section = bot.text(EN).splitlines()[0]
    assert section.strip()
    for said in before:
        assert "Practice: how audits hear communities" not in said
        assert section not in said
