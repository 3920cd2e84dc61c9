"""What keeps a learner safe on each channel: /privacy and /deleteme, buttons forged or
stale, webhook calls without the platform's signature (Telegram: its secret token), and
the same message delivered twice."""

from __future__ import annotations

from bot.actions.quizzes import QuizPick
from bot.errors import StaleButton
from tests.parity.conftest import World, onboard
from tests.parity.driver import Auth, Person

NAME = "Zinnia Okoro"


async def _state(world: World, person: Person) -> tuple[object, ...]:
    user_id = await person.user_id()
    async with world.both.telegram.services.uow() as uow:
        stored = await uow.users.get(user_id)
        assert stored is not None
        return (
            stored.language,
            stored.consent_at,
            await uow.progress.seen_card_ids(user_id),
            await uow.progress.last_seen(user_id),
        )


async def test_privacy_then_deletion(world: World, channel: str) -> None:
    learner = world.person(channel, "en", NAME)
    await onboard(learner)
    await learner.choose("m:continue")
    await learner.say("/privacy")
    address = getattr(learner, "telegram_id", None) or getattr(learner, "wa_id", None)
    assert learner.reads(str(address)), "the account's number"
    assert learner.reads("Language: English") and learner.reads("Cards opened: 1 card")
    assert NAME not in learner.shown(), "the name is not stored"

    t = learner.t
    user_id = await learner.user_id()
    await learner.say("/deleteme")
    await learner.choose("del:no")
    assert learner.reads(t.gettext("Nothing was deleted."))
    await learner.say("/deleteme")
    await learner.choose("del:yes")
    assert learner.reads(
        t.gettext("Done: everything about you is deleted. Send /start to begin again.")
    )
    services = world.both.telegram.services
    async with services.uow() as uow:
        assert await uow.users.get(user_id) is None
        assert await uow.progress.count(user_id) == 0
        assert await uow.events.count(user_id) == 0
        assert await uow.accounts.of_user(user_id) == []


async def test_forged_and_stale_buttons_change_nothing(world: World, channel: str) -> None:
    learner = world.person(channel, "en")
    await onboard(learner)
    old_menu = learner.newest()
    await learner.say("/menu")  # a newer menu; the old one stays in the chat
    await learner.choose("m:continue")
    before = await _state(world, learner)
    stale = learner.t.gettext(StaleButton.msgid)
    for forged in (
        "c:no-such-card",
        "c:../../etc",
        "mod:no-such-module",
        "fin:nope",
        "lang:de",
        "m:admin",
        "del:everyone",
        "zzz",
        "c:" + "x" * 60,
        "ok:yes:extra",
        QuizPick(99, 0, 0).pack(),
    ):
        await learner.say("/menu")  # a fresh message each time (Telegram edits it)
        await learner.forge(forged)
        assert learner.reads(stale) or learner.reads("Main menu"), (forged, learner.shown())
        assert await _state(world, learner) == before, forged
    await learner.press_old(old_menu, "m:progress")
    assert learner.reads("Your progress"), "an old message's button still works, safely"
    assert await _state(world, learner) == before


async def test_a_webhook_call_without_the_platforms_signature_is_refused(
    world: World, channel: str
) -> None:
    learner = world.person(channel, "en")
    await onboard(learner)
    refused = {Auth.MISSING: 401 if channel == "whatsapp" else 403, Auth.WRONG: 403}
    for auth, status in refused.items():
        assert await learner.post("/progress", auth) == status, auth
        assert learner.shown() == "", "not processed"
    assert await learner.post("/progress", Auth.RIGHT) == 200
    assert learner.reads("Your progress")


async def test_the_same_message_delivered_twice(world: World, channel: str) -> None:
    learner = world.person(channel, "en")
    cards = world.both.telegram.services.course.modules_in("en")[0].card_ids
    await onboard(learner)
    await learner.choose("m:continue")
    await learner.choose(f"c:{cards[1]}")
    await learner.choose(f"c:{cards[2]}")
    before = await _state(world, learner)
    assert await learner.deliver_again(back=1) == 0, "the second card is not shown again"
    assert await _state(world, learner) == before, "nobody is moved back"

    await learner.say("/progress")
    screen = len(learner.kinds())
    assert await learner.deliver_again() in (0, screen), "at most the same screen again"
    assert await _state(world, learner) == before
