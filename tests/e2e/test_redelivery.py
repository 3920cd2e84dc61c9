"""An update Telegram delivers twice (a webhook call not answered in time, a batch a poller
never confirmed) changes nothing the second time, also in a new process on the same
database: one that changed something is dropped; one that changed nothing (a screen shown)
may be answered again."""

from __future__ import annotations

from typing import Any

from bot.content import Course
from tests.e2e.conftest import USERS, onboard
from tests.e2e.harness import VISIBLE, Harness


async def _redeliver(bot: Harness, update: dict[str, Any]) -> list[str]:
    """Deliver `update` again and wait until the bot has taken it; the visible calls made."""
    mark = len(bot.standin.requests)
    await bot.standin.redeliver(update)
    await bot.until_idle()
    assert bot.standin.pending_updates == 0, "the bot fetched and confirmed it"
    return [r.method for r in bot.requests_since(mark) if r.method in VISIBLE]


async def test_a_button_pressed_once_but_delivered_again_moves_nobody_back(
    bot: Harness,
) -> None:
    user = USERS["fr"]
    course: Course = bot.services.course
    cards = course.modules_in("fr")[0].card_ids
    await onboard(bot, user, "fr")
    await bot.press(user, "m:continue")
    await bot.press(user, f"c:{cards[1]}")
    second = bot.standin.updates[-1]
    assert second["callback_query"]["data"] == f"c:{cards[1]}"
    await bot.press(user, f"c:{cards[2]}")
    uid = await bot.uid(user)

    async def resumes_at() -> str | None:
        async with bot.services.uow() as uow:
            seen = await uow.progress.last_seen(uid)
        return seen.card_id if seen else None

    assert await resumes_at() == cards[2]
    assert await _redeliver(bot, second) == [], "the card is not shown again"
    assert await resumes_at() == cards[2], "progress unchanged"

    await bot.restart()  # a new process on the same database: the claim is in the database
    assert await _redeliver(bot, second) == []
    assert await resumes_at() == cards[2]
    await bot.press(user, f"c:{cards[3]}")
    assert await _redeliver(bot, bot.standin.updates[-1]) == [], "dropped after the restart"
    assert await resumes_at() == cards[3]
