"""The certificate end to end: offered after the last passed quiz, the typed and confirmed
name, the PDF (text read back with pypdf), /verify in the bot, GET /verify/{code} on the
webhook server, rate limits, and what /deleteme does to an issued certificate."""

from __future__ import annotations

import asyncio
import html
import io
import random
import threading
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from aiohttp.web import Application, Request
from pypdf import PdfReader

import handlers.quizzes
from bot.channels.telegram.webhook import webhook_app
from bot.documents.certificate import ZERO_WIDTH_SPACE
from bot.services import quizzes
from bot.services.container import VERIFY_LIMIT
from tests.e2e.conftest import USERS, onboard
from tests.e2e.harness import Harness
from tests.e2e.test_quizzes import answer

FORGED = "ABCD-EFGH-JKMN"
NOT_OFFICIAL = (
    "This course is not ASI's official training, and it does not by itself meet ASI's "
    "mandatory training level."
)
ISSUED_BY = (
    "The certificate is issued by the open-source learning bot that ran this course, not by ASI."
)
WebClient = TestClient[Request, Application]


async def pass_all_but_last(bot: Harness, user: int, language: str) -> str:
    """Pass modules 1-4 through the quiz service; return the last module's id."""
    s = bot.services
    modules = s.course.modules_in(language)
    rng = random.Random(4)
    user = await bot.uid(user)
    for module in modules[:-1]:
        async with s.uow() as uow:
            poll = await quizzes.start(uow, s.course, user, language, module.id, s.clock(), rng)
        for _ in range(poll.total):
            async with s.uow() as uow:
                await quizzes.poll_sent(
                    uow, poll, "telegram", f"seed-{poll.attempt_id}-{poll.position}", s.clock()
                )
                result = await quizzes.take_answer(
                    uow,
                    s.course,
                    user,
                    language,
                    "telegram",
                    f"seed-{poll.attempt_id}-{poll.position}",
                    (poll.correct,),
                    s.clock(),
                    rng,
                )
            if result is not None and isinstance(result.next, quizzes.PollToSend):
                poll = result.next
    return modules[-1].id


async def earn_certificate_offer(bot: Harness, user: int, language: str) -> None:
    await onboard(bot, user, language)
    last = await pass_all_but_last(bot, user, language)
    await bot.press(user, f"qs:{last}")
    for _ in range(quizzes.QUIZ_SIZE):
        await answer(bot, user, right=True)
    assert (
        "🎓 " + bot.services.i18n.translator(language).gettext("Get my certificate"),
        "qc:get",
    ) in bot.buttons(user)


def pdf_text(bot: Harness, user: int) -> str:
    document = bot.last(user)["document"]
    assert document["mime_type"] == "application/pdf" or document["file_name"].endswith(".pdf")
    data = bot.standin.state.files[document["file_id"]].data
    assert data is not None and data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1, "one page"
    # Glyphs that carry no text of their own are mapped to an invisible zero-width space.
    text = reader.pages[0].extract_text()
    return "".join(ch for ch in text if ch != chr(ZERO_WIDTH_SPACE))


@pytest.fixture
async def web(bot: Harness) -> AsyncIterator[WebClient]:
    assert bot.app is not None
    client: WebClient = TestClient(TestServer(webhook_app(bot.app, "s3cret")))
    await client.start_server()
    yield client
    await client.close()


async def test_certificate_with_the_confirmed_name_and_a_verifiable_code(
    bot: Harness, web: WebClient
) -> None:
    user = USERS["en"]
    await earn_certificate_offer(bot, user, "en")
    assert "You passed every quiz" in bot.text(user)
    await bot.press(user, "qc:get")
    assert "Type your name" in bot.text(user)

    await bot.say(user, "A")
    assert "too short" in bot.text(user)
    await bot.say(user, "Ana\u202eSouza")
    assert "cannot be printed" in bot.text(user)
    await bot.say(user, "x" * 65)
    assert "too long" in bot.text(user)
    await bot.say(user, "Ana <b>Souza</b>")
    assert "Your certificate will say: <b>Ana &lt;b&gt;Souza&lt;/b&gt;</b>" in str(
        [r.params.get("text") for r in bot.standin.requests if r.method == "sendMessage"][-1]
    ), "the name is echoed escaped"
    await bot.press(user, "qc:name")
    await bot.say(user, "  Ana   Maria  Souza ")
    assert "Ana Maria Souza" in bot.text(user)
    await bot.press(user, "qc:yes")

    async with bot.services.uow() as uow:
        cert = await uow.certificates.for_user(await bot.uid(user))
    assert cert is not None and cert.name == "Ana Maria Souza" and len(cert.code) >= 10
    pretty = "-".join(cert.code[i : i + 4] for i in range(0, 12, 4))
    text = pdf_text(bot, user)
    assert "Ana Maria Souza" in text and pretty in text
    assert "Module 5: Complaints" in text or "Module 5" in text
    assert "5/5" in text and f"/verify/{cert.code}" in text.replace("\n", "")
    assert pretty in bot.text(user), "the caption gives the code"
    flat = "".join(text.split())
    for said in (NOT_OFFICIAL, ISSUED_BY):
        assert said in bot.text(user), "the certificate screen says what the course is not"
        assert "".join(said.split()) in flat, "and so does the certificate itself"

    await bot.press(user, "qc:get", message_id=bot.last(user)["message_id"])
    assert pretty in pdf_text(bot, user), "asking again sends the same certificate"

    await bot.say(user, f"/verify {pretty.lower()}")
    assert "Valid certificate of completion for <b>Ana Maria Souza</b>" in str(
        [r.params.get("text") for r in bot.standin.requests if r.method == "sendMessage"][-1]
    )
    assert ISSUED_BY in bot.text(user) and NOT_OFFICIAL in bot.text(user), "/verify says it too"
    await bot.say(user, f"/verify {FORGED}")
    assert "No certificate has this code" in bot.text(user)
    await bot.say(user, "/verify hello")
    assert "not a certificate code" in bot.text(user)

    response = await web.get(f"/verify/{cert.code}")
    assert response.status == 200 and "Ana Maria Souza" in await response.text()
    assert html.escape(ISSUED_BY) in await response.text(), (
        "whoever checks it learns who issued it"
    )
    response = await web.get(f"/verify/{FORGED}")
    assert response.status == 404 and "No certificate has this code" in await response.text()

    await bot.say(user, "/privacy")
    privacy = bot.text(user)
    assert "Quizzes: 5 attempts, 25 answers" in privacy
    assert f"to the name Ana Maria Souza, code {cert.code}" in privacy

    # /deleteme: the code then verifies as withdrawn, without the name
    uid = await bot.uid(user)
    await bot.say(user, "/deleteme")
    await bot.press(user, "del:yes")
    async with bot.services.uow() as uow:
        assert await uow.quizzes.count_attempts(uid) == (0, 0)
        revoked = await uow.certificates.by_code(cert.code)
    assert revoked is not None and revoked.revoked_at is not None
    assert revoked.name is None and revoked.user_id is None and revoked.scores == {}
    response = await web.get(f"/verify/{cert.code}", headers={"Accept-Language": "fr"})
    body = await response.text()
    assert response.status == 200 and "Ana" not in body
    t_fr = bot.services.i18n.translator("fr")
    assert html.escape(t_fr.gettext("Certificate check")) in body, "in the browser's language"
    assert "retiré" in body


async def test_hindi_certificate_and_rate_limits(bot: Harness, web: WebClient) -> None:
    user = USERS["hi"]
    t = bot.services.i18n.translator("hi")
    await earn_certificate_offer(bot, user, "hi")
    await bot.press(user, "qc:get")
    await bot.say(user, "प्रियंका क्षत्रिय")
    await bot.press(user, "qc:yes")
    text = pdf_text(bot, user)
    assert "प्रियंका क्षत्रिय" in text, "Devanagari is embedded and extractable"
    assert t.gettext("Certificate of completion") in text
    flat = "".join(text.split())
    assert "".join(t.gettext(ISSUED_BY).split()) in flat
    assert "".join(t.gettext(NOT_OFFICIAL).split()) in flat
    assert t.gettext(NOT_OFFICIAL) in bot.text(user), "in the caption, in Hindi"

    for _ in range(VERIFY_LIMIT):
        await bot.say(user, f"/verify {FORGED}")
    assert t.gettext(
        "No certificate has this code. Check that you typed it exactly as printed."
    ) in bot.text(user)
    await bot.say(user, f"/verify {FORGED}")
    assert t.gettext(
        "Too many checks in a short time. Please wait 10 minutes and try again."
    ) in bot.text(user)

    statuses = [(await web.get(f"/verify/{FORGED}")).status for _ in range(VERIFY_LIMIT + 1)]
    assert statuses == [404] * VERIFY_LIMIT + [429]


async def test_help_says_the_course_is_not_asi_training(bot: Harness) -> None:
    for language in ("en", "pt"):
        user = USERS[language]
        t = bot.services.i18n.translator(language)
        await onboard(bot, user, language)
        await bot.say(user, "/help")
        assert t.gettext(NOT_OFFICIAL) in bot.text(user), language


async def test_no_certificate_before_every_quiz_is_passed(bot: Harness) -> None:
    user = USERS["pt"]
    await onboard(bot, user, "pt")
    await bot.press(user, "qc:yes")
    t = bot.services.i18n.translator("pt")
    assert t.gettext(
        "Pass the quiz of every module first; then you can get your certificate."
    ) in bot.text(user)
    async with bot.services.uow() as uow:
        assert await uow.certificates.for_user(await bot.uid(user)) is None


async def test_others_are_answered_while_a_certificate_is_drawn(
    bot: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The PDF is drawn beside the turns: the learner gets a progress message at once,
    another learner who writes meanwhile is answered (on SQLite the bot handles one update
    at a time, so a PDF drawn inside the turn would have made them wait), and the
    certificate comes once drawn, the progress message ending with a way to the menu."""
    user, other = USERS["en"], USERS["fr"]
    await earn_certificate_offer(bot, user, "en")
    await onboard(bot, other, "fr")
    await bot.press(user, "qc:get")
    await bot.say(user, "Ana Souza")
    drawing, drawn = threading.Event(), threading.Event()
    draw = handlers.quizzes.render_certificate

    def slowly(*args: Any) -> bytes:
        drawing.set()
        assert drawn.wait(30), "the test lets it finish"
        return draw(*args)

    monkeypatch.setattr(handlers.quizzes, "render_certificate", slowly)
    mark = len(bot.standin.requests)
    await bot.press(user, "qc:yes", settle=False)
    assert "⏳ Preparing your file. It will come here when it is ready." in bot.text(user)
    progress = int(bot.last(user)["message_id"])
    assert await asyncio.to_thread(drawing.wait, 10), "the PDF is being drawn"
    await bot.answered_meanwhile(other, mark)
    drawn.set()
    await bot.until_idle(time.monotonic() + 30)
    assert "Ana Souza" in pdf_text(bot, user)
    [done] = [m for m in bot.messages(user) if m.get("message_id") == progress]
    assert done["text"] == "✅ Your file is ready."
    assert "m:main" in str(done.get("reply_markup")), "and a way back to the menu"
