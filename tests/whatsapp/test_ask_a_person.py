"""Ask a person across channels, one process serving both: a learner on WhatsApp asks;
the question reaches staff on Telegram (ADMIN_IDS) and on WhatsApp (ADMIN_WHATSAPP); the
one on Telegram replies and the learner gets it on WhatsApp and answers back; the one on
WhatsApp answers the next question. Each platform gets its own markup, and what people
typed is never read as markup on either."""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta

from bot.actions.faq import FaqAnswerBack, FaqAsk, FaqReply
from bot.actions.menu import DeleteData
from bot.channels.whatsapp.pacing import LocalPace
from bot.channels.whatsapp.standin.clock import ManualClock
from bot.db.repositories import QuestionRecord
from bot.services.faq import NoticeState
from tests.e2e.conftest import ADMIN, onboard
from tests.whatsapp.both import Both, both_channels
from tests.whatsapp.harness import WhatsAppHarness
from tests.whatsapp.test_learner import _onboard

AWA = "224620000031"  # a learner in Guinea
MOUSSA = "224620000032"  # an admin on WhatsApp
QUESTION = "Le camion *de la mine* <b>a tué</b> nos chèvres & _personne_ ne répond ?"
# what WhatsApp shows for it: the markers cannot format anything, the tags are words
QUESTION_ON_WA = "Le camion ∗de la mine∗ <b>a tué</b> nos chèvres & ˍpersonneˍ ne répond ?"
REPLY = "Écrivez à l'ASI. *Gardez* <i>des photos</i> & notes."
REPLY_ON_WA = "Écrivez à l'ASI. ∗Gardez∗ <i>des photos</i> & notes."
BACK = "Merci *beaucoup* <3"


async def _asked(both: Both) -> QuestionRecord:
    """Moussa (an admin) and Awa on WhatsApp; Awa's question has reached the staff."""
    wa = both.whatsapp
    wa.standin.add_user(MOUSSA, "Moussa")
    await _onboard(wa, MOUSSA, "fr")
    wa.standin.add_user(AWA, "Awa")
    await _onboard(wa, AWA, "fr")
    await _ask(wa, AWA, QUESTION)
    await both.notify_staff()
    async with wa.services.uow() as uow:
        [question] = await uow.faq.open_questions()
    return question


async def _ask(wa: WhatsAppHarness, wa_id: str, question: str) -> None:
    """Type the question; send it to a person (typed again if the FAQ had an answer)."""
    await wa.say(wa_id, question)
    ids = {i for _, i in wa.choices(wa_id)}
    if FaqAsk("send").pack() in ids:
        await wa.pick(wa_id, FaqAsk("send").pack())
        return
    await wa.pick(wa_id, FaqAsk("type").pack())
    await wa.say(wa_id, question)


async def test_a_whatsapp_learners_question_is_answered_from_telegram_and_whatsapp(
    database_url: str,
) -> None:
    # Moussa's notices are bulk sends: spaced by 1.3 s here (the stand-in refuses closer
    # than 1 s) instead of Meta's 6, so the test does not wait for real; the staff notice
    # job runs when the test says (Both.notify_staff), not on its own beside it
    quicker = LocalPace(80, per_recipient=1.3)
    async with both_channels(
        database_url,
        admin_whatsapp=MOUSSA,
        question_interval=0,
        cloud_options={"pair_interval": 1.0},
        pace=quicker,
    ) as both:
        tg, wa = both.telegram, both.whatsapp
        await onboard(tg, ADMIN, "en")
        question = await _asked(both)
        assert question.text == QUESTION
        reply_id = FaqReply(question.id).pack()
        # staff on Telegram: the words as typed, HTML-escaped on the wire
        assert QUESTION in tg.text(ADMIN) and [d for _, d in tg.buttons(ADMIN)] == [reply_id]
        sent = [r for r in tg.standin.requests if r.method == "sendMessage"][-1]
        assert html.escape(QUESTION, quote=False) in str(sent.params["text"])
        # staff on WhatsApp: the same words, with nothing WhatsApp would format
        assert QUESTION_ON_WA in wa.everything(MOUSSA, since=-2)
        assert reply_id in {i for _, i in wa.choices(MOUSSA)}

        # the admin on Telegram replies; the learner gets it on WhatsApp
        await tg.press(ADMIN, reply_id)
        await tg.say(ADMIN, REPLY)
        assert tg.text(ADMIN) == "Your reply is on its way to the learner."
        await wa.settle()
        assert REPLY_ON_WA not in wa.everything(AWA, since=-2), "sent by the notice job"
        await both.notify_staff()
        assert REPLY_ON_WA in wa.everything(AWA, since=-2)
        back_id = FaqAnswerBack(question.id).pack()
        assert back_id in {i for _, i in wa.choices(AWA)}

        # and answers back, to the one who took it only
        moussa_before = len(wa.standin.messages(MOUSSA))
        await wa.pick(AWA, back_id)
        await wa.say(AWA, BACK)
        await both.notify_staff()
        assert BACK in tg.text(ADMIN) and [d for _, d in tg.buttons(ADMIN)] == [reply_id]
        sent = [r for r in tg.standin.requests if r.method == "sendMessage"][-1]
        assert "Merci *beaucoup* &lt;3" in str(sent.params["text"])
        assert len(wa.standin.messages(MOUSSA)) == moussa_before, "taken by the other admin"

        # the admin on WhatsApp answers the next question
        await _ask(wa, AWA, "Qui paie le médecin, *la société* ?")
        await both.notify_staff()
        async with wa.services.uow() as uow:
            second = max(await uow.faq.open_questions(), key=lambda q: q.id)
        assert second.id != question.id and second.taken_by is None
        await wa.pick(MOUSSA, FaqReply(second.id).pack())
        await wa.say(MOUSSA, "La société, d'après la _norme_.")
        await both.notify_staff()
        assert "La société, d'après la ˍnormeˍ." in wa.everything(AWA, since=-2)
        assert FaqAnswerBack(second.id).pack() in {i for _, i in wa.choices(AWA)}

        # /privacy on WhatsApp lists her questions; /deleteme erases them
        await wa.say(AWA, "/privacy")
        privacy = wa.everything(AWA, since=-3)
        assert "Le camion ∗de la mine∗" in privacy
        assert AWA in privacy, "her WhatsApp number is listed with what is stored"
        assert "fenêtre de 24 heures" in privacy, "and when she last wrote"
        await wa.say(AWA, "/deleteme")
        await wa.pick(AWA, DeleteData("yes").pack())
        async with wa.services.uow() as uow:
            assert await uow.faq.get_question(question.id) is None
            assert await uow.faq.get_question(second.id) is None


async def test_an_admin_on_whatsapp_without_a_staff_template_is_skipped_and_counted(
    database_url: str,
) -> None:
    """Two days after Moussa last wrote, with no staff template configured, nothing is sent
    to him (never a free-form message outside the window); the notice is counted skipped
    and the question waits in /questions."""
    manual = ManualClock(datetime(2026, 3, 23, 10, tzinfo=UTC).timestamp())

    def clock() -> datetime:
        return datetime.fromtimestamp(manual.now, UTC)

    async with both_channels(
        database_url,
        clock,
        cloud_options={"clock": manual},
        admin_whatsapp=MOUSSA,
        question_interval=0,
    ) as both:
        wa = both.whatsapp
        wa.standin.add_user(MOUSSA, "Moussa")
        await _onboard(wa, MOUSSA, "fr")
        manual.advance(timedelta(days=2).total_seconds())
        wa.standin.add_user(AWA, "Awa")
        await _onboard(wa, AWA, "fr")
        await _ask(wa, AWA, QUESTION)
        before = len(wa.standin.messages(MOUSSA))

        report = await both.telegram.notify_staff()
        await wa.settle()

        assert report.outcomes.get(NoticeState.SKIPPED) == 1, report
        assert len(wa.standin.messages(MOUSSA)) == before, "nothing outside the window"
        async with wa.services.uow() as uow:
            [question] = await uow.faq.open_questions()
        assert question.text == QUESTION and question.taken_by is None
        await wa.say(MOUSSA, "/questions")
        assert FaqReply(question.id).pack() in {i for _, i in wa.choices(MOUSSA)}


async def test_a_reply_to_a_whatsapp_learner_survives_a_restart_before_its_delivery(
    database_url: str,
) -> None:
    """The staff member's turn only writes the reply down; the process stops before the
    notice job ran, and the job of the next start delivers it on WhatsApp, once."""
    async with both_channels(database_url, admin_whatsapp=MOUSSA) as both:
        wa = both.whatsapp
        question = await _asked(both)
        await wa.pick(MOUSSA, FaqReply(question.id).pack())
        await wa.say(MOUSSA, REPLY)
        assert REPLY_ON_WA not in wa.everything(AWA), "not inside the staff member's turn"

        await both.restart()
        await both.notify_staff()
        got = [m for m in both.whatsapp.standin.messages(AWA) if REPLY_ON_WA in str(m)]
        assert len(got) == 1, "delivered by the next start's job"
        assert FaqAnswerBack(question.id).pack() in {i for _, i in both.whatsapp.choices(AWA)}
        await both.notify_staff()
        again = [m for m in both.whatsapp.standin.messages(AWA) if REPLY_ON_WA in str(m)]
        assert len(again) == 1, "never twice"
