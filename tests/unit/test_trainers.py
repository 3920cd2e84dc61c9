"""Pure parts of the trainer features: codes, names, schedule slots, callback data."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.callbacks import AnnouncementAction, CohortAction, InvitationAnswer
from bot.errors import BadCohortText, StaleButton
from bot.services.announcements import schedule_choices, slot_time
from bot.services.cohorts import CODE_RE, clean_text, new_code


def test_codes_are_random_and_fit_a_start_parameter() -> None:
    codes = {new_code() for _ in range(1000)}
    assert len(codes) == 1000
    assert all(CODE_RE.match(code) for code in codes)


def test_names_are_one_clean_line() -> None:
    assert clean_text("  Boké\n\twomen\u200b group ") == "Boké women group"
    assert clean_text("कोरापुट समूह") == "कोरापुट समूह"
    for bad in ("", "   ", "\u0000", "x" * 65):
        with pytest.raises(BadCohortText):
            clean_text(bad)


def test_schedule_slots_are_local_hours_in_the_future() -> None:
    kolkata = ZoneInfo("Asia/Kolkata")
    now = datetime(2026, 3, 23, 10, tzinfo=UTC)  # 15:30 in Kolkata
    choices = schedule_choices(now, kolkata)
    assert [(day, hour) for day, hour, _ in choices][:3] == [(0, 18), (1, 8), (1, 12)]
    assert all(at > now for _, _, at in choices)
    assert slot_time(now, kolkata, 1, 8) == datetime(2026, 3, 24, 2, 30, tzinfo=UTC)
    for forged in ((0, 8), (5, 8), (1, 3)):
        with pytest.raises(StaleButton):
            slot_time(now, kolkata, *forged)


def test_trainer_callback_data_parses_and_refuses() -> None:
    action = AnnouncementAction.unpack("ta:at-12-1-8")
    assert action is not None and action.action == "at" and action.ints(3) == (12, 1, 8)
    code = new_code()
    answer = InvitationAnswer.unpack(InvitationAnswer(f"join-{code}").pack())
    assert answer is not None and answer.rest == code
    module = CohortAction.unpack("tc:mod-3-value-chain")
    assert module is not None and module.rest == "3-value-chain"
    for forged in ("ta:at-x-1", "ta:", "ta:AT-1", "ta:to-1;drop", "tc:open-" + "9" * 41):
        parsed = AnnouncementAction.unpack(forged) or CohortAction.unpack(forged)
        assert parsed is None or parsed.ints(1) is None, forged
