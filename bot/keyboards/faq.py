"""FAQ buttons: topics, answers (related, rating, ask a person), the handoff, the guide."""

from __future__ import annotations

from collections.abc import Iterable

from bot.actions.faq import (
    ComplaintGuide,
    FaqAnswer,
    FaqAnswerBack,
    FaqAsk,
    FaqGroupPage,
    FaqListen,
    FaqRate,
    FaqReply,
)
from bot.actions.menu import Menu
from bot.content import Faq, FaqEntry
from bot.db.repositories import QuestionRecord
from bot.i18n import Translator
from bot.keyboards import button
from bot.screens import Choice, Keyboard, keyboard
from bot.services.faq import GroupPage

BUTTON_TEXT = 60  # longer questions are cut on the button (the answer shows them in full)


def _short(text: str) -> str:
    return text if len(text) <= BUTTON_TEXT else text[: BUTTON_TEXT - 1].rstrip() + "…"


def _entry_button(entry: FaqEntry) -> Choice:
    return button(_short(entry.question), FaqAnswer(entry.id))


def _menu_row(t: Translator) -> list[Choice]:
    return [
        button("📋 " + t.gettext("Topics"), Menu("faq")),
        button("☰ " + t.gettext("Menu"), Menu("main")),
    ]


def faq_home_keyboard(t: Translator, faq: Faq, has_draft: bool) -> Keyboard:
    rows = [[button(g.title, FaqGroupPage(g.id, 0))] for g in faq.groups]
    rows.append([button("📝 " + t.gettext("Preparing a complaint"), ComplaintGuide("start"))])
    if has_draft:
        rows.append([button("🗂 " + t.gettext("My draft"), ComplaintGuide("draft"))])
    rows.append([button("🙋 " + t.gettext("Ask a person"), FaqAsk("type"))])
    rows.append([button("☰ " + t.gettext("Menu"), Menu("main"))])
    return keyboard(rows)


def group_keyboard(t: Translator, page: GroupPage) -> Keyboard:
    rows = [[_entry_button(entry)] for entry in page.entries]
    nav = []
    if page.page > 0:
        nav.append(button("◀", FaqGroupPage(page.group.id, page.page - 1)))
    if page.page + 1 < page.pages:
        nav.append(button("▶", FaqGroupPage(page.group.id, page.page + 1)))
    if nav:
        rows.append(nav)
    rows.append(_menu_row(t))
    return keyboard(rows)


def answer_keyboard(
    t: Translator, faq: Faq, entry: FaqEntry, others: Iterable[str] = ()
) -> Keyboard:
    """Rating, then other matches (after a search) or related entries, ask a person, menu."""
    rows = [
        [
            button("👍 " + t.gettext("Helpful"), FaqRate(entry.id, "up")),
            button("👎 " + t.gettext("Not helpful"), FaqRate(entry.id, "down")),
        ]
    ]
    shown: list[str] = []
    for entry_id in (*others, *entry.related):
        if entry_id != entry.id and entry_id not in shown and len(shown) < 3:
            shown.append(entry_id)
    for entry_id in shown:
        other = faq.entry(entry_id)
        if other is not None:
            rows.append([button("➜ " + _short(other.question), FaqAnswer(other.id))])
    rows.append([button("🙋 " + t.gettext("Ask a person"), FaqAsk("type"))])
    rows.append(_menu_row(t))
    return keyboard(rows)


def not_sure_keyboard(t: Translator, faq: Faq, entry_ids: Iterable[str]) -> Keyboard:
    rows = []
    for entry_id in entry_ids:
        entry = faq.entry(entry_id)
        if entry is not None:
            rows.append([_entry_button(entry)])
    rows.append([button("🙋 " + t.gettext("Ask a person"), FaqAsk("send"))])
    rows.append(_menu_row(t))
    return keyboard(rows)


def cancel_keyboard(t: Translator) -> Keyboard:
    return keyboard([[button("✖ " + t.gettext("Cancel"), Menu("faq"))]])


def staff_question_keyboard(t: Translator, question: QuestionRecord) -> Keyboard:
    reply = [button("✍ " + t.gettext("Reply"), FaqReply(question.id))]
    if question.voice is None:
        return keyboard([reply])
    return keyboard([reply, [button("🔊 " + t.gettext("Listen"), FaqListen(question.id))]])


def ask_by_voice_keyboard(t: Translator) -> Keyboard:
    """Under a voice note the FAQ cannot search: send it to a person, or the menu."""
    return keyboard(
        [
            [button("🙋 " + t.gettext("Ask a person"), FaqAsk("send"))],
            [button("☰ " + t.gettext("Menu"), Menu("main"))],
        ]
    )


def questions_keyboard(t: Translator, questions: Iterable[QuestionRecord]) -> Keyboard:
    rows = [
        [button("✍ " + t.gettext("Reply to {n}").format(n=q.id), FaqReply(q.id))]
        for q in list(questions)[:10]
    ]
    rows.append([button("☰ " + t.gettext("Menu"), Menu("main"))])
    return keyboard(rows)


def answer_back_keyboard(t: Translator, question: QuestionRecord) -> Keyboard:
    return keyboard(
        [
            [button("↩ " + t.gettext("Answer back"), FaqAnswerBack(question.id))],
            _menu_row(t),
        ]
    )


def guide_step_keyboard(t: Translator, anonymity: bool) -> Keyboard:
    rows = []
    if anonymity:
        rows.append(
            [
                button(t.gettext("Yes"), ComplaintGuide("yes")),
                button(t.gettext("No"), ComplaintGuide("no")),
            ]
        )
    rows.append(
        [
            button("⏭ " + t.gettext("Skip"), ComplaintGuide("skip")),
            button("✖ " + t.gettext("Stop"), ComplaintGuide("stop")),
        ]
    )
    return keyboard(rows)


def summary_keyboard(t: Translator) -> Keyboard:
    return keyboard(
        [
            [button("💾 " + t.gettext("Save as a draft"), ComplaintGuide("save"))],
            [button("🗑 " + t.gettext("Discard"), ComplaintGuide("discard"))],
        ]
    )


def draft_keyboard(t: Translator) -> Keyboard:
    return keyboard(
        [[button("🗑 " + t.gettext("Delete the draft"), ComplaintGuide("delete"))], _menu_row(t)]
    )


def rated_keyboard(t: Translator, helpful: bool) -> Keyboard:
    rows = [] if helpful else [[button("🙋 " + t.gettext("Ask a person"), FaqAsk("type"))]]
    rows.append(_menu_row(t))
    return keyboard(rows)
