"""The Trainer menu, a trainer's cohorts, and admins' /trainers.

Each thing a button does is its own action, so a handler never switches on a verb.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.actions.base import Action


@dataclass(frozen=True, slots=True)
class NewCohort(Action):
    PREFIX = "tn"


@dataclass(frozen=True, slots=True)
class CohortLanguage(Action):
    """While creating a cohort: its language."""

    PREFIX = "tnl"
    language: str


@dataclass(frozen=True, slots=True)
class SkipCohortPlace(Action):
    """While creating a cohort: no place given."""

    PREFIX = "tns"


@dataclass(frozen=True, slots=True)
class OpenCohort(Action):
    PREFIX = "tco"
    cohort: int


@dataclass(frozen=True, slots=True)
class CohortProgress(Action):
    PREFIX = "tcp"
    cohort: int


@dataclass(frozen=True, slots=True)
class CohortChart(Action):
    PREFIX = "tcc"
    cohort: int


@dataclass(frozen=True, slots=True)
class CohortCsv(Action):
    PREFIX = "tcv"
    cohort: int


@dataclass(frozen=True, slots=True)
class CohortMissed(Action):
    """The questions the cohort missed most."""

    PREFIX = "tcm"
    cohort: int


@dataclass(frozen=True, slots=True)
class CohortQr(Action):
    PREFIX = "tcq"
    cohort: int


@dataclass(frozen=True, slots=True)
class RenewCohortLink(Action):
    PREFIX = "tcr"
    cohort: int


@dataclass(frozen=True, slots=True)
class CohortPacks(Action):
    """The workshop packs: pick a module."""

    PREFIX = "tck"
    cohort: int


@dataclass(frozen=True, slots=True)
class ModulePack(Action):
    """One module's workshop pack for a cohort."""

    PREFIX = "tckm"
    cohort: int
    module_id: str


@dataclass(frozen=True, slots=True)
class InviteTrainer(Action):
    """Admins: a one-time link that makes its user a trainer."""

    PREFIX = "tti"


@dataclass(frozen=True, slots=True)
class RemoveTrainer(Action):
    """Admins: take the trainer role back."""

    PREFIX = "ttr"
    user: int
