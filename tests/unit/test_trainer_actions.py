"""The trainer family's typed actions: what the buttons carry, and forged data refused.

Trainers and cohorts (bot/actions/trainers.py), invitations (bot/actions/invitations.py) and
announcements (bot/actions/announcements.py).
"""

from __future__ import annotations

import gettext
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import cast
from zoneinfo import ZoneInfo

import pytest

from bot.actions import MAX_BYTES, Action, ActionError, parse_action
from bot.actions.announcements import (
    CancelAnnouncement,
    ChangeAudience,
    ChooseSendTime,
    DropAnnouncement,
    PreviewAnnouncement,
    ScheduledAnnouncements,
    SendAnnouncement,
    SendAt,
    ToEveryone,
    ToggleCohort,
    WriteAnnouncement,
)
from bot.actions.invitations import AcceptTrainerRole, DeclineInvitation, JoinCohort, LeaveCohort
from bot.actions.trainers import (
    CohortChart,
    CohortCsv,
    CohortLanguage,
    CohortMissed,
    CohortPacks,
    CohortProgress,
    CohortQr,
    InviteTrainer,
    ModulePack,
    NewCohort,
    OpenCohort,
    RemoveTrainer,
    RenewCohortLink,
    SkipCohortPlace,
)
from bot.content.model import Module
from bot.conversation.events import Pressed
from bot.db.repositories.announcements import AnnouncementRecord
from bot.db.repositories.cohorts import CohortRecord
from bot.errors import StaleButton
from bot.keyboards import announcements as announcement_keyboards
from bot.keyboards import trainers as trainer_keyboards
from bot.screens import Choice, Keyboard
from bot.services.announcements import Draft
from bot.services.cohorts import TrainerEntry, new_code
from handlers.common import Turn, picked

# A fixed code of the shape new_code() draws: parametrised test ids must be the same in every
# xdist worker.
CODE = "V56AvvRwhaWv95ls"
assert len(CODE) == len(new_code())

EXAMPLES: list[tuple[Action, str]] = [
    (NewCohort(), "tn"),
    (CohortLanguage("fr"), "tnl:fr"),
    (SkipCohortPlace(), "tns"),
    (OpenCohort(3), "tco:3"),
    (CohortProgress(3), "tcp:3"),
    (CohortChart(3), "tcc:3"),
    (CohortCsv(3), "tcv:3"),
    (CohortMissed(3), "tcm:3"),
    (CohortQr(3), "tcq:3"),
    (RenewCohortLink(3), "tcr:3"),
    (CohortPacks(3), "tck:3"),
    (ModulePack(3, "value-chain"), "tckm:3:value-chain"),
    (InviteTrainer(), "tti"),
    (RemoveTrainer(302), "ttr:302"),
    (JoinCohort(CODE), f"ij:{CODE}"),
    (DeclineInvitation(CODE), f"in:{CODE}"),
    (AcceptTrainerRole(CODE), f"ia:{CODE}"),
    (LeaveCohort(3), "il:3"),
    (WriteAnnouncement(), "na"),
    (ScheduledAnnouncements(), "nl"),
    (ToggleCohort(12, 3), "nt:12:3"),
    (ToEveryone(12), "ne:12"),
    (PreviewAnnouncement(12), "np:12"),
    (ChangeAudience(12), "nb:12"),
    (SendAnnouncement(12), "ns:12"),
    (ChooseSendTime(12), "nw:12"),
    (SendAt(12, 1, 8), "nat:12:1:8"),
    (DropAnnouncement(12), "nd:12"),
    (CancelAnnouncement(12), "nc:12"),
]


@pytest.mark.parametrize(("action", "data"), EXAMPLES, ids=[d for _, d in EXAMPLES])
def test_actions_pack_and_parse_back(action: Action, data: str) -> None:
    assert action.pack() == data
    assert type(action).unpack(data) == action
    assert parse_action(data) == action


def test_invitation_codes_with_dashes_and_underscores_parse_whole() -> None:
    code = "ab-_CD-12_xyZ-_-A"
    assert JoinCohort.unpack(JoinCohort(code).pack()) == JoinCohort(code)
    assert AcceptTrainerRole.unpack(f"ia:{code}") == AcceptTrainerRole(code)


FORGED: list[tuple[type[Action], str]] = [
    # wrong field count
    (OpenCohort, "tco:"),
    (OpenCohort, "tco:3:4"),
    (ToggleCohort, "nt:12"),
    (ToggleCohort, "nt:12:3:4"),
    (SendAt, "nat:12:1"),
    (SendAt, "nat:12:1:8:0"),
    (ModulePack, "tckm:3"),
    (ModulePack, "tckm:3:value:chain"),
    (NewCohort, "tn:x"),
    (InviteTrainer, "tti:1"),
    (SendAnnouncement, "ns:"),
    (LeaveCohort, "il"),
    # a cohort, announcement or user that is no number
    (OpenCohort, "tco:x"),
    (CohortCsv, "tcv:-3"),
    (CohortQr, "tcq:3.0"),
    (CohortProgress, "tcp: 3"),
    (LeaveCohort, "il:three"),
    (ToggleCohort, "nt:x:1"),
    (ToggleCohort, "nt:1:x"),
    (RemoveTrainer, "ttr:1e3"),
    (ModulePack, "tckm:x:value-chain"),
    (OpenCohort, "tco:" + "9" * 19),
    (SendAnnouncement, "ns:" + "9" * 40),
    # slots outside the schema's ranges
    (SendAt, "nat:12:31:8"),
    (SendAt, "nat:12:1:24"),
    # bad invitation codes
    (JoinCohort, "ij:"),
    (JoinCohort, "ij:a b"),
    (JoinCohort, "ij:../../etc/passwd"),
    (JoinCohort, "ij:abc;drop"),
    (JoinCohort, "ij:" + "A" * 41),
    (AcceptTrainerRole, "ia:code:extra"),
    (DeclineInvitation, "in:é"),
    # bad slugs
    (ModulePack, "tckm:3:Value-Chain"),
    (CohortLanguage, "tnl:"),
    (CohortLanguage, "tnl:FR"),
    (CohortLanguage, "tnl:<b>"),
    # over 64 bytes
    (ModulePack, "tckm:3:" + "a" * 58),
    (JoinCohort, "ij:" + "A" * 70),
    # a near miss, or the old `prefix:verb-args` format
    (OpenCohort, "tco3"),
    (OpenCohort, "TCO:3"),
    (OpenCohort, "tc:open-3"),
    (JoinCohort, f"ti:join-{CODE}"),
    (SendAnnouncement, "ta:send-5"),
    (NewCohort, "tm:new"),
    (LeaveCohort, "tl:leave-3"),
    (RemoveTrainer, "tt:rm-302"),
]


@pytest.mark.parametrize(("kind", "data"), FORGED, ids=[d[:30] for _, d in FORGED])
def test_forged_and_malformed_data_does_not_parse(kind: type[Action], data: str) -> None:
    assert kind.unpack(data) is None
    assert parse_action(data) is None


@pytest.mark.parametrize("data", [None, 42, b"tco:3", ""])
def test_data_that_is_no_text_does_not_parse(data: object) -> None:
    assert OpenCohort.unpack(data) is None
    assert parse_action(data) is None


def _press(data: str) -> Turn:
    return cast(Turn, SimpleNamespace(event=Pressed(data)))


def test_a_handler_refuses_what_matches_its_prefix_but_does_not_parse() -> None:
    """`matches` looks only at the prefix, so a bad value reaches the handler, whose
    `picked` refuses it as a stale button rather than letting another handler take it."""
    refused: list[tuple[type[Action], str]] = [
        (OpenCohort, "tco:x"),
        (SendAt, "nat:12:99:8"),
        (JoinCohort, "ij:a b"),
        (ModulePack, "tckm:3:" + "a" * 58),
    ]
    for kind, data in refused:
        assert kind.matches(data)
        with pytest.raises(StaleButton):
            picked(_press(data), kind)
    assert picked(_press("tckm:3:value-chain"), ModulePack) == ModulePack(3, "value-chain")
    assert not OpenCohort.matches("tc:open-3") and not OpenCohort.matches("tcp:3")
    assert OpenCohort.unpack("tcp:3") is None, "another action's data"


@pytest.mark.parametrize(
    "action",
    [
        OpenCohort(-1),
        ToggleCohort(1, -2),
        SendAt(1, 31, 8),
        SendAt(1, 0, 24),
        JoinCohort("a b"),
        JoinCohort("A" * 41),
        JoinCohort(""),
        ModulePack(1, "a:b"),
        ModulePack(1, "a" * 58),  # a valid slug, but over 64 bytes with the rest
        CohortLanguage("Fr"),
    ],
)
def test_packing_refuses_what_would_not_parse(action: Action) -> None:
    with pytest.raises(ActionError):
        action.pack()


# --- every button the trainer keyboards build parses back to its action ------------------

T = gettext.NullTranslations()
NOW = datetime(2026, 3, 23, 10, tzinfo=UTC)
BIG_ID = 10**17


def _cohort(cohort_id: int, name: str = "Boké women's group") -> CohortRecord:
    return CohortRecord(cohort_id, 301, name, "fr", None, NOW, members=12)


def _announcement(announcement_id: int) -> AnnouncementRecord:
    return AnnouncementRecord(
        id=announcement_id,
        author_id=301,
        source_chat_id=None,
        source_message_id=None,
        kind="text",
        body="Workshop on Friday",
        media_name=None,
        media_mime=None,
        cohort_ids=[BIG_ID],
        everyone=False,
        status="draft",
        scheduled_at=None,
        created_at=NOW,
        started_at=None,
        finished_at=None,
        progress_ref=None,
    )


def _keyboards() -> list[Keyboard]:
    cohorts = [_cohort(3), _cohort(BIG_ID, "x" * 64)]
    module = Module("value-chain", 2, "The value chain", "", ())
    longest = Module("a" * 40, 9, "The longest module id that fits", "", ())
    draft = Draft(_announcement(BIG_ID), cohorts, may_announce_to_everyone=True, audience=24)
    zone = ZoneInfo("Asia/Kolkata")
    k, a = trainer_keyboards, announcement_keyboards
    return [
        k.trainer_menu_keyboard(T, cohorts),
        k.cohort_keyboard(T, BIG_ID),
        k.back_to_cohort_keyboard(T, BIG_ID),
        k.pack_keyboard(T, BIG_ID, (module, longest)),
        k.cohort_language_keyboard(T, ("en", "fr", "pt", "hi")),
        k.skip_place_keyboard(T),
        k.cancel_keyboard(T),
        k.offer_keyboard(T, CODE, trainer=True),
        k.offer_keyboard(T, CODE, trainer=False),
        k.joined_keyboard(T, BIG_ID),
        k.my_cohorts_keyboard(T, cohorts),
        k.became_trainer_keyboard(T),
        k.trainers_keyboard(T, [TrainerEntry(302, "302", 0), TrainerEntry(BIG_ID, "5", 4)]),
        a.audience_keyboard(T, draft),
        a.preview_keyboard(T, BIG_ID),
        a.schedule_keyboard(T, BIG_ID, [(30, 23, NOW), (0, 8, NOW)], zone, "en"),
        a.scheduled_keyboard(T, [_announcement(1), _announcement(BIG_ID)]),
        a.cancel_one_keyboard(T, BIG_ID),
        a.done_keyboard(T),
    ]


def test_every_trainer_button_carries_a_typed_action_that_parses_back() -> None:
    seen: set[type[Action]] = set()
    for board in _keyboards():
        for choice in board.choices:
            assert isinstance(choice, Choice)
            data = choice.data
            assert len(data.encode("utf-8")) <= MAX_BYTES, data
            assert parse_action(data) == choice.action, data
            if not data.startswith("m:"):  # Menu("main"), Menu("trainer") are the menu's
                seen.add(type(choice.action))
    assert seen == {type(action) for action, _ in EXAMPLES}, "a button of each action"
