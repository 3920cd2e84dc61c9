"""Buttons for recording a card, reviewing recordings and listening."""

from __future__ import annotations

from bot.actions.lessons import ShowCard
from bot.actions.menu import Menu
from bot.actions.recordings import (
    DraftAgain,
    DraftCancel,
    DraftSubmit,
    Listen,
    ListenSettings,
    ReadCard,
    RecordCard,
    RecordIn,
    ReviewApprove,
    ReviewList,
    ReviewOpen,
    ReviewReject,
    SetAudioFirst,
    SetListen,
)
from bot.i18n import Translator
from bot.keyboards import button
from bot.screens import Choice, Keyboard, keyboard


def listen_button(t: Translator, card_id: str) -> Choice:
    return button("🔊 " + t.gettext("Listen"), Listen(card_id))


def record_button(t: Translator, card_id: str) -> Choice:
    return button("🎙 " + t.gettext("Record this card"), RecordCard(card_id))


def languages_keyboard(t: Translator, card_id: str, languages: list[tuple[str, str]]) -> Keyboard:
    rows = [[button(name, RecordIn(card_id, code))] for code, name in languages]
    rows.append([button("✖ " + t.gettext("Cancel"), DraftCancel(card_id, 0))])
    return keyboard(rows)


def waiting_keyboard(t: Translator, card_id: str) -> Keyboard:
    return keyboard([[button("✖ " + t.gettext("Cancel"), DraftCancel(card_id, 0))]])


def draft_keyboard(t: Translator, card_id: str, recording: int) -> Keyboard:
    return keyboard(
        [
            [button("✅ " + t.gettext("Submit"), DraftSubmit(recording))],
            [button("🔁 " + t.gettext("Record again"), DraftAgain(recording))],
            [button("✖ " + t.gettext("Cancel"), DraftCancel(card_id, recording))],
        ]
    )


def back_to_card_keyboard(t: Translator, card_id: str) -> Keyboard:
    return keyboard(
        [
            [button("◀ " + t.gettext("Back to the card"), ShowCard(card_id))],
            [button("☰ " + t.gettext("Menu"), Menu("main"))],
        ]
    )


def review_list_keyboard(t: Translator, items: list[tuple[int, str]]) -> Keyboard:
    rows = [[button(label, ReviewOpen(recording))] for recording, label in items]
    rows.append([button("☰ " + t.gettext("Menu"), Menu("main"))])
    return keyboard(rows)


def listen_keyboard(t: Translator, recording: int) -> Keyboard:
    """Under the notice of a new submission: listen to it now."""
    return keyboard([[button("🎧 " + t.gettext("Listen to it"), ReviewOpen(recording))]])


def review_keyboard(t: Translator, recording: int) -> Keyboard:
    return keyboard(
        [
            [button("✅ " + t.gettext("Approve"), ReviewApprove(recording))],
            [button("❌ " + t.gettext("Reject"), ReviewReject(recording))],
            [button("◀ " + t.gettext("Back to the list"), ReviewList())],
        ]
    )


def back_to_list_keyboard(t: Translator) -> Keyboard:
    return keyboard([[button("◀ " + t.gettext("Back to the list"), ReviewList())]])


def listening_button(t: Translator) -> Choice:
    return button("🔊 " + t.gettext("Listening"), ListenSettings())


def read_button(t: Translator, card_id: str) -> Choice:
    return button("📖 " + t.gettext("Read"), ReadCard(card_id))


def listening_keyboard(
    t: Translator, options: list[tuple[str, str]], chosen: str, audio_first: bool
) -> Keyboard:
    """One row per language to hear (the first is the one read: `same`), the audio-first
    switch, and back to Settings."""
    rows = []
    for i, (code, name) in enumerate(options):
        mark = "✓ " if code == chosen else ""
        rows.append([button(mark + name, SetListen("same" if i == 0 else code))])
    switch = (
        t.gettext("Audio first: turn off") if audio_first else t.gettext("Audio first: turn on")
    )
    rows.append([button("🎧 " + switch, SetAudioFirst(not audio_first))])
    rows.append([button("◀ " + t.gettext("Settings"), Menu("settings"))])
    return keyboard(rows)
