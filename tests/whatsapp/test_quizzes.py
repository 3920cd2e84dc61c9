"""Quizzes on WhatsApp, end to end against the Cloud API stand-in: each question a list or
buttons, right or wrong and the explanation after the pick, the next question, the score
card and a retry; an old, forged or repeated pick changes nothing."""

from __future__ import annotations

import io
import random

from pypdf import PdfReader

from bot.actions.menu import Menu
from bot.actions.quizzes import CertificateAction, QuizPick, QuizRetry, QuizStart, question_ref
from bot.channels.whatsapp.standin import WebhookFault
from bot.errors import StaleButton
from bot.services import quizzes
from bot.services.quizzes import QUIZ_SIZE
from tests.whatsapp.harness import WhatsAppHarness, whatsapp_bot
from tests.whatsapp.test_learner import _onboard

MODULE = "value-chain"
LEARNER = "5591980000001"  # Brazil
OTHER = "919800000002"  # India


async def _user_id(h: WhatsAppHarness, wa_id: str) -> int:
    async with h.services.uow() as uow:
        user_id = await uow.accounts.user_id("whatsapp", wa_id)
    assert user_id is not None
    return user_id


def _picks(h: WhatsAppHarness, wa_id: str) -> list[QuizPick]:
    """The newest message's options, as the picks they send."""
    found = [QuizPick.unpack(i) for _, i in h.choices(wa_id)]
    picks = [p for p in found if p is not None]
    assert picks, f"the newest message is not a question: {h.text(wa_id)!r}"
    return picks


async def _right(h: WhatsAppHarness, language: str, pick: QuizPick) -> int:
    """The place, as shown, of the question's right option (from what the bot recorded)."""
    async with h.services.uow() as uow:
        sent = await uow.quizzes.poll("whatsapp", pick.ref)
        attempt = await uow.quizzes.get(pick.attempt)
    assert sent is not None and attempt is not None
    question = h.services.course.question(language, attempt.question_ids[pick.position])
    assert question is not None
    return sent.option_order.index(question.correct)


async def _answer(h: WhatsAppHarness, wa_id: str, language: str, *, right: bool) -> str:
    """Pick the right (or a wrong) option of the question on screen; return what came
    back before the next question."""
    picks = _picks(h, wa_id)
    correct = await _right(h, language, picks[0])
    chosen = next(p for p in picks if (p.option == correct) is right)
    before = len(h.standin.messages(wa_id))
    await h.pick(wa_id, chosen.pack())
    return h.everything(wa_id, since=before)


async def _start_quiz(h: WhatsAppHarness, wa_id: str, language: str) -> None:
    await _onboard(h, wa_id, language)
    await h.say(wa_id, "menu")
    await h.pick(wa_id, Menu("quizzes").pack())
    await h.pick(wa_id, QuizStart(MODULE).pack())


async def test_a_quiz_passed_then_failed_on_whatsapp(database_url: str) -> None:
    async with whatsapp_bot(database_url) as h:
        h.standin.add_user(LEARNER, "Ana")
        await _start_quiz(h, LEARNER, "pt")
        t = h.services.i18n.translator("pt")
        course = h.services.course
        assert len(_picks(h, LEARNER)) >= 2, "the first question, its options as choices"
        for n in range(QUIZ_SIZE):
            question = course.question(
                "pt",
                (await _attempt_questions(h, LEARNER))[n],
            )
            assert question is not None
            assert question.text.split()[0] in h.text(LEARNER)
            said = await _answer(h, LEARNER, "pt", right=True)
            assert t.pgettext("quiz", "Right.") in said, said
            assert question.explanation.split()[0] in said, "the explanation after the answer"
        card = h.everything(LEARNER, since=-1)
        assert t.gettext("{score}/{total} — passed").format(score=5, total=5) in card
        retry = QuizRetry(MODULE).pack()
        assert retry in {i for _, i in h.choices(LEARNER)}, "the score card offers a retry"

        await h.pick(LEARNER, retry)
        said = await _answer(h, LEARNER, "pt", right=False)
        assert t.pgettext("quiz", "Not right.") in said, said
        assert t.pgettext("quiz", "The answer is: {answer}").split(":")[0] in said
        for _ in range(QUIZ_SIZE - 1):
            await _answer(h, LEARNER, "pt", right=False)
        failed = t.gettext("{score}/{total} — not passed yet").format(score=0, total=5)
        assert failed in h.everything(LEARNER, since=-1)
        async with h.services.uow() as uow:
            best = await uow.quizzes.best_results(await _user_id(h, LEARNER))
        assert best.get(MODULE) == (5, 5), "the failed retry leaves the pass standing"
        assert h.standin.violations == []


async def _attempt_questions(h: WhatsAppHarness, wa_id: str) -> tuple[str, ...]:
    async with h.services.uow() as uow:
        running = await uow.quizzes.running(await _user_id(h, wa_id))
    assert running is not None
    return tuple(running.question_ids)


async def _state(h: WhatsAppHarness, wa_id: str) -> tuple[int, int, str, int]:
    async with h.services.uow() as uow:
        running = await uow.quizzes.running(await _user_id(h, wa_id))
        assert running is not None
        answers = await uow.quizzes.answers(running.id)
    return running.position, running.score, running.status, len(answers)


async def test_an_old_forged_or_repeated_pick_changes_nothing(database_url: str) -> None:
    async with whatsapp_bot(database_url) as h:
        h.standin.add_user(LEARNER, "Ana")
        h.standin.add_user(OTHER, "Ravi")
        await _start_quiz(h, LEARNER, "en")
        stale = h.services.i18n.translator("en").gettext(StaleButton.msgid)
        first = h.last(LEARNER)
        first_pick = _picks(h, LEARNER)[0]
        await _answer(h, LEARNER, "en", right=True)
        before = await _state(h, LEARNER)
        assert before[:2] == (1, 1)

        # the first question's message, picked again: the quiz has moved on
        if first["interactive"]["type"] == "button":
            h.standin.press_button(LEARNER, first["id"], first_pick.pack())
        else:
            h.standin.choose_row(LEARNER, first["id"], first_pick.pack())
        await h.settle()
        assert stale in h.text(LEARNER)
        assert await _state(h, LEARNER) == before

        # forged: a position never asked, an option the question lacks, another's attempt
        current = _picks(h, LEARNER)[0] if QuizPick.unpack(h.choices(LEARNER)[0][1]) else None
        assert current is None, "the stale answer shows the menu, not the question"
        attempt = first_pick.attempt
        for forged in (
            QuizPick(attempt, 3, 0),
            QuizPick(attempt, 1, 9),
            QuizPick(attempt + 7, 1, 0),
        ):
            h.standin.send_forged_reply(LEARNER, forged.pack())
            await h.settle()
            assert stale in h.text(LEARNER), forged
        assert await _state(h, LEARNER) == before

        # someone else picking this learner's question
        await _onboard(h, OTHER, "hi")
        h.standin.send_forged_reply(OTHER, QuizPick(attempt, 1, 0).pack())
        await h.settle()
        assert h.services.i18n.translator("hi").gettext(StaleButton.msgid) in h.text(OTHER)
        assert await _state(h, LEARNER) == before

        # the learner's pick of the second question, delivered twice by Meta
        await h.say(LEARNER, "/quiz")
        await h.pick(LEARNER, QuizStart(MODULE).pack())  # resumes at the second question
        picks = _picks(h, LEARNER)
        assert picks[0].position == 1
        correct = await _right(h, "en", picks[0])
        h.standin.fault_next(WebhookFault.DUPLICATE)
        sent_before = len(h.standin.messages(LEARNER))
        await h.pick(LEARNER, next(p for p in picks if p.option == correct).pack())
        after = await _state(h, LEARNER)
        assert after[:2] == (2, 2) and after[3] == before[3] + 1, "counted once"
        # once: the answer, then the next question (no second answer, no stale answer)
        assert len(h.standin.messages(LEARNER)) - sent_before == 2
        assert h.standin.violations == []


async def test_the_certificate_comes_as_a_pdf_document(database_url: str) -> None:
    async with whatsapp_bot(database_url) as h:
        h.standin.add_user(LEARNER, "Ana")
        await _onboard(h, LEARNER, "pt")
        t = h.services.i18n.translator("pt")
        user_id = await _user_id(h, LEARNER)
        modules = h.services.course.modules_in("pt")
        await _pass_through_the_service(h, user_id, [m.id for m in modules[:-1]])
        await h.say(LEARNER, "/quiz")
        await h.pick(LEARNER, QuizStart(modules[-1].id).pack())
        for _ in range(QUIZ_SIZE):
            await _answer(h, LEARNER, "pt", right=True)
        assert CertificateAction("get").pack() in {i for _, i in h.choices(LEARNER)}
        await h.pick(LEARNER, CertificateAction("get").pack())
        await h.say(LEARNER, "Ana Souza")
        assert "Ana Souza" in h.text(LEARNER)
        await h.pick(LEARNER, CertificateAction("yes").pack())

        document = next(
            m for m in reversed(h.standin.messages(LEARNER)) if m["type"] == "document"
        )
        assert document["document"]["filename"].endswith(".pdf")
        assert t.gettext("Your certificate of completion.") in document["document"]["caption"]
        media = h.standin.media.get(document["document"]["id"])
        assert media is not None and media.data.startswith(b"%PDF")
        assert media.mime_type == "application/pdf"
        assert "Ana Souza" in PdfReader(io.BytesIO(media.data)).pages[0].extract_text()
        assert Menu("main").pack() in {i for _, i in h.choices(LEARNER)}, "then the menu"
        assert h.standin.violations == []


async def _pass_through_the_service(h: WhatsAppHarness, user_id: int, modules: list[str]) -> None:
    """Pass these modules' quizzes as if the learner had picked every right option."""
    s = h.services
    rng = random.Random(4)
    for module_id in modules:
        async with s.uow() as uow:
            poll = await quizzes.start(uow, s.course, user_id, "pt", module_id, s.clock(), rng)
        for _ in range(poll.total):
            ref = question_ref(poll.attempt_id, poll.position)
            async with s.uow() as uow:
                await quizzes.poll_sent(uow, poll, "whatsapp", ref, s.clock())
                answered = await quizzes.take_answer(
                    uow, s.course, user_id, "pt", "whatsapp", ref, (poll.correct,), s.clock(), rng
                )
            assert answered is not None and answered.correct
            if isinstance(answered.next, quizzes.PollToSend):
                poll = answered.next
