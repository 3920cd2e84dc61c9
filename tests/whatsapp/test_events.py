"""Every kind of WhatsApp message and status read into the bot's neutral events."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.actions.lessons import OpenModule
from bot.channels.whatsapp.events import (
    Delivery,
    Incoming,
    Status,
    language_of,
    read_body,
)
from bot.conversation.events import Command, Event, Media, Other, Person, Pressed, Typed
from tests.whatsapp import meta_bodies as meta


def only_event(body: dict[str, object]) -> Event:
    [incoming] = read_body(body)
    assert isinstance(incoming, Incoming)
    return incoming.event


def test_a_text_names_the_person_and_escapes_the_text() -> None:
    [incoming] = read_body(meta.text("Qui répare la route <de> Kamsar & *Boké* ?"))
    assert isinstance(incoming, Incoming)
    assert incoming.message_id.startswith("wamid.")
    assert incoming.sent_at == datetime(2025, 12, 1, 10, 0, tzinfo=UTC)
    assert incoming.person == Person(
        platform="whatsapp",
        external_id=meta.AWA,
        address=meta.AWA,
        language_code="fr",
        name="Awa Camara",
        first_name="Awa Camara",
    )
    assert incoming.event == Typed(
        "Qui répare la route <de> Kamsar & *Boké* ?",
        "Qui répare la route &lt;de&gt; Kamsar &amp; *Boké* ?",
    )


@pytest.mark.parametrize(
    ("typed", "command"),
    [
        ("/start", Command("start")),
        ("/start inv_3Fa9", Command("start", ("inv_3Fa9",))),
        ("/Menu", Command("menu")),
        ("menu", Command("menu")),
        ("Help", Command("help")),
        ("  STOP! ", Command("stop")),
        ("start", Command("start")),
        ("aide", Command("help")),
        ("arrêter", Command("stop")),
        ("मेनू", Command("menu")),
        ("मदद", Command("help")),
        ("रुको", Command("stop")),
        ("ajuda", Command("help")),
        ("parar", Command("stop")),
        ("começar", Command("start")),
    ],
)
def test_slash_commands_and_command_words_are_commands(typed: str, command: Command) -> None:
    assert only_event(meta.text(typed)) == command


@pytest.mark.parametrize("typed", ["menu please", "I need help", "/", "stopping"])
def test_a_command_word_inside_a_sentence_is_typed_text(typed: str) -> None:
    assert isinstance(only_event(meta.text(typed)), Typed)


def test_a_reply_button_and_a_list_row_are_pressed_choices() -> None:
    button = meta.message(
        "interactive",
        {"type": "button_reply", "button_reply": {"id": "m:continue", "title": "Continue"}},
    )
    row = meta.message(
        "interactive",
        {
            "type": "list_reply",
            "list_reply": {"id": "mod:governance", "title": "2. Governance", "description": ""},
        },
    )
    template = meta.message("button", {"payload": "rm:later", "text": "Later"})
    assert only_event(button) == Pressed("m:continue")
    assert only_event(row) == Pressed("mod:governance")
    assert only_event(template) == Pressed("rm:later"), "a template's quick reply"
    pressed = only_event(row)
    assert isinstance(pressed, Pressed) and pressed.action == OpenModule("governance")


def test_a_flow_reply_is_no_pressed_choice() -> None:
    flow = meta.message(
        "interactive",
        {"type": "nfm_reply", "nfm_reply": {"name": "flow", "response_json": "{}"}},
    )
    assert only_event(flow) == Other()


@pytest.mark.parametrize(
    ("kind", "content", "expected"),
    [
        (
            "audio",
            {
                "mime_type": "audio/ogg; codecs=opus",
                "sha256": "mOSxEMOZtPNFiwnXQ1xXWI9I8N7KJWYeq8Cz1Oo4SIM=",
                "id": "1038486281012549",
                "voice": True,
            },
            Media("voice", "1038486281012549", None, "audio/ogg; codecs=opus"),
        ),
        (
            "audio",
            {"mime_type": "audio/mpeg", "sha256": "c2hh", "id": "555", "voice": False},
            Media("audio", "555", None, "audio/mpeg"),
        ),
        (
            "image",
            {
                "caption": "Red dust <on> the crops",
                "mime_type": "image/jpeg",
                "sha256": "5aWq2nHcq9l8rBz1XWfPZ3hT2nQw1xS3lYl1kXf0o4o=",
                "id": "1479537139650973",
            },
            Media(
                "photo",
                "1479537139650973",
                None,
                "image/jpeg",
                None,
                "Red dust <on> the crops",
                "Red dust &lt;on&gt; the crops",
            ),
        ),
        (
            "document",
            {
                "filename": "compte-rendu.pdf",
                "mime_type": "application/pdf",
                "sha256": "c2hh",
                "id": "2103866330038271",
            },
            Media("document", "2103866330038271", None, "application/pdf", "compte-rendu.pdf"),
        ),
        (
            "video",
            {"mime_type": "video/mp4", "sha256": "c2hh", "id": "889133"},
            Media("video", "889133", None, "video/mp4"),
        ),
    ],
)
def test_files_are_media_with_the_media_id(
    kind: str, content: dict[str, object], expected: Media
) -> None:
    assert only_event(meta.message(kind, content)) == expected


@pytest.mark.parametrize(
    ("kind", "content"),
    [
        ("sticker", {"mime_type": "image/webp", "sha256": "c2hh", "id": "1", "animated": False}),
        ("location", {"latitude": 10.65, "longitude": -14.6, "name": "Kamsar"}),
        ("contacts", [{"name": {"formatted_name": "Ana"}, "phones": []}]),
        ("reaction", {"message_id": "wamid.X", "emoji": "👍"}),
        (
            "unsupported",
            {"type": "unknown"},
        ),
    ],
)
def test_everything_else_is_other(kind: str, content: object) -> None:
    assert only_event(meta.message(kind, content)) == Other()  # type: ignore[arg-type]


def test_a_brazilian_number_guesses_portuguese_and_an_unknown_one_nothing() -> None:
    [incoming] = read_body(meta.text("oi", wa_id=meta.ANA, name="Ana"))
    assert isinstance(incoming, Incoming) and incoming.person.language_code == "pt"
    assert language_of("919812345678") == "hi"
    assert language_of("61412345678") == "en"
    assert language_of("4915112345678") is None, "Germany: no guess"


def test_a_contact_without_a_profile_name_is_nameless() -> None:
    body = meta.text("hello")
    body["entry"][0]["changes"][0]["value"]["contacts"] = [{"wa_id": meta.AWA}]
    [incoming] = read_body(body)
    assert isinstance(incoming, Incoming) and incoming.person.name is None


@pytest.mark.parametrize("state", ["sent", "delivered", "read"])
def test_statuses_are_read(state: str) -> None:
    [read] = read_body(meta.status(state))
    assert read == Status(
        message_id="wamid.HBgMMjI0NjIxMjM0NTY3FQIAERgSQUE1RTdCMzc0NkE2QzU2RkQ0AA==",
        recipient=meta.AWA,
        status=Delivery(state),
        at=datetime(2025, 12, 1, 10, 1, tzinfo=UTC),
    )


def test_a_failed_status_carries_its_error_code() -> None:
    [read] = read_body(meta.status("failed", errors=[meta.WINDOW_CLOSED]))
    assert isinstance(read, Status)
    assert read.status is Delivery.FAILED and read.error_code == 131047


def test_a_status_the_bot_does_not_track_is_left_out() -> None:
    assert read_body(meta.status("played")) == []


def test_a_batch_keeps_every_message_and_status_in_order() -> None:
    first = meta.text("one", message_id="wamid.1")
    second = meta.text("two", wa_id=meta.ANA, name="Ana", message_id="wamid.2")
    statuses = meta.status("read")
    first["entry"][0]["changes"].append(statuses["entry"][0]["changes"][0])
    first["entry"].append(second["entry"][0])
    value = first["entry"][0]["changes"][0]["value"]
    value["messages"].append({**value["messages"][0], "id": "wamid.1b", "text": {"body": "1b"}})
    read = read_body(first)
    assert [type(r).__name__ for r in read] == ["Incoming", "Incoming", "Status", "Incoming"]
    assert [r.message_id for r in read] == ["wamid.1", "wamid.1b", read[2].message_id, "wamid.2"]
    assert isinstance(read[3], Incoming) and read[3].person.name == "Ana"


def test_what_is_not_a_message_is_left_out(caplog: pytest.LogCaptureFixture) -> None:
    assert read_body({"object": "page", "entry": []}) == []
    assert read_body(["not", "a", "body"]) == []
    other_number = meta.text("hi", message_id="wamid.other")
    other_number["entry"][0]["changes"][0]["value"]["metadata"]["phone_number_id"] = "999"
    assert read_body(other_number, meta.PHONE_NUMBER_ID) == []
    assert len(read_body(other_number)) == 1, "without a number to keep, every number's"
    broken = meta.text("Kamsar secret words")
    del broken["entry"][0]["changes"][0]["value"]["messages"][0]["from"]
    with caplog.at_level("DEBUG"):
        assert read_body(broken) == []
    assert "not read: KeyError" in caplog.text
    assert "Kamsar" not in caplog.text, "nothing the person wrote is logged"
