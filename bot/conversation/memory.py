"""What the bot remembers of a person between their messages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot import waiting
from bot.conversation.events import Media
from bot.screens import Screen
from bot.sealing import Sealer
from bot.waiting import Wait

# People whose memory a process keeps; past it, the least recently seen is dropped (what
# matters of it is in users.waiting, and the rest is a cache or a step they can repeat).
MEMORIES_KEPT = 10_000


@dataclass
class Memory:
    """What the bot remembers of one person between their messages, in this process.

    `waiting` (bot.waiting) is what typed message the bot waits for; it is read back from
    users.waiting at every update and written there when it changes, so it survives a
    restart and is the same in every process. `pending_invitation` (a cohort code opened
    before onboarding was done) is kept beside it. Everything else here is never written
    to the database: the language (a cache), a certificate name typed but not yet
    confirmed, the question the FAQ could not answer or a voice note sent where no question
    was expected (the channel's reference to it; both offered to "Ask a person"), the
    complaint guide's answers so far, and the last screen a channel showed as a paged list
    (`paged`: its "More…" pages are cut from it again; after a restart a "More…" press
    finds nothing and is answered as a stale button).
    """

    language: str | None = None
    waiting: Wait | None = None
    pending_invitation: str | None = None
    certificate_name: str | None = None
    faq_unanswered: str | Media | None = None
    guide_answers: dict[str, str] = field(default_factory=dict)
    paged: Screen | None = None
    # what users.waiting held at the start of this update, to write only a change
    loaded: tuple[Wait | None, str | None] = (None, None)

    def forget(self) -> None:
        """Drop everything held for this person (after /deleteme)."""
        self.waiting = None
        self.pending_invitation = None
        self.certificate_name = None
        self.faq_unanswered = None
        self.guide_answers = {}
        self.paged = None


def load_steps(data: Memory, saved: object, user_id: int, sealer: Sealer | None) -> None:
    """Put back what users.waiting holds; what does not parse is dropped, not guessed."""
    stored = saved if isinstance(saved, dict) else {}
    data.waiting = waiting.unseal(stored.get("wait"), user_id, sealer)
    invitation = stored.get("invitation")
    data.pending_invitation = invitation if isinstance(invitation, str) else None
    data.loaded = (data.waiting, data.pending_invitation)


def steps_to_save(data: Memory, user_id: int, sealer: Sealer | None) -> dict[str, Any] | None:
    """What users.waiting should hold now; None when the bot waits for nothing."""
    out: dict[str, Any] = {}
    if data.waiting is not None:
        out["wait"] = waiting.seal(data.waiting, user_id, sealer)
    if data.pending_invitation is not None:
        out["invitation"] = data.pending_invitation
    return out or None
