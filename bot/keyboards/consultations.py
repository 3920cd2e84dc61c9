"""Buttons of "Have your say" and of the admins' consultation screens."""

from __future__ import annotations

from bot.actions.consultations import (
    KAdminList,
    KAdminView,
    KAnswer,
    KCancel,
    KDraft,
    KEdit,
    KExport,
    KFollow,
    KIdentity,
    KMine,
    KNotify,
    KOpen,
    KOutcome,
    KPublish,
    KSection,
    KStance,
    KWithdraw,
    KWithdrawYes,
    Stance,
)
from bot.actions.menu import Menu
from bot.i18n import Translator
from bot.keyboards import button
from bot.screens import Choice, Keyboard, LinkChoice, keyboard
from bot.services.consultations import Loaded, MyAnswer
from bot.views.consultations import stance_label

STANCE_CODES: dict[str, Stance] = {"agree": "a", "concern": "c", "suggestion": "s"}
CODE_STANCES = {code: stance for stance, code in STANCE_CODES.items()}
_TITLE_MAX = 40


def _short(text: str) -> str:
    return text if len(text) <= _TITLE_MAX else text[: _TITLE_MAX - 1] + "…"


def _menu(t: Translator) -> Choice:
    return button("☰ " + t.gettext("Menu"), Menu("main"))


def _back_to_list(t: Translator) -> Choice:
    return button("◀ " + t.gettext("Have your say"), Menu("consult"))


def list_keyboard(
    t: Translator, consultations: list[Loaded], language: str, subscribed: bool
) -> Keyboard:
    rows = [
        [button("🗳 " + _short(c.spec.text(language).title), KOpen(c.id))] for c in consultations
    ]
    rows.append([button("📂 " + t.gettext("My answers"), KMine())])
    if subscribed:
        rows.append([button("🔕 " + t.gettext("Stop telling me"), KNotify("off"))])
    else:
        rows.append([button("🔔 " + t.gettext("Tell me about consultations"), KNotify("on"))])
    rows.append([_menu(t)])
    return keyboard(rows)


def consultation_keyboard(t: Translator, consultation: Loaded, language: str) -> Keyboard:
    rows: list[list[Choice | LinkChoice]] = [
        [
            button(
                _short(f"{s.clause} · {s.title}"),
                KSection(consultation.id, i),
            )
        ]
        for i, s in enumerate(consultation.spec.text(language).sections)
    ]
    draft = "📄 " + t.gettext("The draft")
    if consultation.spec.draft_url:
        rows.append([LinkChoice(draft, consultation.spec.draft_url)])
    else:
        rows.append([button(draft, KDraft(consultation.id))])
    rows.append([_back_to_list(t)])
    return keyboard(rows)


def section_keyboard(t: Translator, consultation_id: int, index: int) -> Keyboard:
    rows = [
        [button(stance_label(t, stance), KStance(consultation_id, index, code))]
        for stance, code in STANCE_CODES.items()
    ]
    rows.append([button("◀ " + t.gettext("Back"), KOpen(consultation_id))])
    return keyboard(rows)


def identity_keyboard(t: Translator, stance: KStance) -> Keyboard:
    ids = (stance.consultation, stance.section, stance.stance)
    return keyboard(
        [
            [button("🕶 " + t.gettext("Stay anonymous"), KIdentity(*ids, "a"))],
            [button("👤 " + t.gettext("Give my name"), KIdentity(*ids, "n"))],
            [button("✖ " + t.gettext("Cancel"), KCancel())],
        ]
    )


def cancel_keyboard(t: Translator) -> Keyboard:
    return keyboard([[button("✖ " + t.gettext("Cancel"), KCancel())]])


def receipt_keyboard(t: Translator, consultation_id: int, anonymous: bool) -> Keyboard:
    rows = []
    if anonymous:
        rows.append([button("🔔 " + t.gettext("Tell me what changed"), KFollow(consultation_id))])
    else:
        rows.append([button("📂 " + t.gettext("My answers"), KMine())])
    rows.append([button("◀ " + t.gettext("Other parts"), KOpen(consultation_id))])
    rows.append([_menu(t)])
    return keyboard(rows)


def mine_keyboard(t: Translator, answers: list[MyAnswer]) -> Keyboard:
    rows = [
        [button(a.reference, KAnswer(a.answer.consultation_id, a.answer.number))]
        for a in answers[-20:]
    ]
    rows.append([_back_to_list(t)])
    return keyboard(rows)


def answer_keyboard(t: Translator, mine: MyAnswer, editable: bool) -> Keyboard:
    ids = (mine.answer.consultation_id, mine.answer.number)
    rows = []
    if editable:
        rows.append(
            [
                button("✏️ " + t.gettext("Change"), KEdit(*ids)),
                button("🗑 " + t.gettext("Withdraw"), KWithdraw(*ids)),
            ]
        )
    rows.append([button("◀ " + t.gettext("My answers"), KMine())])
    return keyboard(rows)


def withdraw_keyboard(t: Translator, consultation_id: int, number: int) -> Keyboard:
    return keyboard(
        [
            [
                button(t.gettext("Yes, withdraw"), KWithdrawYes(consultation_id, number)),
                button(t.gettext("No, keep my answer"), KAnswer(consultation_id, number)),
            ]
        ]
    )


def notice_keyboard(t: Translator, consultation_id: int, open_: bool) -> Keyboard:
    if open_:
        return keyboard([[button("🗳 " + t.gettext("Have your say"), KOpen(consultation_id))]])
    return keyboard([[_menu(t)]])


# --- admin ----------------------------------------------------------------------------------


def admin_list_keyboard(t: Translator, consultations: list[Loaded], files: list[str]) -> Keyboard:
    rows = [
        [button(f"📊 C{c.id} {_short(c.record.slug)}", KAdminView(c.id))] for c in consultations
    ]
    rows += [[button("📢 " + t.gettext("Publish") + " " + slug, KPublish(slug))] for slug in files]
    rows.append([_menu(t)])
    return keyboard(rows)


def admin_view_keyboard(t: Translator, consultation: Loaded, closed: bool) -> Keyboard:
    cid = consultation.id
    rows = [
        [
            button("CSV", KExport(cid, "csv")),
            button("XLSX", KExport(cid, "xlsx")),
            button("🎙 ZIP", KExport(cid, "zip")),
        ]
    ]
    if closed and consultation.record.outcome is None:
        rows.append([button("📝 " + t.gettext("Write what changed"), KOutcome(cid))])
    rows.append([button("◀ " + t.gettext("All consultations"), KAdminList())])
    return keyboard(rows)
