"""/privacy shows what is stored; /deleteme erases it after a confirmation."""

from __future__ import annotations

from tests.e2e.conftest import USERS, onboard
from tests.e2e.harness import Harness


async def test_privacy_lists_what_is_stored(bot: Harness) -> None:
    user = USERS["en"]
    await onboard(bot, user, "en")
    await bot.press(user, "m:continue")
    await bot.say(user, "/privacy")
    text = bot.text(user)
    assert str(user) in text
    assert "Language: English" in text
    assert "Cards opened: 1 card" in text
    assert "Learner en" not in text, "the name is not stored"


async def test_deleteme_needs_confirmation_then_erases_everything(bot: Harness) -> None:
    user = USERS["pt"]
    await onboard(bot, user, "pt")
    await bot.press(user, "m:continue")
    await bot.say(user, "/deleteme")
    t = bot.services.i18n.translator("pt")
    await bot.press(user, "del:no")
    assert t.gettext("Nothing was deleted.") in bot.text(user)
    async with bot.services.uow() as uow:
        assert await uow.users.get(await bot.uid(user)) is not None

    uid = await bot.uid(user)
    await bot.say(user, "/deleteme")
    await bot.press(user, "del:yes")
    assert t.gettext("Done: everything about you is deleted. Send /start to begin again.") in (
        bot.text(user)
    )
    async with bot.services.uow() as uow:
        assert await uow.users.get(uid) is None
        assert await uow.progress.count(uid) == 0
        assert await uow.events.count(uid) == 0
        assert await uow.accounts.of_user(uid) == []
