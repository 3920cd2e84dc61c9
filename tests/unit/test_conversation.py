"""The neutral core: routing, the interrupt rule's feature names, Telegram updates read as
events, and the layer rule that only the Telegram adapter knows python-telegram-bot."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from telegram import Update

from bot import waiting
from bot.actions.lessons import ShowCard
from bot.actions.menu import Menu
from bot.channels.telegram.events import read_update
from bot.conversation.events import (
    Command,
    Media,
    Other,
    Person,
    Pressed,
    QuizAnswer,
    Typed,
)
from bot.conversation.router import Router
from bot.conversation.turn import Turn, feature_of

ROOT = Path(__file__).resolve().parents[2]


async def _a(turn_: Turn) -> None: ...
async def _b(turn_: Turn) -> None: ...
async def _c(turn_: Turn) -> None: ...
async def _fallback(turn_: Turn) -> None: ...
async def _unknown(turn_: Turn) -> None: ...
async def _stale(turn_: Turn) -> None: ...


def _router() -> Router:
    router = Router()
    router.command("menu", _a)
    router.choice(Menu("main"), _a)
    router.choice(Menu("help"), _b)
    router.action(ShowCard, _c)
    router.message = _fallback
    router.unknown_command = _unknown
    router.unknown_choice = _stale
    return router


def test_routes_by_command_name_and_action_class() -> None:
    router = _router()
    assert router.find(Command("menu")) is _a
    assert router.find(Command("nosuch")) is _unknown
    assert router.find(Pressed(Menu("main").pack())) is _a
    assert router.find(Pressed(Menu("help").pack())) is _b
    assert router.find(Pressed(Menu("glossary").pack())) is _stale, "an entry nobody routes"
    assert router.find(Pressed(ShowCard("vc-what-1").pack())) is _c
    assert router.find(Pressed("forged:data")) is _stale
    assert router.find(Pressed(None)) is _stale
    assert router.find(Typed("hello", "hello")) is _fallback
    assert router.find(Other()) is _fallback
    assert router.find(QuizAnswer("p1", (0,))) is None, "no quiz route registered"


def test_a_command_has_one_handler() -> None:
    router = _router()
    with pytest.raises(ValueError, match="/menu"):
        router.command("menu", _b)


def test_the_interrupt_rule_names_the_feature_of_an_event() -> None:
    assert feature_of(Pressed(Menu("main").pack())) == "menu"
    assert feature_of(Pressed(ShowCard("vc-what-1").pack())) == "lessons"
    assert feature_of(Pressed("forged")) is None
    assert feature_of(Command("start")) is None, "a command ends any wait"
    assert feature_of(Typed("x", "x")) == waiting.TYPED


def _update(**payload: Any) -> Update:
    update = Update.de_json({"update_id": 1, **payload}, None)
    assert update is not None
    return update


USER = {"id": 42, "is_bot": False, "first_name": "Ana", "username": "ana", "language_code": "pt"}
PRIVATE = {"id": 42, "type": "private"}


def _message(**fields: Any) -> dict[str, Any]:
    return {"message_id": 5, "date": 0, "chat": PRIVATE, "from": USER, **fields}


def test_telegram_updates_read_as_events() -> None:
    person, event = read_update(_update(message=_message(text="hello")), "asi_bot") or (None, None)
    assert person == Person("telegram", "42", "42", "pt", "Ana (@ana)", "Ana")
    assert event == Typed("hello", "hello")

    command = {"text": "/start@asi_bot abc", "entities": [_entity(0, 14)]}
    assert _event(message=_message(**command)) == Command("start", ("abc",))
    other_bot = {"text": "/start@other_bot", "entities": [_entity(0, 16)]}
    assert _event(message=_message(**other_bot)) == Command(""), "not for us: unknown"
    shouting = {"text": "/MENU", "entities": [_entity(0, 5)]}
    assert _event(message=_message(**shouting)) == Command("menu")

    bold = {"text": "Hi all", "entities": [{"type": "bold", "offset": 0, "length": 2}]}
    assert _event(message=_message(**bold)) == Typed("Hi all", "<b>Hi</b> all")

    voice = {"voice": {"file_id": "V1", "file_unique_id": "u", "duration": 3, "file_size": 9}}
    assert _event(message=_message(**voice)) == Media("voice", "V1", 9, "audio/ogg")
    photo = {
        "photo": [
            {"file_id": "small", "file_unique_id": "a", "width": 1, "height": 1},
            {"file_id": "large", "file_unique_id": "b", "width": 9, "height": 9},
        ],
        "caption": "a <map>",
    }
    got = _event(message=_message(**photo))
    assert isinstance(got, Media) and got.file_id == "large" and got.kind == "photo"
    assert got.caption == "a <map>" and got.caption_html == "a &lt;map&gt;"
    sticker = {
        "sticker": {
            "file_id": "S",
            "file_unique_id": "s",
            "width": 1,
            "height": 1,
            "is_animated": False,
            "is_video": False,
            "type": "regular",
        }
    }
    assert _event(message=_message(**sticker)) == Other()

    query = {"id": "q", "from": USER, "chat_instance": "c", "data": "m:main"}
    assert _event(callback_query=query) == Pressed("m:main")
    poll = {"poll_id": "P9", "user": USER, "option_ids": [2], "option_persistent_ids": ["c"]}
    assert _event(poll_answer=poll) == QuizAnswer("P9", (2,))


def test_what_no_feature_handles_is_no_event() -> None:
    group = _message(text="/menu", chat={"id": -5, "type": "group"})
    assert read_update(_update(message=group), "asi_bot") is None, "groups are not for us"
    assert read_update(_update(edited_message=_message(text="x")), "asi_bot") is None
    bot_user = {**USER, "is_bot": True}
    assert read_update(_update(message=_message(text="x", **{"from": bot_user})), None) is None


def _entity(offset: int, length: int) -> dict[str, Any]:
    return {"type": "bot_command", "offset": offset, "length": length}


def _event(**payload: Any) -> object:
    read = read_update(_update(**payload), "asi_bot")
    assert read is not None
    return read[1]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def test_only_each_adapter_imports_its_platforms_library() -> None:
    for library, platform in (
        ("telegram", "telegram"),
        ("pywa", "whatsapp"),
        ("pywa_async", "whatsapp"),
    ):
        adapter = ROOT / "bot" / "channels" / platform
        offenders = [
            str(path.relative_to(ROOT))
            for folder in ("bot", "handlers")
            for path in (ROOT / folder).rglob("*.py")
            if adapter not in path.parents and library in _imports(path)
        ]
        assert offenders == [], library


def test_features_know_no_channel() -> None:
    """Handlers and services reach a channel only through the ports."""
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("handlers", "bot/services", "bot/jobs", "bot/conversation", "bot/web")
        for path in (ROOT / folder).rglob("*.py")
        if "bot.channels" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
