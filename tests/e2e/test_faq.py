"""Questions about complaints end to end: browse, ask (hit and miss), a person's reply and the
learner's answer back, the complaint guide, ratings, /faqgaps, privacy."""

from __future__ import annotations

import html

from sqlalchemy import func, select

from bot.db.models import ComplaintDraft, FaqFeedback, FaqQuestion
from bot.services.faq import ASK_LIMIT, SAFETY_ENTRY, NoticeState, TooManyQuestions
from bot.telegram_html import visible_text
from bot.views.faq import PORTAL
from tests.e2e.conftest import ADMIN, USERS, onboard
from tests.e2e.harness import Harness

STALE = "This button is out of date. Here is the menu."


def data_of(bot: Harness, user: int) -> list[str]:
    return [data for _, data in bot.buttons(user)]


async def count(bot: Harness, table: type) -> int:
    async with bot.services.uow() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(table)) or 0)


async def test_browse_topics_answers_related_and_safety_line(bot: Harness) -> None:
    user = USERS["pt"]
    t = bot.services.i18n.translator("pt")
    await onboard(bot, user, "pt")
    await bot.press(user, "m:faq")
    assert t.gettext("Questions about complaints") in bot.text(user)
    assert PORTAL in bot.text(user), "the safety line is on the FAQ's first screen"
    groups = [d for d in data_of(bot, user) if d.startswith("ag:")]
    assert groups == [
        "ag:basics:0",
        "ag:sending:0",
        "ag:safety:0",
        "ag:after:0",
        "ag:other-routes:0",
    ]
    await bot.press(user, "ag:after:0")  # 8 questions: two pages
    first = [d for d in data_of(bot, user) if d.startswith("a:")]
    assert len(first) == 6 and "ag:after:1" in data_of(bot, user)
    await bot.press(user, "ag:after:1")
    assert "ag:after:0" in data_of(bot, user)
    await bot.press(user, "a:timelines")
    text = bot.text(user)
    entry = bot.services.course.faq_in("pt").entry("timelines")
    assert entry is not None and entry.question in text
    assert "Não sabemos" in text, "an honest answer where the facts are not established"
    assert t.gettext("Was this helpful?") in text
    assert PORTAL in text and t.gettext("Sources: {links}").split(":")[0] in text
    buttons = data_of(bot, user)
    assert buttons[:2] == ["ar:timelines:up", "ar:timelines:down"]
    assert [d for d in buttons if d.startswith("a:")] == [f"a:{i}" for i in entry.related]
    assert "ap:type" in buttons
    await bot.press(user, "a:no-such-entry")
    assert t.gettext(STALE) in bot.text(user)
    await bot.say(user, "/faq")
    await bot.press(user, "ag:after:9")
    assert t.gettext(STALE) in bot.text(user)


async def test_typed_question_is_answered_in_the_learners_language(bot: Harness) -> None:
    fr, hi = USERS["fr"], USERS["hi"]
    await onboard(bot, fr, "fr")
    await bot.say(fr, "est-ce que je peux porter plainte sans donner mon nom")
    anonymity = bot.services.course.faq_in("fr").entry("anonymity")
    assert anonymity is not None and anonymity.question in bot.text(fr)
    assert PORTAL in bot.text(fr)
    others = [d for d in data_of(bot, fr) if d.startswith("a:")]
    assert 1 <= len(others) <= 3 and "a:anonymity" not in others
    # typos and missing accents
    await bot.say(fr, "combien de temps ca prend pour avoir une reponce")
    timelines = bot.services.course.faq_in("fr").entry("timelines")
    assert timelines is not None and timelines.question in bot.text(fr)
    # romanised Hindi finds the Hindi entry
    await onboard(bot, hi, "hi")
    await bot.say(hi, "shikayat kaise kare")
    submit = bot.services.course.faq_in("hi").entry("how-to-submit")
    assert submit is not None and submit.question in bot.text(hi)
    # a glossary word stays a glossary word; a command stays a command
    await bot.say(fr, "bauxite")
    assert "a:" not in " ".join(data_of(bot, fr))
    await bot.say(fr, "/faq")
    assert "ag:basics:0" in data_of(bot, fr)


def safety_advice(bot: Harness, language: str) -> str:
    """The general safety advice as the learner sees it (the retaliation entry's answer)."""
    entry = bot.services.course.faq_in(language).entry(SAFETY_ENTRY)
    assert entry is not None
    return visible_text(entry.answer)


async def test_a_question_about_threats_gets_the_safety_advice_first(bot: Harness) -> None:
    user = USERS["en"]
    await onboard(bot, user, "en")
    advice = safety_advice(bot, "en")
    assert advice.startswith("Staying safe when speaking up: general advice from defender")
    await bot.say(user, "they threatened to kill us if we complain")
    text = bot.text(user)
    assert text.startswith(advice), "the labelled safety advice comes before anything else"
    assert text.count(advice) == 1, "never twice, even when the answer is the advice itself"
    assert "ASI cannot physically protect anyone." in text and PORTAL in text
    # above whatever the search answers: another entry, or "I am not sure"
    await bot.say(
        user, "men from the mine followed me home, can I complain without giving my name?"
    )
    text = bot.text(user)
    anonymity = bot.services.course.faq_in("en").entry("anonymity")
    assert anonymity is not None and anonymity.question in text
    assert text.startswith(advice) and text.index(advice) < text.index(anonymity.question)
    await bot.say(user, "the police detained my brother, what will the weather be tomorrow")
    assert bot.text(user).startswith(advice)
    # a near miss gets the answer alone
    await bot.say(user, "can the threat of rain delay an audit")
    assert advice not in bot.text(user)
    await bot.say(user, "how do I follow my complaint")
    assert advice not in bot.text(user)


async def test_the_safety_advice_comes_first_in_every_language(bot: Harness) -> None:
    for language, question in (
        ("fr", "ils nous ont menacés, est-ce que je peux porter plainte sans mon nom"),
        ("hi", "company ke log dhamki de rahe hain, shikayat kaise kare"),
        ("pt", "fomos seguidos e ameaçados pelos seguranças da mina, o que fazer"),
    ):
        user = USERS[language]
        await onboard(bot, user, language)
        await bot.say(user, question)
        assert bot.text(user).startswith(safety_advice(bot, language)), language


async def test_unknown_question_says_so_and_offers_a_person(bot: Harness) -> None:
    user = USERS["en"]
    await onboard(bot, user, "en")
    await bot.say(user, "what will the weather be tomorrow")
    text = bot.text(user)
    assert "I am not sure I have the answer to that." in text and PORTAL in text
    buttons = data_of(bot, user)
    assert len([d for d in buttons if d.startswith("a:")]) == 3, "the three closest topics"
    assert "ap:send" in buttons
    assert await count(bot, FaqQuestion) == 0, "nothing is sent until the learner asks"


async def test_handoff_round_trip_between_a_learner_and_an_admin(bot: Harness) -> None:
    learner, trainer = USERS["fr"], USERS["pt"]
    await onboard(bot, ADMIN, "en")
    await onboard(bot, trainer, "pt")
    async with bot.services.uow() as uow:
        await uow.users.set_role(await bot.uid(trainer), "trainer")
        await uow.commit()
    await onboard(bot, learner, "fr")
    question = "Le camion de la mine <b>a tué</b> nos chèvres & personne ne répond, que faire ?"
    await bot.say(learner, question)
    if "ap:send" not in data_of(bot, learner):  # answered by the FAQ: ask a person anyway
        await bot.press(learner, "ap:type")
        await bot.say(learner, question)
    else:
        await bot.press(learner, "ap:send")
    assert question not in bot.text(ADMIN), "staff hear of it from the notice job, not the turn"
    report = await bot.notify_staff()
    assert report.outcomes == {NoticeState.SENT: 2} and report.claimed == 2
    t_fr = bot.services.i18n.translator("fr")
    assert t_fr.gettext("No one is available right now; it waits in the queue.") not in bot.text(
        learner
    )
    async with bot.services.uow() as uow:
        [open_] = await uow.faq.open_questions()
    assert open_.text == question and open_.user_id == await bot.uid(learner)
    assert open_.taken_by is None
    # the admin and the trainer both get it, escaped, with a Reply button, without a name
    for staff in (ADMIN, trainer):
        assert question in bot.text(staff), "shown as typed (HTML-escaped on the wire)"
        assert data_of(bot, staff) == [f"aq:{open_.id}"]
        assert "Learner fr" not in bot.text(staff)
    # the learner cannot use the staff button; /questions is unknown to them
    await bot.press(learner, f"aq:{open_.id}", message_id=bot.last(learner)["message_id"])
    assert t_fr.gettext("Only admins and trainers can reply to questions.") in bot.text(learner)
    await bot.say(learner, "/questions")
    assert t_fr.gettext("I don't know that command. Send /help to see what I can do.") in (
        bot.text(learner)
    )
    # /questions lists it, oldest first, not taken yet
    await bot.say(ADMIN, "/questions")
    assert "1 open question, oldest first" in bot.text(ADMIN) and "not taken" in bot.text(ADMIN)
    await bot.press(ADMIN, f"aq:{open_.id}")
    assert "Type your reply to question" in bot.text(ADMIN)
    reply = "Vous pouvez écrire à l'ASI. <i>Gardez</i> des photos & notes."
    await bot.say(ADMIN, reply)
    assert bot.text(ADMIN) == "Your reply is on its way to the learner."
    assert reply not in bot.text(learner), "the learner gets it from the notice job"
    assert (await bot.notify_staff()).outcomes == {NoticeState.SENT: 1}
    got = bot.text(learner)
    assert reply in got and PORTAL in got, "the reply arrives as written, escaped"
    sent = [
        r
        for r in bot.standin.requests
        if r.method == "sendMessage" and r.params.get("chat_id") == learner
    ][-1]
    assert html.escape(reply) in str(sent.params["text"])
    assert data_of(bot, learner)[0] == f"ab:{open_.id}"
    async with bot.services.uow() as uow:
        answered = await uow.faq.get_question(open_.id)
    assert answered is not None and answered.status == "answered"
    assert answered.taken_by == await bot.uid(ADMIN)
    # the learner answers back; it goes to the admin who took it, not to the trainer
    trainer_before = bot.text(trainer)
    await bot.press(learner, f"ab:{open_.id}")
    await bot.say(learner, "Merci. Et si la société refuse ?")
    assert bot.text(learner) == t_fr.gettext("Sent.")
    assert (await bot.notify_staff()).outcomes == {NoticeState.SENT: 1}
    assert "Merci. Et si la société refuse ?" in bot.text(ADMIN)
    assert data_of(bot, ADMIN) == [f"aq:{open_.id}"]
    assert bot.text(trainer) == trainer_before
    await bot.say(ADMIN, "/questions")
    assert f"taken by {ADMIN}" in bot.text(ADMIN)
    # someone else's question cannot be answered back
    await bot.press(trainer, f"ab:{open_.id}", message_id=bot.last(trainer)["message_id"])
    assert bot.services.i18n.translator("pt").gettext(STALE) in bot.text(trainer)


async def test_complaint_guide_stores_nothing_unless_saved(bot: Harness) -> None:
    user = USERS["en"]
    await onboard(bot, user, "en")
    await bot.press(user, "m:faq")
    await bot.press(user, "ac:start")
    assert "Preparing a complaint" in bot.text(user) and "Question 1 of 7" in bot.text(user)
    intro = bot.text(user)
    assert "stays in this chat: on your phone and with Telegram" in intro
    assert "leave out names" in intro and "phone numbers" in intro
    assert intro.index("Before you start") < intro.index("Question 1 of 7"), "before it starts"
    await bot.say(user, "Red dust <b>covers</b> our crops & the well is muddy")
    assert "Question 2 of 7" in bot.text(user)
    await bot.say(user, "Near the haul road, Kamsar")
    await bot.press(user, "ac:skip")  # when
    await bot.say(user, "The mining company's trucks")
    await bot.say(user, "Photos of the well, two witnesses")
    await bot.say(user, "Stop the dust and clean the well")
    assert "Question 7 of 7" in bot.text(user)
    await bot.say(user, "yes please")  # the last question wants a button
    assert "Question 7 of 7" in bot.text(user)
    await bot.press(user, "ac:yes")
    summary = bot.text(user)
    assert "Your summary" in summary
    assert "What happened: Red dust <b>covers</b> our crops & the well is muddy" in summary
    assert "When: (not given)" in summary and "Stay anonymous: Yes" in summary
    assert PORTAL in summary
    assert await count(bot, ComplaintDraft) == 0, "nothing stored before Save"
    await bot.press(user, "ac:save")
    assert "Draft saved." in bot.text(user)
    async with bot.services.uow() as uow:
        draft = await uow.faq.get_draft(await bot.uid(user))
    assert draft is not None and "Kamsar" in draft.text
    await bot.press(user, "ac:save", message_id=bot.last(user)["message_id"])  # twice: stale
    assert STALE in bot.text(user)
    await bot.say(user, "/faq")
    assert "ac:draft" in data_of(bot, user)
    await bot.press(user, "ac:draft")
    assert "Your saved draft" in bot.text(user) and "Kamsar" in bot.text(user)
    await bot.press(user, "ac:delete")
    assert "Your draft is deleted." in bot.text(user)
    assert await count(bot, ComplaintDraft) == 0
    # stopping half-way stores nothing and the next text is a question again
    await bot.press(user, "m:faq")
    await bot.press(user, "ac:start")
    await bot.say(user, "Something happened")
    await bot.press(user, "ac:stop")
    assert "Nothing was stored." in bot.text(user)
    await bot.say(user, "can i complain without my name")
    assert "Can I complain without giving my name?" in bot.text(user)
    assert await count(bot, ComplaintDraft) == 0


async def test_feedback_buttons_and_faqgaps(bot: Harness) -> None:
    learner = USERS["hi"]
    await onboard(bot, ADMIN, "en")
    await onboard(bot, learner, "hi")
    t = bot.services.i18n.translator("hi")
    await bot.press(learner, "m:faq")
    await bot.press(learner, "ag:after:0")
    await bot.press(learner, "a:appeal")
    await bot.press(learner, "ar:appeal:down")
    assert t.gettext(
        "Thank you for telling us. We will improve this answer. You can also ask a person."
    ) in bot.text(learner)
    assert "ap:type" in data_of(bot, learner)
    await bot.press(learner, "ar:appeal:up", message_id=bot.last(learner)["message_id"] - 1)
    await bot.press(learner, "ar:appeal:down", message_id=bot.last(learner)["message_id"] - 1)
    assert await count(bot, FaqFeedback) == 1, "one vote per learner and answer; the last counts"
    await bot.press(learner, "ar:no-such-entry:up", message_id=bot.last(learner)["message_id"])
    assert t.gettext(STALE) in bot.text(learner)
    await bot.say(learner, "kal mausam kaisa rahega")
    await bot.press(learner, "ap:send")
    await bot.say(learner, "/faqgaps")
    assert t.gettext("I don't know that command. Send /help to see what I can do.") in (
        bot.text(learner)
    ), "/faqgaps is for admins and trainers only"
    await bot.say(ADMIN, "/faqgaps")
    gaps = bot.text(ADMIN)
    assert "Questions the FAQ could not answer" in gaps and "kal mausam kaisa rahega" in gaps
    assert "Can I appeal if I disagree with the decision?: 👎 1 · 👍 0" in gaps
    # a trainer sees how many asked near which topic, never a learner's words
    trainer = USERS["en"]
    await onboard(bot, trainer, "en")
    async with bot.services.uow() as uow:
        await uow.users.set_role(await bot.uid(trainer), "trainer")
        [question] = await uow.faq.recent_questions()
        await uow.commit()
    mark = len(bot.standin.requests)
    await bot.say(trainer, "/faqgaps")
    gaps = bot.text(trainer)
    said = " ".join(str(r.params.get("text", "")) for r in bot.requests_since(mark))
    assert "kal mausam" not in said and "kal mausam" not in gaps
    assert "Questions sent to a person, by the closest topic:" in gaps
    closest = bot.services.course.faq_in("en").entry(question.best_entry_id or "")
    label = closest.question if closest else "no close entry"
    assert f"• {label}: 1" in gaps
    assert "Can I appeal if I disagree with the decision?: 👎 1 · 👍 0" in gaps


async def test_privacy_lists_and_deleteme_erases_questions_ratings_and_draft(
    bot: Harness,
) -> None:
    user = USERS["en"]
    await onboard(bot, ADMIN, "en")
    await onboard(bot, user, "en")
    await bot.press(user, "ap:type")
    await bot.say(user, "Who can I call at ASI?")
    await bot.press(user, "a:cost")
    await bot.press(user, "ar:cost:up")
    async with bot.services.uow() as uow:
        await uow.faq.save_draft(await bot.uid(user), "my draft", bot.services.clock())
        await uow.commit()
    await bot.say(user, "/privacy")
    privacy = bot.text(user)
    assert "Questions you sent to a person: 1" in privacy
    assert "Answers you rated (👍 or 👎): 1" in privacy
    assert "Complaint draft: saved" in privacy
    await bot.say(user, "/deleteme")
    await bot.press(user, "del:yes")
    for table in (FaqQuestion, FaqFeedback, ComplaintDraft):
        assert await count(bot, table) == 0, table


async def test_questions_to_a_person_are_limited_per_learner(bot: Harness) -> None:
    """Five an hour per learner: the sixth is refused with a clear answer, stored nowhere and
    sent to nobody; another learner is not held up."""
    learner, other = USERS["pt"], USERS["en"]
    await onboard(bot, ADMIN, "en")
    await onboard(bot, learner, "pt")
    await onboard(bot, other, "en")
    for n in range(ASK_LIMIT):
        await bot.press(learner, "m:faq")
        await bot.press(learner, "ap:type")
        await bot.say(learner, f"Pergunta número {n} sobre a poeira")
    mark = len(bot.standin.requests)
    await bot.press(learner, "m:faq")
    await bot.press(learner, "ap:type")
    await bot.say(learner, "Mais uma pergunta sobre a poeira")
    t = bot.services.i18n.translator("pt")
    assert t.gettext(TooManyQuestions.msgid) in bot.text(learner)
    assert (await bot.notify_staff()).outcomes == {NoticeState.SENT: ASK_LIMIT}
    staff = [
        r
        for r in bot.requests_since(mark)
        if r.method == "sendMessage" and r.params.get("chat_id") == ADMIN
    ]
    assert len(staff) == ASK_LIMIT, "each accepted question once"
    assert not any("Mais uma" in str(r.params.get("text")) for r in staff), "nobody was told"
    async with bot.services.uow() as uow:
        texts = [q.text for q in await uow.faq.open_questions()]
    assert len(texts) == ASK_LIMIT and "Mais uma pergunta sobre a poeira" not in texts
    await bot.press(other, "m:faq")
    await bot.press(other, "ap:type")
    await bot.say(other, "Who fixes the road?")
    async with bot.services.uow() as uow:
        assert len(await uow.faq.open_questions()) == ASK_LIMIT + 1


async def _staff_and_question(bot: Harness) -> tuple[int, int, int, int]:
    """An admin, a trainer and a learner's question to a person: (learner, trainer, id,
    the trainer's internal id)."""
    learner, trainer = USERS["en"], USERS["pt"]
    await onboard(bot, ADMIN, "en")
    await onboard(bot, trainer, "en")
    async with bot.services.uow() as uow:
        await uow.users.set_role(await bot.uid(trainer), "trainer")
        await uow.commit()
    await onboard(bot, learner, "en")
    await bot.press(learner, "ap:type", message_id=bot.last(learner)["message_id"])
    await bot.say(learner, "My well went dry after the blasting")
    async with bot.services.uow() as uow:
        [question] = await uow.faq.open_questions()
    return learner, trainer, question.id, await bot.uid(trainer)


async def test_a_question_taken_by_one_staff_member_is_theirs(bot: Harness) -> None:
    learner, trainer, qid, _ = await _staff_and_question(bot)
    # both press Reply; the admin sends first and so takes the question
    await bot.press(trainer, f"aq:{qid}")
    await bot.press(ADMIN, f"aq:{qid}")
    await bot.say(ADMIN, "Write to the grievance office.")
    assert bot.text(ADMIN) == "Your reply is on its way to the learner."
    await bot.notify_staff()
    learner_before = len(bot.messages(learner))
    await bot.say(trainer, "Another answer")
    assert "Another person answered this question first" in bot.text(trainer)
    assert (await bot.notify_staff()).claimed == 0
    assert len(bot.messages(learner)) == learner_before, "the second reply is not delivered"
    async with bot.services.uow() as uow:
        question = await uow.faq.get_question(qid)
    assert question is not None and question.taken_by == await bot.uid(ADMIN)

    # a forged or old Reply button shows the trainer nothing of the question
    await bot.say(trainer, "/menu")
    mark = len(bot.standin.requests)
    await bot.press(trainer, f"aq:{qid}")
    assert STALE in bot.text(trainer)
    seen = " ".join(str(r.params.get("text", "")) for r in bot.requests_since(mark))
    assert "well went dry" not in seen
    await bot.say(trainer, "Still typing")  # nothing waits for a reply from the trainer
    assert "on its way" not in bot.text(trainer)
    # /questions: the learner answered back, so it is open again, but only for the admin
    await bot.press(learner, f"ab:{qid}")
    await bot.say(learner, "It is still dry")
    await bot.say(trainer, "/questions")
    assert f"taken by {ADMIN}" in bot.text(trainer)
    assert "well went dry" not in bot.text(trainer)
    assert f"aq:{qid}" not in data_of(bot, trainer)
    await bot.say(ADMIN, "/questions")
    assert "well went dry" in bot.text(ADMIN) and f"aq:{qid}" in data_of(bot, ADMIN)
    # a learner cannot press a staff button at all
    await bot.press(learner, f"aq:{qid}", message_id=bot.last(learner)["message_id"])
    assert "Only admins and trainers can reply to questions." in bot.text(learner)


async def test_an_old_send_button_after_deleteme_sends_nothing(bot: Harness) -> None:
    """The question the FAQ could not answer is kept in memory for "Ask a person → Send";
    after /deleteme the old button finds nothing, and no staff member gets it."""
    user = USERS["en"]
    await onboard(bot, ADMIN, "en")
    await onboard(bot, user, "en")
    await bot.say(user, "what will the weather be tomorrow")
    assert "ap:send" in data_of(bot, user)
    old_send = bot.last(user)["message_id"]
    await bot.say(user, "/deleteme")
    await bot.press(user, "del:yes")
    await onboard(bot, user, "en")
    admin_before = len(bot.messages(ADMIN))
    await bot.press(user, "ap:send", message_id=old_send)
    assert "There is no question to send. Type your question first." in bot.text(user)
    assert await count(bot, FaqQuestion) == 0
    assert (await bot.notify_staff()).claimed == 0
    assert len(bot.messages(ADMIN)) == admin_before
    assert not any("weather" in str(m.get("text", "")) for m in bot.messages(ADMIN))
