"""Polls and quizzes: building them from sendPoll and counting the simulated users' votes.

Texts of error answers that are not documented anywhere are Telegram-like guesses; the ones
bots really meet (option count, lengths) follow what Telegram answers.
"""

from __future__ import annotations

from typing import Any

from bot.channels.telegram.standin.content import format_text
from bot.channels.telegram.standin.errors import bad_request
from bot.channels.telegram.standin.state import PollState
from bot.channels.telegram.standin.wire import Params
from bot.telegram_html import utf16_length

__all__ = ["build_poll", "vote"]

_MAX_QUESTION = 300
_MAX_OPTION = 100
_MAX_OPTIONS = 12
_MAX_EXPLANATION = 200
_MAX_EXPLANATION_LINE_FEEDS = 2


def build_poll(params: Params, poll_id: str) -> dict[str, Any]:
    """Validate a sendPoll call and return the Bot API Poll it creates."""
    question, question_entities = format_text(
        params.text("question") or "",
        params.text("question_parse_mode"),
        params.get("question_entities"),
    )
    if not question:
        raise bad_request("poll question must be non-empty")
    if utf16_length(question) > _MAX_QUESTION:
        raise bad_request(f"poll question length must not exceed {_MAX_QUESTION}")
    options = [_option(index, raw) for index, raw in enumerate(params.array("options") or [])]
    if len(options) < 2:
        raise bad_request("poll must have at least 2 option")
    if len(options) > _MAX_OPTIONS:
        raise bad_request(f"poll can't have more than {_MAX_OPTIONS} options")
    poll_type = params.text("type") or "regular"
    if poll_type not in ("regular", "quiz"):
        raise bad_request("poll type is invalid")
    quiz = poll_type == "quiz"
    poll: dict[str, Any] = {
        "id": poll_id,
        "question": question,
        "options": options,
        "total_voter_count": 0,
        "is_closed": params.flag("is_closed"),
        "is_anonymous": params.flag("is_anonymous", default=True),
        "type": poll_type,
        "allows_multiple_answers": params.flag("allows_multiple_answers"),
        "allows_revoting": params.flag("allows_revoting", default=not quiz),
        "members_only": False,
    }
    if question_entities:
        poll["question_entities"] = question_entities
    if quiz:
        poll["correct_option_ids"] = _correct_options(params, len(options))
        poll.update(_explanation(params))
    for key in ("open_period", "close_date"):
        if params.get(key) is not None:
            poll[key] = params.integer(key)
    return poll


def _option(index: int, raw: object) -> dict[str, Any]:
    """An InputPollOption (or, as older clients send it, a plain string) as a PollOption."""
    if isinstance(raw, str):
        raw = {"text": raw}
    if not isinstance(raw, dict) or not isinstance(raw.get("text"), str):
        raise bad_request("can't parse InputPollOption JSON object")
    text, entities = format_text(raw["text"], raw.get("text_parse_mode"), raw.get("text_entities"))
    if not text:
        raise bad_request("poll options must be non-empty")
    if utf16_length(text) > _MAX_OPTION:
        raise bad_request(f"poll options length must not exceed {_MAX_OPTION}")
    option: dict[str, Any] = {"persistent_id": str(index), "text": text, "voter_count": 0}
    if entities:
        option["text_entities"] = entities
    return option


def _correct_options(params: Params, count: int) -> list[int]:
    ids = params.array("correct_option_ids")
    if ids is None and params.get("correct_option_id") is not None:
        ids = [params.integer("correct_option_id")]
    if not ids:
        raise bad_request("QUIZ_CORRECT_ANSWERS_EMPTY")
    correct = [i for i in ids if isinstance(i, int) and not isinstance(i, bool)]
    in_range = all(0 <= i < count for i in correct)
    if len(correct) != len(ids) or not in_range or correct != sorted(set(correct)):
        raise bad_request("QUIZ_CORRECT_ANSWER_INVALID")
    return correct


def _explanation(params: Params) -> dict[str, Any]:
    raw = params.text("explanation")
    if raw is None:
        return {}
    text, entities = format_text(
        raw, params.text("explanation_parse_mode"), params.get("explanation_entities")
    )
    if utf16_length(text) > _MAX_EXPLANATION:
        raise bad_request("explanation is too long")
    if text.count("\n") > _MAX_EXPLANATION_LINE_FEEDS:
        raise bad_request("explanation can't contain more than 2 line feeds")
    result: dict[str, Any] = {"explanation": text}
    if entities:
        result["explanation_entities"] = entities
    return result


def vote(state: PollState, user_id: int, option_ids: list[int]) -> None:
    """Record a user's vote (an empty list retracts it) and update the counts.

    Raises ValueError for votes a Telegram client would not let the user cast.
    """
    poll = state.poll
    options = poll["options"]
    if poll["is_closed"]:
        raise ValueError("the poll is closed")
    if len(set(option_ids)) != len(option_ids) or not all(
        0 <= i < len(options) for i in option_ids
    ):
        raise ValueError(f"option ids must be distinct and in 0..{len(options) - 1}")
    if len(option_ids) > 1 and not poll["allows_multiple_answers"]:
        raise ValueError("the poll allows only one answer")
    previous = state.votes.get(user_id, [])
    if previous and not poll["allows_revoting"]:
        raise ValueError("the user already voted and the poll does not allow revoting")
    if not option_ids and not previous:
        raise ValueError("nothing to retract: the user has not voted")
    for index in previous:
        options[index]["voter_count"] -= 1
    for index in option_ids:
        options[index]["voter_count"] += 1
    if option_ids:
        state.votes[user_id] = sorted(option_ids)
    else:
        del state.votes[user_id]
    poll["total_voter_count"] = len(state.votes)
