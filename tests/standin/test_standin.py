"""The Bot API stand-in, over real HTTP: raw aiohttp calls and PTB's own Bot and Application."""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyKeyboardMarkup,
    Update,
)
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, RetryAfter
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.channels.telegram.standin import BotApiStandIn, SpecValidator

SPEC_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "telegram-bot-api"
SPEC_PATH = SPEC_DIR / "api.json"
needs_spec = pytest.mark.skipif(
    not SPEC_PATH.exists(), reason=f"the Bot API spec is not at {SPEC_PATH}"
)

StandInFactory = Callable[..., Awaitable[tuple[BotApiStandIn, str]]]


@pytest.fixture
async def make_standin() -> AsyncIterator[StandInFactory]:
    """Start stand-ins with the given options (two users, Ann and Ben) and stop them after."""
    started: list[BotApiStandIn] = []

    async def make(**options: Any) -> tuple[BotApiStandIn, str]:
        standin = BotApiStandIn(**options)
        standin.add_user(1, "Ann", username="ann")
        standin.add_user(2, "Ben", language_code="de")
        started.append(standin)
        return standin, await standin.start()

    yield make
    for standin in started:
        await standin.stop()


@pytest.fixture
async def standin(make_standin: StandInFactory) -> tuple[BotApiStandIn, str]:
    return await make_standin()


@pytest.fixture
async def bot(standin: tuple[BotApiStandIn, str]) -> AsyncIterator[Bot]:
    server, root = standin
    async with Bot(server.token, base_url=f"{root}/bot", base_file_url=f"{root}/file/bot") as bot:
        yield bot


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(d, callback_data=d) for d in data]])


# --- raw HTTP ------------------------------------------------------------------------------


async def test_get_me_over_raw_http(
    standin: tuple[BotApiStandIn, str], http: aiohttp.ClientSession
) -> None:
    server, root = standin
    async with http.get(f"{root}/bot{server.token}/getMe") as response:
        body = await response.json()
    assert response.status == 200
    assert body["ok"] is True
    assert body["result"]["username"] == "asi_learning_bot"
    assert body["result"]["is_bot"] is True


async def test_method_names_are_case_insensitive_and_bodies_of_every_kind_parse(
    standin: tuple[BotApiStandIn, str], http: aiohttp.ClientSession
) -> None:
    server, root = standin
    api = f"{root}/bot{server.token}"
    async with http.post(f"{api}/SENDMESSAGE", data={"chat_id": "1", "text": "form"}) as r:
        assert r.status == 200
    async with http.post(f"{api}/sendMessage", json={"chat_id": 1, "text": "json"}) as r:
        assert r.status == 200
    async with http.get(f"{api}/sendMessage", params={"chat_id": "1", "text": "query"}) as r:
        assert r.status == 200
    assert [m["text"] for m in server.messages(1)] == ["form", "json", "query"]
    assert server.requests[0].method == "sendMessage"


async def test_wrong_token_unknown_and_unsupported_methods(
    standin: tuple[BotApiStandIn, str], http: aiohttp.ClientSession
) -> None:
    server, root = standin
    async with http.post(f"{root}/bot999:WRONG/getMe") as response:
        assert response.status == 401
        assert await response.json() == {
            "ok": False,
            "error_code": 401,
            "description": "Unauthorized",
        }
    async with http.post(f"{root}/bot{server.token}/noSuchMethod") as response:
        assert response.status == 404
        assert (await response.json())["description"] == "Not Found"
    async with http.post(f"{root}/bot{server.token}/setMyDescription") as response:
        assert response.status == 400
        body = await response.json()
        assert body["description"] == "Bad Request: method not supported by the stand-in"


async def test_wrong_token_is_invalid_token_for_ptb(standin: tuple[BotApiStandIn, str]) -> None:
    _, root = standin
    bot = Bot("999:WRONG", base_url=f"{root}/bot")
    with pytest.raises(InvalidToken):
        await bot.initialize()


# --- sending and editing -------------------------------------------------------------------


async def test_send_and_edit_message(standin: tuple[BotApiStandIn, str], bot: Bot) -> None:
    server, _ = standin
    sent = await bot.send_message(
        1, "<b>Lesson</b> 1 &amp; 2", parse_mode="HTML", reply_markup=keyboard("next")
    )
    assert sent.text == "Lesson 1 & 2"
    assert sent.text_html == "<b>Lesson</b> 1 &amp; 2"
    assert sent.from_user is not None and sent.from_user.id == bot.id
    assert sent.chat.id == 1

    edited = await bot.edit_message_text(
        "<i>Lesson</i> 2", chat_id=1, message_id=sent.message_id, parse_mode="HTML"
    )
    assert isinstance(edited, type(sent)) and edited.text == "Lesson 2"
    stored = server.last_message(1)
    assert stored is not None
    assert stored["text"] == "Lesson 2"
    assert stored["edited"] == 1
    assert "reply_markup" not in stored  # editing without reply_markup removes the keyboard

    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text(
            "<i>Lesson</i> 2", chat_id=1, message_id=sent.message_id, parse_mode="HTML"
        )
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", chat_id=1, message_id=999)
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(42, "nobody here")


async def test_message_ids_increase_per_chat(bot: Bot) -> None:
    first = await bot.send_message(1, "a")
    second = await bot.send_message(1, "b")
    other = await bot.send_message(2, "c")
    assert second.message_id == first.message_id + 1
    assert other.message_id == 1


async def test_empty_and_too_long_texts(bot: Bot) -> None:
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(1, "   ")
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(1, "x" * 4097)
    await bot.send_message(1, "x" * 4096)


async def test_invalid_html_is_bad_request(bot: Bot) -> None:
    with pytest.raises(BadRequest, match="Can't parse entities"):
        await bot.send_message(1, "<b>unclosed", parse_mode="HTML")
    with pytest.raises(BadRequest, match="Can't parse entities"):
        await bot.send_message(1, "1 < 2", parse_mode="HTML")


async def test_callback_data_over_64_bytes_is_button_data_invalid(bot: Bot) -> None:
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(1, "x", reply_markup=keyboard("é" * 33))  # 66 bytes
    await bot.send_message(1, "x", reply_markup=keyboard("é" * 32))  # 64 bytes is fine


async def test_edit_reply_markup_caption_delete_copy_forward(
    standin: tuple[BotApiStandIn, str], bot: Bot
) -> None:
    server, _ = standin
    sent = await bot.send_message(1, "pick", reply_markup=keyboard("a"))
    await bot.edit_message_reply_markup(1, sent.message_id, reply_markup=keyboard("b"))
    stored = server.last_message(1)
    assert stored is not None
    assert stored["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "b"
    with pytest.raises(BadRequest, match="There is no caption in the message to edit"):
        await bot.edit_message_caption(1, sent.message_id, caption="c")

    copied = await bot.copy_message(2, from_chat_id=1, message_id=sent.message_id)
    assert server.messages(2)[-1]["message_id"] == copied.message_id
    assert server.messages(2)[-1]["text"] == "pick"
    forwarded = await bot.forward_message(2, from_chat_id=1, message_id=sent.message_id)
    assert forwarded.forward_origin is not None

    assert await bot.delete_message(1, sent.message_id)
    assert server.messages(1) == []
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(1, sent.message_id)


async def test_chat_action_get_chat_commands_and_menu_button(
    standin: tuple[BotApiStandIn, str], bot: Bot
) -> None:
    server, _ = standin
    assert await bot.send_chat_action(1, "typing")
    chat = await bot.get_chat(1)
    assert chat.first_name == "Ann"
    assert chat.username == "ann"

    await bot.set_my_commands([("start", "Start")], language_code="de")
    await bot.set_my_commands([("help", "Help")])
    assert server.commands[("default", "de")] == [{"command": "start", "description": "Start"}]
    assert [c.command for c in await bot.get_my_commands(language_code="de")] == ["start"]
    assert [c.command for c in await bot.get_my_commands()] == ["help"]
    await bot.delete_my_commands(language_code="de")
    assert await bot.get_my_commands(language_code="de") == ()
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([("Start", "uppercase is not allowed")])
    assert await bot.set_chat_menu_button(1)
    assert await bot.close() and await bot.log_out()


async def test_files_upload_and_download(standin: tuple[BotApiStandIn, str], bot: Bot) -> None:
    server, _ = standin
    sent = await bot.send_document(1, b"lesson notes", filename="notes.txt", caption="Notes")
    assert sent.document is not None and sent.document.file_name == "notes.txt"
    file = await bot.get_file(sent.document.file_id)
    assert bytes(await file.download_as_bytearray()) == b"lesson notes"

    by_url = await bot.send_photo(1, "https://example.org/cat.png")
    again = await bot.send_photo(2, by_url.photo[-1].file_id)  # a known file_id is reused
    assert again.photo[-1].file_id == by_url.photo[-1].file_id
    assert server.last_message(2) is not None
    with pytest.raises(BadRequest, match="Wrong file identifier"):
        await bot.send_voice(1, "not-a-file-id")


async def test_users_send_files_the_bot_can_fetch(
    standin: tuple[BotApiStandIn, str], bot: Bot
) -> None:
    server, _ = standin
    raw = await server.send_media(1, "voice", b"OggS-voice", duration=4, caption="my say")
    update = Update.de_json(raw, bot)
    assert update is not None and update.message is not None
    voice = update.message.voice
    assert raw["message"]["voice"]["duration"] == 4
    assert voice is not None and update.message.caption == "my say"
    file = await bot.get_file(voice.file_id)
    assert bytes(await file.download_as_bytearray()) == b"OggS-voice"

    forwarded = Update.de_json(
        await server.send_media(
            1,
            "document",
            b"%PDF",
            file_name="a.pdf",
            forward_from={"id": 7, "is_bot": False, "first_name": "Zoe"},
        ),
        bot,
    )
    assert forwarded is not None and forwarded.message is not None
    assert forwarded.message.document is not None
    assert forwarded.message.document.file_name == "a.pdf"
    assert forwarded.message.forward_origin is not None
    with pytest.raises(ValueError):
        await server.send_media(1, "sticker", b"")


async def test_caption_limit(bot: Bot) -> None:
    with pytest.raises(BadRequest, match="Message caption is too long"):
        await bot.send_photo(1, "https://example.org/a.png", caption="c" * 1025)


# --- updates -------------------------------------------------------------------------------


async def test_long_polling_wakes_up_on_send_text(
    standin: tuple[BotApiStandIn, str], bot: Bot
) -> None:
    server, _ = standin
    loop = asyncio.get_running_loop()
    started = loop.time()
    polling = asyncio.create_task(bot.get_updates(timeout=10))
    await asyncio.sleep(0.2)
    assert not polling.done()
    await server.send_text(1, "/start lesson-1")
    updates = await asyncio.wait_for(polling, 3)
    assert loop.time() - started < 3
    assert len(updates) == 1
    message = updates[0].message
    assert message is not None and message.text == "/start lesson-1"
    assert message.entities[0].type == "bot_command" and message.entities[0].length == 6
    assert message.from_user is not None and message.from_user.language_code == "en"

    assert await bot.get_updates(offset=updates[0].update_id, timeout=0) == updates
    assert await bot.get_updates(offset=updates[0].update_id + 1, timeout=0) == ()
    assert server.pending_updates == 0


async def test_second_poller_and_webhook_conflict(
    standin: tuple[BotApiStandIn, str], bot: Bot
) -> None:
    server, root = standin
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    async with Bot(server.token, base_url=f"{root}/bot") as second_instance:
        second = asyncio.create_task(second_instance.get_updates(timeout=1))
        with pytest.raises(Conflict, match="terminated by other getUpdates request"):
            await first
        assert await second == ()

    await bot.set_webhook("http://127.0.0.1:9/never")
    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates(timeout=0)
    await bot.delete_webhook()
    assert await bot.get_updates(timeout=0) == ()


async def test_blocked_user_is_forbidden_until_they_write_again(
    standin: tuple[BotApiStandIn, str], bot: Bot
) -> None:
    server, _ = standin
    server.block(1)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(1, "hello?")
    await server.send_text(1, "hi again")
    await bot.send_message(1, "welcome back")
    updates = await bot.get_updates(timeout=0)
    kinds = [
        (u.my_chat_member.new_chat_member.status if u.my_chat_member else "message")
        for u in updates
    ]
    assert kinds == ["kicked", "member", "message"]


async def test_fail_next_429_becomes_retry_after(
    standin: tuple[BotApiStandIn, str], bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # PTB 22 warns when retry_after is an int
    server, _ = standin
    server.fail_next(
        "sendMessage", status=429, description="Too Many Requests: retry after 7", retry_after=7
    )
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(1, "flood")
    assert caught.value.retry_after == dtm.timedelta(seconds=7)
    await bot.send_message(1, "only once")
    assert [r.status for r in server.requests if r.method == "sendMessage"] == [429, 200]


async def test_flood_limits_answer_429(
    make_standin: StandInFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    server, root = await make_standin(global_rate=5, group_rate_per_minute=3)
    server.add_group(-100, "Study group")
    async with Bot(server.token, base_url=f"{root}/bot") as bot:
        for n in range(3):
            await bot.send_message(-100, f"group {n}")
        with pytest.raises(RetryAfter) as group_limit:
            await bot.send_message(-100, "one too many for the group")
        assert group_limit.value.retry_after == dtm.timedelta(seconds=60)
        await bot.send_message(1, "a")
        await bot.send_message(2, "b")
        with pytest.raises(RetryAfter):
            await bot.send_message(1, "over 5 per second")
        await asyncio.sleep(1.05)
        await bot.send_message(1, "the window moved on")


async def test_callback_query_is_answered_once(
    standin: tuple[BotApiStandIn, str], bot: Bot
) -> None:
    server, _ = standin
    sent = await bot.send_message(1, "choose", reply_markup=keyboard("yes"))
    query_id = await server.press(1, sent.message_id, "yes")
    (update,) = await bot.get_updates(timeout=0)
    assert update.callback_query is not None
    assert update.callback_query.data == "yes"
    assert update.callback_query.message is not None
    assert update.callback_query.message.message_id == sent.message_id
    assert await bot.answer_callback_query(query_id, text="Saved")
    assert server.callback_answers[-1]["text"] == "Saved"
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query(query_id)
    with pytest.raises(LookupError):
        await server.press(1, 999, "yes")


async def test_callback_query_times_out(make_standin: StandInFactory) -> None:
    server, root = await make_standin(callback_answer_timeout=0.1)
    async with Bot(server.token, base_url=f"{root}/bot") as bot:
        sent = await bot.send_message(1, "choose", reply_markup=keyboard("yes"))
        query_id = await server.press(1, sent.message_id, "forged data is sent as given")
        await asyncio.sleep(0.2)
        with pytest.raises(BadRequest, match="Query is too old"):
            await bot.answer_callback_query(query_id)


async def test_poll_answers(standin: tuple[BotApiStandIn, str], bot: Bot) -> None:
    server, _ = standin
    quiz = await bot.send_poll(
        1,
        "Which module comes first?",
        ["Basics", "Advanced"],
        type="quiz",
        correct_option_ids=[0],
        is_anonymous=False,
        explanation="<b>Basics</b> first",
        explanation_parse_mode="HTML",
    )
    assert quiz.poll is not None and quiz.poll.explanation == "Basics first"
    await server.answer_poll(1, quiz.poll.id, [1])
    (update,) = await bot.get_updates(timeout=0)
    assert update.poll_answer is not None
    assert update.poll_answer.poll_id == quiz.poll.id
    assert update.poll_answer.option_ids == (1,)
    assert update.poll_answer.user is not None and update.poll_answer.user.id == 1
    with pytest.raises(ValueError, match="revoting"):
        await server.answer_poll(1, quiz.poll.id, [0])

    anonymous = await bot.send_poll(1, "Like it?", ["yes", "no"])
    assert anonymous.poll is not None
    assert await server.answer_poll(1, anonymous.poll.id, [0]) is None
    stopped = await bot.stop_poll(1, anonymous.message_id)
    assert stopped.is_closed and stopped.options[0].voter_count == 1
    with pytest.raises(ValueError, match="closed"):
        await server.answer_poll(1, anonymous.poll.id, [1])
    with pytest.raises(BadRequest, match="Poll must have at least 2 option"):
        await bot.send_poll(1, "Only one?", ["a"])


async def test_webhook_delivery_with_secret_token(
    standin: tuple[BotApiStandIn, str], bot: Bot
) -> None:
    server, _ = standin
    received: asyncio.Queue[tuple[str | None, dict[str, Any]]] = asyncio.Queue()
    failures = {"left": 1}

    async def receive(request: web.Request) -> web.Response:
        if failures["left"]:
            failures["left"] -= 1
            return web.Response(status=500)  # the stand-in retries
        header = request.headers.get("X-Telegram-Bot-Api-Secret-Token")
        await received.put((header, await request.json()))
        return web.Response()

    receiver = web.Application()
    receiver.router.add_post("/hook", receive)
    runner = web.AppRunner(receiver)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        await bot.set_webhook(f"http://127.0.0.1:{port}/hook", secret_token="s3cret-token")
        info = await bot.get_webhook_info()
        assert info.url.endswith("/hook")
        await server.send_text(2, "hallo")
        header, body = await asyncio.wait_for(received.get(), 5)
        assert header == "s3cret-token"
        assert body["message"]["text"] == "hallo"
        assert Update.de_json(body, bot).message is not None
        info = await bot.get_webhook_info()
        assert info.pending_update_count == 0
        assert info.last_error_message is not None and "500" in info.last_error_message
    finally:
        await bot.delete_webhook()
        await runner.cleanup()


# --- observing -----------------------------------------------------------------------------


async def test_wait_for_request_sees_past_and_future_requests(
    standin: tuple[BotApiStandIn, str], bot: Bot
) -> None:
    server, _ = standin
    await bot.send_message(1, "early")
    found = await server.wait_for_request("sendMessage")
    assert found.params["text"] == "early"
    mark = len(server.requests)

    async def later() -> None:
        await asyncio.sleep(0.1)
        await bot.send_message(2, "late")

    task = asyncio.create_task(later())
    found = await server.wait_for_request(lambda r: r.method == "sendMessage", since=mark)
    assert found.params == {"chat_id": 2, "text": "late"}
    await task
    with pytest.raises(TimeoutError):
        await server.wait_for_request("sendPoll", timeout=0.1)


async def test_real_application_polls_and_replies(standin: tuple[BotApiStandIn, str]) -> None:
    """The whole PTB stack: Updater long-polls, handlers reply, shutdown confirms updates."""
    server, root = standin

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_chat is not None
        await context.bot.send_message(
            update.effective_chat.id, "Welcome!", reply_markup=keyboard("go")
        )

    async def go(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.callback_query is not None
        await update.callback_query.answer("Let's go")
        await update.callback_query.edit_message_text("Lesson 1")

    application = (
        Application.builder()
        .token(server.token)
        .base_url(f"{root}/bot")
        .base_file_url(f"{root}/file/bot")
        .build()
    )
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CallbackQueryHandler(go))
    await application.initialize()
    assert application.updater is not None
    await application.updater.start_polling(timeout=1, allowed_updates=Update.ALL_TYPES)
    await application.start()
    try:
        await server.send_text(1, "/start")
        reply = await server.wait_for_request("sendMessage")
        assert reply.params["text"] == "Welcome!"
        message = server.last_message(1)
        assert message is not None
        await server.press(1, message["message_id"], "go")
        await server.wait_for_request("editMessageText")
        assert server.callback_answers[-1]["text"] == "Let's go"
        assert server.messages(1)[-1]["text"] == "Lesson 1"
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()
    assert server.pending_updates == 0
    methods = [r.method for r in server.requests]
    assert methods[:2] == ["getMe", "deleteWebhook"]


# --- playground ----------------------------------------------------------------------------


async def test_playground_page_and_endpoints(
    standin: tuple[BotApiStandIn, str], bot: Bot, http: aiohttp.ClientSession
) -> None:
    server, root = standin
    server.add_user(3, "Chioma", language_code="fr")
    async with http.get(f"{root}/") as response:
        assert response.status == 200
        assert response.content_type == "text/html"
        page = await response.text()
    assert "<script>" in page and "/pg/chat/" in page
    assert not re.search(r"""(src|href)\s*=\s*["']https?:|<link""", page)  # works offline

    async with http.get(f"{root}/pg/users") as response:
        users = await response.json()
    assert [u["first_name"] for u in users["users"]] == ["Ann", "Ben", "Chioma"]
    async with http.post(
        f"{root}/pg/users", json={"first_name": "Dawit", "language_code": "am"}
    ) as response:
        new_user = await response.json()
    assert new_user["language_code"] == "am" and new_user["id"] > 3

    async with http.post(f"{root}/pg/send", json={"user_id": 1, "text": "/start"}) as response:
        assert response.status == 200
    async with http.get(f"{root}/pg/chat/1?since=-1") as response:
        view = await response.json()
    assert view["messages"][0]["message"]["text"] == "/start"
    assert view["messages"][0]["outgoing"] is True

    version = view["version"]
    waiting = asyncio.create_task(http.get(f"{root}/pg/chat/1?since={version}"))
    await asyncio.sleep(0.1)
    assert not waiting.done()
    sent = await bot.send_message(
        1, "Pick <b>one</b>", parse_mode="HTML", reply_markup=keyboard("a")
    )
    async with await asyncio.wait_for(waiting, 3) as response:
        view = await response.json()
    assert view["version"] > version
    assert view["messages"][-1]["message"]["entities"][0]["type"] == "bold"

    async with http.post(
        f"{root}/pg/press", json={"user_id": 1, "message_id": sent.message_id, "data": "a"}
    ) as response:
        assert (await response.json())["query_id"]
    poll = await bot.send_poll(1, "Q?", ["x", "y"], is_anonymous=False)
    assert poll.poll is not None
    async with http.post(
        f"{root}/pg/poll", json={"user_id": 1, "poll_id": poll.poll.id, "option_ids": [1]}
    ) as response:
        assert response.status == 200
    async with http.post(f"{root}/pg/block", json={"user_id": 1, "blocked": True}) as response:
        assert response.status == 200
    with pytest.raises(Forbidden):
        await bot.send_message(1, "blocked")
    async with http.get(f"{root}/pg/chat/1?timeout=0") as response:
        view = await response.json()
    assert view["blocked"] is True
    assert view["messages"][-1]["my_vote"] == [1]
    assert view["last_error"]["status"] == 403

    updates = await bot.get_updates(timeout=0)
    assert [u.callback_query is not None for u in updates].count(True) == 1
    assert [u.poll_answer is not None for u in updates].count(True) == 1
    async with http.post(f"{root}/pg/press", json={"user_id": 1, "message_id": 999}) as response:
        assert response.status == 400


async def test_playground_serves_files_and_reply_keyboards(
    standin: tuple[BotApiStandIn, str], bot: Bot, http: aiohttp.ClientSession
) -> None:
    _, root = standin
    await bot.send_document(1, b"%PDF-1.4", filename="guide.pdf")
    await bot.send_message(1, "Menu", reply_markup=ReplyKeyboardMarkup([["Lessons", "Quiz"]]))
    async with http.get(f"{root}/pg/chat/1?timeout=0") as response:
        view = await response.json()
    assert view["reply_keyboard"]["keyboard"][0][0]["text"] == "Lessons"
    file_url = view["messages"][0]["file_url"]
    async with http.get(f"{root}{file_url}") as response:
        assert await response.read() == b"%PDF-1.4"


# --- the spec check ------------------------------------------------------------------------


@needs_spec
async def test_spec_violations_are_recorded_not_rejected(
    make_standin: StandInFactory, http: aiohttp.ClientSession
) -> None:
    server, root = await make_standin(spec_path=SPEC_PATH)
    async with Bot(server.token, base_url=f"{root}/bot") as bot:
        await bot.send_message(1, "<b>fine</b>", parse_mode="HTML", reply_markup=keyboard("ok"))
        await bot.send_poll(1, "Q?", ["a", "b"], type="quiz", correct_option_ids=[0])
        await bot.get_updates(timeout=0)
    assert server.violations == []
    async with http.post(
        f"{root}/bot{server.token}/sendMessage",
        data={"chat_id": "1", "text": "hi", "colour": "blue"},
    ) as response:
        assert response.status == 200
    ((method, params, problems),) = server.violations
    assert method == "sendMessage" and params["colour"] == "blue"
    assert problems == ["unknown parameter 'colour'"]


@needs_spec
def test_spec_validator_checks_method_params_and_types() -> None:
    spec = SpecValidator(SPEC_PATH)
    assert spec.method_name("SENDMESSAGE") == "sendMessage"
    assert spec.check("getMe", {}) == []
    assert spec.check("noSuchMethod", {}) == ["unknown method 'noSuchMethod'"]
    assert spec.check("sendmessage", {"chat_id": "1", "text": "hi"}) == []
    assert spec.check("sendMessage", {"chat_id": "1", "text": "hi", "colour": "x"}) == [
        "unknown parameter 'colour'"
    ]
    assert spec.check("sendMessage", {"chat_id": "1"}) == ["missing required parameter 'text'"]
    assert spec.check("sendMessage", {"chat_id": "1", "text": "", "parse_mode": "HTML"}) == [
        "text: must be 1-4096 characters, got 0"
    ]
    assert spec.check("sendMessage", {"chat_id": "1", "text": "x", "disable_notification": "1"})
    assert spec.check("editMessageText", {"chat_id": 1, "message_id": 2, "text": "x"}) == []


@needs_spec
def test_spec_validator_checks_nested_objects_and_limits() -> None:
    spec = SpecValidator(SPEC_PATH)
    long_data = json.dumps({"inline_keyboard": [[{"text": "a", "callback_data": "x" * 65}]]})
    problems = spec.check("sendMessage", {"chat_id": "1", "text": "hi", "reply_markup": long_data})
    assert problems == [
        "reply_markup.inline_keyboard[0][0].callback_data: must be 1-64 bytes, got 65"
    ]
    ok_markup = json.dumps({"inline_keyboard": [[{"text": "a", "callback_data": "x" * 64}]]})
    assert spec.check("sendMessage", {"chat_id": 1, "text": "hi", "reply_markup": ok_markup}) == []

    bad_html = spec.check("sendMessage", {"chat_id": 1, "text": "<b>hi", "parse_mode": "HTML"})
    assert len(bad_html) == 1 and bad_html[0].startswith("text: invalid HTML: ")
    # 4096 visible characters are fine even when the markup makes the text longer
    long_html = "<b>" + "x" * 4096 + "</b>"
    assert spec.check("sendMessage", {"chat_id": 1, "text": long_html, "parse_mode": "HTML"}) == []

    options = json.dumps([{"text": "only one"}])
    assert spec.check("sendPoll", {"chat_id": 1, "question": "Q", "options": options}) == [
        "options: must have 2-12 items, got 1"
    ]
    explanation = {"explanation": "a\nb\nc\nd", "explanation_parse_mode": "HTML"}
    two_options = json.dumps([{"text": "a"}, {"text": "b" * 101}])
    problems = spec.check(
        "sendPoll", {"chat_id": 1, "question": "Q", "options": two_options, **explanation}
    )
    assert problems == [
        "options[1].text: must be 1-100 characters, got 101",
        "explanation: at most 2 line feeds, got 3",
    ]
    assert spec.check("answerCallbackQuery", {"callback_query_id": "1", "text": "t" * 201}) == [
        "text: must be 0-200 characters, got 201"
    ]
    assert spec.check("setMyCommands", {"commands": "[]", "scope": '{"type": "chat"}'}) == [
        "scope: missing required field 'chat_id'"
    ]
    assert spec.check("setMyCommands", {"commands": "[]", "scope": '{"type": "default"}'}) == []
    assert spec.check("setMyCommands", {"commands": "[]", "scope": '{"type": "nonsense"}'})
    assert spec.check("sendPhoto", {"chat_id": 1, "photo": b"\x89PNG"}) == []
    assert spec.check("sendMessage", {"chat_id": {"id": 1}, "text": "x"}) == [
        "chat_id: expected Integer or String, got object"
    ]
