"""/privacy shows what is stored; /deleteme erases it after a confirmation."""

from __future__ import annotations

from tests.accounts import add_telegram_user
from tests.e2e.conftest import USERS, onboard
from tests.e2e.harness import Harness


async def test_privacy_shows_what_the_person_wrote_escaped_and_within_one_message(
    bot: Harness,
) -> None:
    """Their questions to a person (shortened), the cohorts they joined, their draft; every
    word of theirs escaped; past one message's 4,096 characters, the rest is counted."""
    user = USERS["hi"]
    await onboard(bot, user, "hi")
    uid = await bot.uid(user)
    now = bot.services.clock()
    async with bot.services.uow() as uow:
        for n in range(60):
            words = f"Q{n:02d} <b>bold</b> & more " + "word " * 200
            await uow.faq.add_question(uid, "hi", words[:1000], now, None, None)
        await add_telegram_user(uow, 777, now, "trainer")
        trainer = await uow.accounts.user_id("telegram", "777")
        assert trainer is not None
        cohort = await uow.cohorts.add(trainer, "<i>Village</i> & co", "hi", "Boké", now)
        await uow.cohorts.add_member(cohort, uid, "Asha", now)
        await uow.faq.save_draft(uid, "My draft <script>", now)
        await uow.commit()
    await bot.say(user, "/privacy")
    text = bot.text(user)  # what the learner reads (the stand-in checked the HTML)
    sent = [r for r in bot.standin.requests if r.method == "sendMessage"][-1]
    assert len(str(sent.params["text"])) <= 4096
    assert "Q59 <b>bold</b> & more word" in text, "the newest question, as typed"
    assert "Q00" not in text, "the oldest ones are only counted"
    t = bot.services.i18n.translator("hi")
    assert t.ngettext("… and {n} more", "… and {n} more", 50).format(n=50) in text
    assert "<i>Village</i> & co · Boké" in text
    assert "My draft <script>" in text
    assert "&lt;b&gt;bold" in str(sent.params["text"])
