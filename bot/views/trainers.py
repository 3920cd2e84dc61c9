"""Trainer texts: the Trainer menu, cohorts and their links, invitations, progress, the
most-missed questions, /trainers, and a learner's own cohorts. Names are escaped."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape

from babel.dates import format_date

from bot.content import Module
from bot.db.repositories import CohortRecord
from bot.i18n import LANGUAGE_NAMES, Translator, formatting_locale
from bot.services.cohorts import (
    CohortCard,
    CohortProgress,
    MemberProgress,
    Missed,
    Offer,
    TrainerEntry,
)

MAX_MESSAGE = 4096


def _date(value: datetime, language: str) -> str:
    return format_date(value, "medium", locale=formatting_locale(language))


def cohort_title(cohort: CohortRecord) -> str:
    return escape(cohort.name) + (f" · {escape(cohort.place)}" if cohort.place else "")


def render_trainer_menu(t: Translator, cohorts: list[CohortRecord]) -> str:
    lines = ["<b>" + t.gettext("Trainer menu") + "</b>", ""]
    if cohorts:
        lines.append(t.gettext("Your cohorts:"))
        lines += [
            "• "
            + t.ngettext("{name}: {n} member", "{name}: {n} members", c.members).format(
                name=cohort_title(c), n=c.members
            )
            for c in cohorts
        ]
    else:
        lines.append(t.gettext("You have no cohort yet. Create one and share its link."))
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class InviteLink:
    """An invitation's link on one channel (its name as people know it)."""

    channel: str
    url: str


def link_lines(links: Sequence[InviteLink]) -> list[str]:
    """The links, each named by its channel when there are several."""
    if len(links) == 1:
        return [links[0].url]
    return [f"{link.channel}: {link.url}" for link in links]


def render_cohort_card(
    t: Translator, card: CohortCard, links: Sequence[InviteLink], language: str
) -> str:
    cohort = card.cohort
    lines = [
        f"<b>{cohort_title(cohort)}</b>",
        t.gettext("Language: {value}").format(value=LANGUAGE_NAMES.get(cohort.language, "")),
        t.ngettext("{n} member", "{n} members", cohort.members).format(n=cohort.members),
        "",
        t.gettext("Invitation link:"),
        *link_lines(links),
    ]
    if card.expires_at is not None:
        lines.append(
            t.gettext("Valid until {date}.").format(date=_date(card.expires_at, language))
        )
    lines.append(
        t.gettext("Share it, or show its QR code at your workshop. A new link stops the old one.")
    )
    return "\n".join(lines)


def render_qr_caption(t: Translator, cohort: CohortRecord) -> str:
    return t.gettext("Scan to join {name}").format(name=cohort_title(cohort))


def render_new_cohort_name(t: Translator) -> str:
    return t.gettext("Send the name of the new cohort (for example: Women's group, Kamsar).")


def render_new_cohort_language(t: Translator) -> str:
    return t.gettext("Which language does this cohort learn in?")


def render_new_cohort_place(t: Translator) -> str:
    return t.gettext("Where does it meet? Send the place, or press Skip.")


def _sharing(t: Translator, name: str) -> list[str]:
    return [
        t.gettext("If you join, the trainer of this cohort will see:"),
        "• " + t.gettext("your first name: {name}").format(name=escape(name)),
        "• " + t.gettext("which modules you have finished"),
        "• " + t.gettext("your best quiz score in each module"),
        "• " + t.gettext("the last day you used the bot"),
        t.gettext("Nothing else: not your messages, not your phone number."),
        t.gettext("You can leave at any time with /cohorts."),
    ]


def render_offer(t: Translator, offer: Offer, name: str) -> str:
    if offer.cohort is None:
        return "\n".join(
            [
                "<b>" + t.gettext("Become a trainer?") + "</b>",
                "",
                t.gettext(
                    "Trainers create cohorts, invite learners with a link or a QR code, "
                    "send them announcements and see the progress they share."
                ),
                t.gettext("This link works only once."),
            ]
        )
    return "\n".join(
        [
            "<b>"
            + t.gettext("Join the cohort {name}?").format(name=cohort_title(offer.cohort))
            + "</b>",
            "",
            *_sharing(t, name),
        ]
    )


def render_joined(t: Translator, cohort: CohortRecord, added: bool) -> str:
    if not added:
        return t.gettext("You are already in {name}.").format(name=cohort_title(cohort))
    return t.gettext(
        "You joined {name}. Your trainer can now see your progress. "
        "You can leave with one tap, here or with /cohorts."
    ).format(name=cohort_title(cohort))


def render_declined(t: Translator) -> str:
    return t.gettext("All right, you did not join. Nothing is shared.")


def render_became_trainer(t: Translator) -> str:
    return t.gettext("You are now a trainer. Open the Trainer menu to create your first cohort.")


def render_my_cohorts(t: Translator, cohorts: list[CohortRecord]) -> str:
    if not cohorts:
        return t.gettext("You are not in any cohort.")
    return "\n".join(
        [
            "<b>" + t.gettext("Your cohorts") + "</b>",
            t.gettext(
                "Each cohort's trainer sees your first name, modules finished, quiz scores "
                "and the last day you used the bot."
            ),
            "",
            *["• " + cohort_title(c) for c in cohorts],
        ]
    )


def render_left(t: Translator, left: bool) -> str:
    if left:
        return t.gettext("You left the cohort. Its trainer no longer sees your progress.")
    return t.gettext("You are not in that cohort.")


def _member_line(t: Translator, index: int, member: MemberProgress, language: str) -> str:
    scores = ", ".join(
        f"M{n}{' ✓' if s.best.passed else ''} {s.best.score}/{s.best.total}"
        for n, s in enumerate(member.modules, start=1)
        if s.best is not None
    )
    parts = [
        f"{index}. <b>{escape(member.name)}</b>",
        t.gettext("{done}/{total} modules").format(
            done=member.modules_done, total=len(member.modules)
        ),
        (t.gettext("quiz: {scores}").format(scores=scores) if scores else t.gettext("no quiz")),
        t.gettext("last active {date}").format(date=_date(member.last_seen_at, language)),
    ]
    return " · ".join(parts)


def render_progress(t: Translator, progress: CohortProgress, language: str) -> str:
    cohort = progress.cohort
    head = [
        "<b>" + cohort_title(cohort) + "</b>",
        t.ngettext("{n} member", "{n} members", len(progress.members)).format(
            n=len(progress.members)
        ),
        "",
    ]
    if not progress.members:
        return "\n".join([*head, t.gettext("Nobody has joined yet. Share the invitation link.")])
    lines = list(head)
    for index, member in enumerate(progress.members, start=1):
        line = _member_line(t, index, member, language)
        rest = len(progress.members) - index + 1
        more = t.gettext("… and {n} more: see the CSV file.")
        if len("\n".join([*lines, line, more])) > MAX_MESSAGE - 200:
            lines.append(more.format(n=rest))
            break
        lines.append(line)
    return "\n".join(lines)


def render_most_missed(
    t: Translator, cohort: CohortRecord, missed: list[Missed], modules: tuple[Module, ...]
) -> str:
    lines = ["<b>" + t.gettext("Most missed questions") + "</b> · " + cohort_title(cohort), ""]
    if not missed:
        lines.append(t.gettext("No wrong answers yet in this cohort's quizzes."))
        return "\n".join(lines)
    numbers = {m.id: m.number for m in modules}
    for index, item in enumerate(missed, start=1):
        wrong = t.ngettext(
            "wrong {wrong} time out of {answered}",
            "wrong {wrong} times out of {answered}",
            item.missed.wrong,
        ).format(wrong=item.missed.wrong, answered=item.missed.answered)
        module = t.gettext("Module {n}").format(n=numbers.get(item.missed.module_id, "?"))
        if item.question is None:
            lines.append(f"{index}. {module} · {escape(item.missed.question_id)} · {wrong}")
            continue
        right = item.question.options[item.question.correct]
        lines += [
            f"{index}. {module} · {wrong}",
            escape(item.question.text),
            "✓ " + escape(right),
            "",
        ]
    return "\n".join(lines).rstrip()


def render_pack_prompt(t: Translator, cohort: CohortRecord) -> str:
    return t.gettext(
        "Workshop pack for {name}: pick a module. You get its lessons and quiz as a PDF to print."
    ).format(name=cohort_title(cohort))


def render_trainers(t: Translator, trainers: list[TrainerEntry]) -> str:
    lines = ["<b>" + t.gettext("Trainers") + "</b>", ""]
    if not trainers:
        lines.append(t.gettext("No trainers yet."))
    lines += [
        "• "
        + t.ngettext("{user}: {n} cohort", "{user}: {n} cohorts", e.cohorts).format(
            user=e.label, n=e.cohorts
        )
        for e in trainers
    ]
    lines += ["", t.gettext("Invite a trainer with a one-time link, or take the role back.")]
    return "\n".join(lines)


def render_trainer_invitation(
    t: Translator, links: Sequence[InviteLink], expires_at: datetime, language: str
) -> str:
    return "\n".join(
        [
            t.gettext("One-time trainer invitation, valid until {date}:").format(
                date=_date(expires_at, language)
            ),
            *link_lines(links),
            t.gettext("Send it to the new trainer. It works once."),
        ]
    )


def render_trainer_removed(t: Translator, label: str, removed: bool) -> str:
    if removed:
        return t.gettext("{user} is no longer a trainer.").format(user=label)
    return t.gettext("{user} is not a trainer.").format(user=label)
