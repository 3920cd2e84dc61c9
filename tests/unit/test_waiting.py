"""One waiting state: what typed message the bot waits for, sealed in users.waiting."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from bot import waiting
from bot.conversation.memory import Memory, load_steps, steps_to_save
from bot.sealing import Sealer
from bot.waiting import (
    AnnouncementText,
    AnswerBack,
    CertificateName,
    CityName,
    CohortName,
    CohortPlace,
    ConsultationAnswer,
    ConsultationOutcome,
    GuideAnswer,
    GuideSummary,
    QuestionToPerson,
    StaffReply,
    Wait,
)

T0 = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
SEALER = Sealer(b"a secret of the deployment")
EVERY: list[Wait] = [
    CityName(T0),
    CertificateName(T0),
    ConsultationAnswer(T0, consultation=3, section=1, stance="concern", anonymous=True),
    ConsultationAnswer(T0, consultation=3, section=0, stance="agree", edit_number=7),
    ConsultationOutcome(T0, consultation=3),
    CohortName(T0),
    CohortPlace(T0, name="Women's group", language="fr"),
    AnnouncementText(T0),
    QuestionToPerson(T0),
    StaffReply(T0, question=12),
    AnswerBack(T0, question=12),
    GuideAnswer(T0, step=4),
    GuideSummary(T0),
]


@pytest.mark.parametrize("step", EVERY, ids=lambda w: w.KIND)
def test_every_step_survives_the_database_sealed(step: Wait) -> None:
    data = Memory(waiting=step, pending_invitation="CODE-1")
    saved = json.loads(json.dumps(steps_to_save(data, 42, SEALER)))
    again = Memory()
    load_steps(again, saved, 42, SEALER)
    assert again.waiting == step and again.pending_invitation == "CODE-1"


def test_a_stored_step_says_nothing_without_the_key() -> None:
    step = ConsultationAnswer(T0, consultation=3, section=1, stance="concern", anonymous=True)
    stored = json.dumps(steps_to_save(Memory(waiting=step), 42, SEALER))
    for word in ("concern", "consultation", "anonymous", "section", "true"):
        assert word not in stored
    again = Memory()
    load_steps(again, json.loads(stored), 43, SEALER)
    assert again.waiting is None, "sealed for one person: not readable as another's"
    load_steps(again, json.loads(stored), 42, Sealer(b"another key"))
    assert again.waiting is None


def test_what_is_typed_is_never_saved() -> None:
    data = Memory(
        waiting=GuideAnswer(T0, step=2),
        certificate_name="Awa Camara",
        faq_unanswered="my secret question",
        guide_answers={"what": "they poisoned the well"},
    )
    stored = json.dumps(steps_to_save(data, 42, None))
    for text in ("Awa", "secret", "poisoned"):
        assert text not in stored
    assert steps_to_save(Memory(), 42, SEALER) is None


@pytest.mark.parametrize(
    "saved",
    [
        {"wait": {"step": {"kind": "nonsense", "since": T0.isoformat()}}},
        {"wait": {"step": {"kind": "city", "since": "yesterday"}}},
        {"wait": {"step": {"kind": "reply", "since": T0.isoformat(), "extra": 1}}},
        {"wait": {"sealed": "not base64 at all!"}},
        {"wait": "a string"},
        ["not", "a", "dict"],
    ],
)
def test_steps_that_do_not_parse_are_dropped_not_guessed(saved: object) -> None:
    data = Memory(waiting=CityName(T0))
    load_steps(data, saved, 42, SEALER)
    assert data.waiting is None


def test_one_timeout_for_every_step() -> None:
    for step in EVERY:
        assert waiting.current(step, T0 + waiting.WAIT_FOR) == step
        assert waiting.current(step, T0 + waiting.WAIT_FOR + timedelta(seconds=1)) is None


def test_one_interrupt_rule() -> None:
    city, answer = CityName(T0), ConsultationAnswer(T0, consultation=1)
    assert waiting.ended_by(city, None), "a command ends any wait"
    assert waiting.ended_by(city, "lessons"), "another feature's button ends it"
    assert not waiting.ended_by(city, "reminders"), "its own feature's buttons keep it"
    assert not waiting.ended_by(city, "*"), "a typed message is what it waits for"
    assert waiting.ended_by(answer, "consultations"), "a consultation answer ends on any button"
    assert not waiting.ended_by(None, "lessons")
