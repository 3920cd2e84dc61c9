"""Pure parts of the trainer features: codes, names, schedule slots, callback data."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.actions import parse_action
from bot.actions.announcements import SendAt
from bot.actions.invitations import JoinCohort
from bot.actions.trainers import ModulePack
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


def test_trainer_actions_parse_and_refuse() -> None:
    action = SendAt.unpack("nat:12:1:8")
    assert action == SendAt(12, 1, 8) and (action.day, action.hour) == (1, 8)
    code = new_code()
    answer = JoinCohort.unpack(JoinCohort(code).pack())
    assert answer is not None and answer.code == code
    module = ModulePack.unpack("tckm:3:value-chain")
    assert module is not None and (module.cohort, module.module_id) == (3, "value-chain")
    for forged in ("nat:x:1:8", "nat:", "NAT:12:1:8", "nt:1;drop", "tco:" + "9" * 41):
        assert parse_action(forged) is None, forged
