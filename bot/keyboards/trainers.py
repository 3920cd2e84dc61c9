"""Trainer buttons: the Trainer menu, a cohort's screen, cohort creation, invitations,
workshop packs, /trainers, and a learner's Leave buttons."""

from __future__ import annotations

from bot.actions.announcements import ScheduledAnnouncements, WriteAnnouncement
from bot.actions.invitations import AcceptTrainerRole, DeclineInvitation, JoinCohort, LeaveCohort
from bot.actions.menu import Menu
from bot.actions.trainers import (
    CohortChart,
    CohortCsv,
    CohortLanguage,
    CohortMissed,
    CohortPacks,
    CohortProgress,
    CohortQr,
    InviteTrainer,
    ModulePack,
    NewCohort,
    OpenCohort,
    RemoveTrainer,
    RenewCohortLink,
    SkipCohortPlace,
)
from bot.content import Module
from bot.db.repositories import CohortRecord
from bot.i18n import LANGUAGE_NAMES, Translator
from bot.keyboards import button
from bot.screens import Choice, Keyboard, keyboard
from bot.services.cohorts import TrainerEntry

MAX_LABEL = 40


def _short(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def _menu(t: Translator) -> list[Choice]:
    return [button("☰ " + t.gettext("Menu"), Menu("main"))]


def _trainer_menu(t: Translator) -> list[Choice]:
    return [button("◀ " + t.gettext("Trainer menu"), Menu("trainer"))]


def trainer_menu_keyboard(t: Translator, cohorts: list[CohortRecord]) -> Keyboard:
    rows = [[button("👥 " + _short(c.name), OpenCohort(c.id))] for c in cohorts]
    rows += [
        [button("➕ " + t.gettext("New cohort"), NewCohort())],
        [button("📣 " + t.gettext("New announcement"), WriteAnnouncement())],
        [button("🗓 " + t.gettext("Scheduled"), ScheduledAnnouncements())],
        _menu(t),
    ]
    return keyboard(rows)


def cohort_keyboard(t: Translator, cohort_id: int) -> Keyboard:
    return keyboard(
        [
            [
                button("📊 " + t.gettext("Progress"), CohortProgress(cohort_id)),
                button("📈 " + t.gettext("Chart"), CohortChart(cohort_id)),
            ],
            [
                button("📄 " + t.gettext("CSV file"), CohortCsv(cohort_id)),
                button("❓ " + t.gettext("Most missed"), CohortMissed(cohort_id)),
            ],
            [
                button("📘 " + t.gettext("Workshop pack"), CohortPacks(cohort_id)),
                button("🔳 " + t.gettext("QR code"), CohortQr(cohort_id)),
            ],
            [button("♻ " + t.gettext("New link"), RenewCohortLink(cohort_id))],
            _trainer_menu(t),
        ]
    )


def back_to_cohort_keyboard(t: Translator, cohort_id: int) -> Keyboard:
    return keyboard([[button("◀ " + t.gettext("Back"), OpenCohort(cohort_id))], _trainer_menu(t)])


def pack_keyboard(t: Translator, cohort_id: int, modules: tuple[Module, ...]) -> Keyboard:
    rows = [
        [button(_short(f"{m.number}. {m.title}"), ModulePack(cohort_id, m.id))] for m in modules
    ]
    rows.append([button("◀ " + t.gettext("Back"), OpenCohort(cohort_id))])
    return keyboard(rows)


def cohort_language_keyboard(t: Translator, languages: tuple[str, ...]) -> Keyboard:
    """A cohort is taught in a shipped language (a translator's added one may be partial)."""
    rows = [
        [button(LANGUAGE_NAMES[code], CohortLanguage(code))]
        for code in languages
        if code in LANGUAGE_NAMES
    ]
    rows.append(_trainer_menu(t))
    return keyboard(rows)


def skip_place_keyboard(t: Translator) -> Keyboard:
    return keyboard([[button(t.gettext("Skip"), SkipCohortPlace())], _trainer_menu(t)])


def cancel_keyboard(t: Translator) -> Keyboard:
    return keyboard([_trainer_menu(t)])


def offer_keyboard(t: Translator, code: str, *, trainer: bool) -> Keyboard:
    yes = (
        button("✅ " + t.gettext("Become a trainer"), AcceptTrainerRole(code))
        if trainer
        else button("✅ " + t.gettext("Join"), JoinCohort(code))
    )
    return keyboard([[yes], [button(t.gettext("No, thanks"), DeclineInvitation(code))]])


def joined_keyboard(t: Translator, cohort_id: int) -> Keyboard:
    return keyboard(
        [
            [button("🚪 " + t.gettext("Leave this cohort"), LeaveCohort(cohort_id))],
            _menu(t),
        ]
    )


def my_cohorts_keyboard(t: Translator, cohorts: list[CohortRecord]) -> Keyboard:
    rows = [
        [
            button(
                "🚪 " + t.gettext("Leave {name}").format(name=_short(c.name)),
                LeaveCohort(c.id),
            )
        ]
        for c in cohorts
    ]
    rows.append(_menu(t))
    return keyboard(rows)


def became_trainer_keyboard(t: Translator) -> Keyboard:
    return keyboard([[button("🎓 " + t.gettext("Trainer menu"), Menu("trainer"))]])


def trainers_keyboard(t: Translator, trainers: list[TrainerEntry]) -> Keyboard:
    rows = [[button("➕ " + t.gettext("Invite a trainer"), InviteTrainer())]]
    rows += [
        [
            button(
                "✖ " + t.gettext("Remove {user}").format(user=e.label),
                RemoveTrainer(e.user_id),
            )
        ]
        for e in trainers
    ]
    rows.append(_menu(t))
    return keyboard(rows)
