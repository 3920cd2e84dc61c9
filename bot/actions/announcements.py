"""Announcements: writing, addressing, previewing, scheduling and sending them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from bot.actions.base import Action, Range


@dataclass(frozen=True, slots=True)
class WriteAnnouncement(Action):
    """Trainer menu: write an announcement."""

    PREFIX = "na"


@dataclass(frozen=True, slots=True)
class ScheduledAnnouncements(Action):
    """Trainer menu: the announcements waiting to go out."""

    PREFIX = "nl"


@dataclass(frozen=True, slots=True)
class ToggleCohort(Action):
    """Add or remove a cohort from an announcement's recipients."""

    PREFIX = "nt"
    announcement: int
    cohort: int


@dataclass(frozen=True, slots=True)
class ToEveryone(Action):
    """Admins: address every learner."""

    PREFIX = "ne"
    announcement: int


@dataclass(frozen=True, slots=True)
class PreviewAnnouncement(Action):
    PREFIX = "np"
    announcement: int


@dataclass(frozen=True, slots=True)
class ChangeAudience(Action):
    """From the preview: back to choosing the cohorts."""

    PREFIX = "nb"
    announcement: int


@dataclass(frozen=True, slots=True)
class SendAnnouncement(Action):
    PREFIX = "ns"
    announcement: int


@dataclass(frozen=True, slots=True)
class ChooseSendTime(Action):
    PREFIX = "nw"
    announcement: int


@dataclass(frozen=True, slots=True)
class SendAt(Action):
    """Schedule: a day offset from today and a local hour."""

    PREFIX = "nat"
    announcement: int
    day: Annotated[int, Range(0, 30)]
    hour: Annotated[int, Range(0, 23)]


@dataclass(frozen=True, slots=True)
class DropAnnouncement(Action):
    """Discard a draft."""

    PREFIX = "nd"
    announcement: int


@dataclass(frozen=True, slots=True)
class CancelAnnouncement(Action):
    """Cancel a scheduled announcement."""

    PREFIX = "nc"
    announcement: int
