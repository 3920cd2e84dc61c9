"""Each incoming event processed once, though a platform may deliver it twice.

Telegram resends a webhook update it got no answer to in time, and a poller that restarts
before confirming its last batch gets it again; Meta retries a webhook call for days and
says the same message can arrive twice. The claim is a row keyed by (platform, event id),
written in the event's turn and committed with what the turn changed: a second delivery, to
this process after a restart or to another instance, finds the row and is dropped. So what
an event changed is applied at most once: an event whose processing crashed the process
after its first commit is not taken again, which is the better failure here (a
consultation answer recorded twice, or a quiz answered twice, is worse than a lost message
the person sees unanswered and sends again).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.db.uow import UnitOfWork

# Longer than anyone redelivers: Meta retries a webhook call for up to 7 days, Telegram
# keeps an unconfirmed update for 24 hours.
KEPT = timedelta(days=8)


async def claim_in_turn(uow: UnitOfWork, platform: str, event_id: str, now: datetime) -> bool:
    """Claim the event inside the turn's unit of work, committed with the turn's first
    commit. So an event that changed something is never applied twice, and costs no
    transaction of its own; one whose turn committed nothing (a menu shown, a crash before
    anything was kept) leaves no claim, and delivered again is answered again, which
    changes nothing. A claim of its own per event halved the bot's throughput
    (benchmarks.updates)."""
    return await uow.processed.first_time(platform, event_id, now)


async def prune(uow: UnitOfWork, now: datetime) -> None:
    """Forget claims older than KEPT (no platform redelivers an event that old)."""
    await uow.processed.prune(now - KEPT)
    await uow.commit()
