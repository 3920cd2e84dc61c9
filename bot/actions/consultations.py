"""Consultations on draft Standards ("Have your say") and their admin screens."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from bot.actions.base import Action, Range

Section = Annotated[int, Range(0, 999)]
Stance = Literal["a", "c", "s"]  # agree, concerns, suggestion


@dataclass(frozen=True, slots=True)
class KOpen(Action):
    PREFIX = "ko"
    consultation: int


@dataclass(frozen=True, slots=True)
class KDraft(Action):
    """The draft's text, when it has no web page."""

    PREFIX = "kd"
    consultation: int


@dataclass(frozen=True, slots=True)
class KSection(Action):
    PREFIX = "ks"
    consultation: int
    section: Section


@dataclass(frozen=True, slots=True)
class KStance(Action):
    PREFIX = "ka"
    consultation: int
    section: Section
    stance: Stance


@dataclass(frozen=True, slots=True)
class KIdentity(Action):
    """Answer anonymously (`a`) or with one's name (`n`)."""

    PREFIX = "ki"
    consultation: int
    section: Section
    stance: Stance
    identity: Literal["a", "n"]

    @property
    def anonymous(self) -> bool:
        return self.identity == "a"


@dataclass(frozen=True, slots=True)
class KMine(Action):
    """The learner's own named answers."""

    PREFIX = "km"


@dataclass(frozen=True, slots=True)
class KAnswer(Action):
    PREFIX = "kv"
    consultation: int
    number: int


@dataclass(frozen=True, slots=True)
class KEdit(Action):
    PREFIX = "ke"
    consultation: int
    number: int


@dataclass(frozen=True, slots=True)
class KWithdraw(Action):
    PREFIX = "kw"
    consultation: int
    number: int


@dataclass(frozen=True, slots=True)
class KWithdrawYes(Action):
    PREFIX = "ky"
    consultation: int
    number: int


@dataclass(frozen=True, slots=True)
class KFollow(Action):
    """ "Tell me what changed" under an anonymous receipt."""

    PREFIX = "kf"
    consultation: int


@dataclass(frozen=True, slots=True)
class KNotify(Action):
    """Notices of new consultations: on or off."""

    PREFIX = "kn"
    switch: Literal["on", "off"]


@dataclass(frozen=True, slots=True)
class KCancel(Action):
    """Stop writing an answer."""

    PREFIX = "kz"


@dataclass(frozen=True, slots=True)
class KAdminList(Action):
    PREFIX = "kl"


@dataclass(frozen=True, slots=True)
class KPublish(Action):
    """Admins: publish a consultation file, by its slug."""

    PREFIX = "kp"
    slug: str


@dataclass(frozen=True, slots=True)
class KAdminView(Action):
    PREFIX = "kc"
    consultation: int


@dataclass(frozen=True, slots=True)
class KExport(Action):
    PREFIX = "kx"
    consultation: int
    format: Literal["csv", "xlsx", "zip"]


@dataclass(frozen=True, slots=True)
class KOutcome(Action):
    """Admins: write what changed, for one closed consultation."""

    PREFIX = "kq"
    consultation: int
