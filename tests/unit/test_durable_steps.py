"""Which steps survive a restart (durable_steps) and which never leave memory."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from bot.channels.telegram.context import PendingAnswer, UserData, durable_steps, restore_steps

T0 = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)


def test_waiting_steps_round_trip_through_json() -> None:
    data = UserData(
        city_search_since=T0,
        name_asked_since=T0,
        trainer_step="cohort-place",
        trainer_step_since=T0,
        new_cohort=("Kamsar women", "fr"),
        pending_invitation="AbC123",
        outcome_for=(7, T0),
        faq_waiting="reply",
        faq_waiting_since=T0,
        faq_question_id=42,
    )
    saved = json.loads(json.dumps(durable_steps(data)))
    again = UserData()
    restore_steps(again, saved)
    for name in (
        "city_search_since",
        "name_asked_since",
        "trainer_step",
        "trainer_step_since",
        "new_cohort",
        "pending_invitation",
        "outcome_for",
        "faq_waiting",
        "faq_waiting_since",
        "faq_question_id",
    ):
        assert getattr(again, name) == getattr(data, name), name
    assert again.restored and again.saved_steps == saved


def test_what_a_user_wrote_is_never_saved() -> None:
    data = UserData(
        certificate_name="Ana Souza",
        pending_answer=PendingAnswer(1, 2, "concern", anonymous=True, since=T0),
        faq_unanswered="my well is muddy",
        faq_waiting="guide",
        faq_waiting_since=T0,
        guide_answers={"what": "red dust on the crops"},
        guide_step=2,
    )
    assert durable_steps(data) is None
    assert durable_steps(UserData()) is None


def test_saved_steps_that_do_not_parse_are_dropped_whole() -> None:
    data = UserData()
    restore_steps(data, {"trainer_step": "announce", "name_asked_since": "yesterday"})
    assert data.trainer_step is None and data.name_asked_since is None
    assert data.restored
    restore_steps(data, {"faq_waiting": "guide", "faq_waiting_since": T0.isoformat()})
    assert data.faq_waiting is None, "the guide cannot resume without its answers"
