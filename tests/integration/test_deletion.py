"""/deleteme, table by table: one person is filled into every table, beside a second person
who must come out untouched, and every row of every table is compared before and after."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db import models as m
from bot.db.engine import create_session_factory
from bot.db.models import Base
from bot.db.uow import UnitOfWork
from bot.sealing import Sealer
from bot.services import holding, learners

T0 = datetime(2027, 3, 2, 10, 30, tzinfo=UTC)
KEY = Sealer.from_token("123456:deletion-tests-token-aaaaaaaaaaaaaaaaa")
A, B, ADMIN = 5_000_001, 5_000_002, 5_000_003  # A is deleted; B and the admin stay
SECRET = "A-wrote-this"  # in everything A wrote: none of it may be left

# Columns that name a person, by table (every other column that holds a user id is one of
# these: the test below fails on a table it does not know).
PERSON_COLUMNS = {
    "users": ("id",),
    "announcements": ("author_id",),
    "cohorts": ("trainer_id",),
    "invitations": ("created_by", "used_by"),
    "faq_questions": ("user_id", "taken_by"),
    "faq_messages": ("sender_id",),
    "recordings": ("recorder_id",),
}


def _uow(engine: AsyncEngine) -> UnitOfWork:
    return UnitOfWork(create_session_factory(engine), sealer=KEY)


def _person(user: int, n: int) -> dict[type[Base], list[dict[str, Any]]]:
    """Rows of every table for one person; `n` keeps their keys apart (1 for A, 2 for B).
    The other person's cohort, announcement and question are the ones this one joins,
    receives and took as staff."""
    other = B if user == A else A
    o = 3 - n
    text = SECRET if user == A else "B-wrote-this"
    return {
        m.User: [
            {
                "id": user,
                "language": "en",
                "time_zone": "Africa/Conakry",
                "role": "trainer",
                "consent_at": T0,
                "first_seen_at": T0,
                "last_seen_at": T0,
                "blocked": False,
                "waiting": {"wait": "sealed"},
            }
        ],
        m.Account: [
            {
                "id": n,
                "user_id": user,
                "platform": "telegram",
                "external_id": str(user),
                "address": str(user),
                "created_at": T0,
            }
        ],
        m.CardProgress: [
            {
                "user_id": user,
                "card_id": "basics-01",
                "module_id": "basics",
                "first_seen_at": T0,
                "last_seen_at": T0,
            }
        ],
        m.Event: [{"id": n, "user_id": user, "kind": "consent", "data": {}, "at": T0}],
        m.Reminder: [{"user_id": user, "enabled": True, "days": 3, "hour": 9}],
        m.ReminderLog: [{"id": n, "user_id": user, "due_at": T0, "at": T0, "outcome": "sent"}],
        m.QuizAttempt: [
            {
                "id": n,
                "user_id": user,
                "module_id": "basics",
                "status": "finished",
                "question_ids": ["q1"],
                "position": 1,
                "score": 1,
                "total": 1,
                "passed": True,
                "started_at": T0,
            }
        ],
        m.QuizAnswer: [
            {
                "attempt_id": n,
                "position": 0,
                "question_id": "q1",
                "chosen": 0,
                "correct": True,
                "answered_at": T0,
            }
        ],
        m.QuizQuestionSent: [
            {
                "platform": "telegram",
                "ref": f"poll-{n}",
                "attempt_id": n,
                "position": 0,
                "option_order": [0, 1],
                "sent_at": T0,
            }
        ],
        m.Certificate: [
            {
                "code": f"CODE{n}",
                "user_id": user,
                "name": text,
                "language": "en",
                "scores": {"basics": [1, 1]},
                "issued_at": T0,
            }
        ],
        m.ConsultationAnswer: [
            {
                "consultation_id": 1,
                "number": 1000 + n,  # named
                "section": 0,
                "stance": "agree",
                "kind": "voice",
                "text": text,
                "channel": "whatsapp",
                "file_kept": True,
                "language": "en",
                "submitted_on": date(2027, 3, 2),
                "user_id": user,
                "author_name": text,
            },
            {
                "consultation_id": 1,
                "number": 2000 + n,  # anonymous: nothing ties it to anyone
                "section": 0,
                "stance": "concern",
                "kind": "photo",
                "text": f"anonymous {n}",
                "channel": "whatsapp",
                "file_kept": True,
                "language": "en",
                "submitted_on": date(2027, 3, 2),
            },
        ],
        m.ConsultationFile: [  # our copies of their files, sealed (here: stand-in bytes)
            {"consultation_id": 1, "number": 1000 + n, "sealed": b"named file"},
            {"consultation_id": 1, "number": 2000 + n, "sealed": b"anonymous file"},
        ],
        m.ConsultationHeldFile: [{"id": f"held-file-{n}", "sealed": b"nobody's, waiting"}],
        m.ConsultationSubscriber: [{"user_id": user}],
        m.ConsultationFollower: [{"consultation_id": 1, "user_id": user}],
        m.ConsultationNotice: [{"consultation_id": 1, "user_id": user, "kind": "open"}],
        m.Cohort: [
            {
                "id": n,
                "trainer_id": user,
                "name": f"{text} cohort",
                "language": "en",
                "place": text,
                "created_at": T0,
            }
        ],
        m.CohortMember: [{"cohort_id": o, "user_id": user, "display_name": text, "joined_at": T0}],
        m.Invitation: [
            {
                "code": f"cohort-code-{n}",
                "kind": "cohort",
                "cohort_id": n,
                "created_by": user,
                "created_at": T0,
            },
            {
                "code": f"trainer-made-{n}",  # a trainer code this person made, unused
                "kind": "trainer",
                "created_by": user,
                "created_at": T0,
            },
            {
                "code": f"trainer-used-{n}",  # the code that made this person a trainer
                "kind": "trainer",
                "created_by": ADMIN,
                "created_at": T0,
                "used_by": user,
                "used_at": T0,
            },
        ],
        m.Announcement: [
            {
                "id": n,
                "author_id": user,
                "kind": "text",
                "body": text,
                "cohort_ids": [n],
                "everyone": False,
                "status": "scheduled",
                "scheduled_at": T0,
                "created_at": T0,
            }
        ],
        m.AnnouncementRecipient: [
            {"id": n, "announcement_id": o, "user_id": user, "state": "sent", "done_at": T0}
        ],
        m.FaqQuestion: [
            {
                "id": n,
                "user_id": user,
                "language": "en",
                "text": text,
                "status": "answered",
                "taken_by": other,  # the other person took it, as staff
                "created_at": T0,
                "updated_at": T0,
            }
        ],
        m.FaqMessage: [
            # this person's reply, as staff, to the other's question
            {
                "id": 10 + n,
                "question_id": o,
                "sender_id": user,
                "from_learner": False,
                "text": f"reply by {n}",
                "at": T0,
            },
            # this person's answer back on their own question
            {
                "id": 20 + n,
                "question_id": n,
                "sender_id": user,
                "from_learner": True,
                "text": text,
                "at": T0,
            },
        ],
        m.FaqNotice: [
            # this person, as staff, is told of the other's answer back on their question
            {
                "id": n,
                "question_id": o,
                "message_id": 20 + o,
                "user_id": user,
                "state": "sent",
                "not_before": T0,
                "done_at": T0,
            }
        ],
        # the (sealed, here just some bytes) recording of this person's spoken question
        m.FaqVoice: [{"question_id": n, "sealed": b"sealed voice %d" % n}],
        m.FaqFeedback: [{"user_id": user, "entry_id": "retaliation", "helpful": False, "at": T0}],
        m.ComplaintDraft: [{"user_id": user, "text": text, "saved_at": T0}],
        m.Recording: [
            # a submission waiting for review (goes) and an approved recording (stays for
            # learners, without the recorder)
            {
                "id": 10 * n + k,
                "target_kind": "card",
                "target_id": f"card-{n}-{k}",
                "language": "en",
                "recorder_id": user,
                "recorder_name": text,
                "created_at": T0,
                "status": status,
                "format": "ogg",
                "size": 100,
                "duration_ms": 1000,
                "sha256": f"{10 * n + k:064x}",
            }
            for k, status in ((1, "pending"), (2, "approved"))
        ],
    }


async def _snapshot(uow: UnitOfWork) -> dict[str, list[dict[str, Any]]]:
    out = {}
    for name, table in Base.metadata.tables.items():
        rows = [dict(r._mapping) for r in await uow.session.execute(select(table))]
        out[name] = sorted(rows, key=repr)
    return out


def _expected(before: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """What must be left of each table once A is deleted."""
    gone = {  # A's own rows, and the rows that hang on them, by the key they hang on
        "quiz_attempts": 1,
        "cohorts": 1,
        "announcements": 1,
        "faq_questions": 1,
    }
    hanging = {
        "quiz_answers": ("attempt_id", "quiz_attempts"),
        "quiz_questions_sent": ("attempt_id", "quiz_attempts"),
        "cohort_members": ("cohort_id", "cohorts"),
        "invitations": ("cohort_id", "cohorts"),
        "announcement_recipients": ("announcement_id", "announcements"),
        "faq_messages": ("question_id", "faq_questions"),
        "faq_notices": ("question_id", "faq_questions"),
        "faq_voice": ("question_id", "faq_questions"),
    }
    after: dict[str, list[dict[str, Any]]] = {}
    for name, rows in before.items():
        kept = []
        for row in rows:
            row = dict(row)
            if name == "faq_questions" and row["taken_by"] == A:
                row["taken_by"] = None  # B's question stays for B; who took it does not
            if name == "faq_messages" and row["sender_id"] == A and row["question_id"] != 1:
                row["sender_id"] = None  # A's reply stays with B's question, unsigned
            if name == "recordings" and row["recorder_id"] == A and row["status"] == "approved":
                row.update(recorder_id=None, recorder_name=None)
            if name == "certificates" and row["user_id"] == A:
                # the code stays, so it verifies as withdrawn; nothing says whose it was
                row.update(user_id=None, name=None, scores={}, revoked_at="set")
            owners = PERSON_COLUMNS.get(name, ("user_id",) if "user_id" in row else ())
            if name == "faq_questions":
                owners = ("user_id",)
            if name == "faq_messages":
                owners = ()
            if any(row.get(column) == A for column in owners):
                continue
            if name in gone and row["id"] == gone[name]:
                continue
            if name == "consultation_files" and row["number"] == 1000 + 1:
                continue  # the file of A's named answer goes with it
            if name in hanging:
                column, parent = hanging[name]
                if row.get(column) == gone[parent]:
                    continue
            kept.append(row)
        after[name] = kept
    return after


async def test_deleteme_leaves_nothing_of_the_person_and_touches_nobody_else(
    engine: AsyncEngine,
) -> None:
    """Everything of A goes; B's rows and the admin's are exactly as they were.

    What stays of A, because nothing links it to them:
    - their anonymous consultation answer (no user id, no time of day: it was never theirs
      in the database) and an anonymous answer still held for its batch (sealed; inside the
      seal its author is only a keyed pseudonym, to count a batch's authors, and the row
      is deleted when its batch is written);
    - their certificate's code, without user, name or scores, so it verifies as withdrawn;
    - their approved recording, without recorder or name, until a new one replaces it;
    - their reply, as staff, to B's question: B keeps the conversation, which no longer
      says who wrote it, and B's question no longer says who took it.
    The consultation itself is nobody's and stays, as do the digests of updates already
    taken (processed_events), which name nobody.
    """
    async with _uow(engine) as uow:
        await uow.session.execute(
            insert(m.User).values(
                id=ADMIN, role="admin", first_seen_at=T0, last_seen_at=T0, blocked=False
            )
        )
        for n in (1, 2):  # updates already taken: they name nobody, and stay
            await uow.session.execute(
                insert(m.ProcessedEvent).values(
                    platform="telegram", event_id=f"{n:064x}", seen_at=T0
                )
            )
        for cid in (1, 2):  # 2: followed in held requests, not yet written
            await uow.session.execute(
                insert(m.Consultation).values(
                    id=cid,
                    slug=f"c{cid}",
                    spec={},
                    status="open",
                    opens_at=T0,
                    closes_at=T0,
                    published_at=T0,
                )
            )
        rows_a, rows_b = _person(A, 1), _person(B, 2)
        for model in rows_a:  # in dependency order: users first, then what points at them
            for row in (*rows_a[model], *rows_b[model]):
                await uow.session.execute(insert(model).values(row))
        await holding.hold_follow(uow, 2, A)
        await holding.hold_follow(uow, 2, B)
        anonymous = {
            "consultation_id": 1,
            "number": 3001,
            "section": 0,
            "stance": "agree",
            "kind": "text",
            "text": "held",
            "channel": "telegram",
            "file_platform": None,
            "file_kept": False,
            "file_id": None,
            "file_size": None,
            "mime_type": None,
            "file_name": None,
            "language": "en",
        }
        assert await holding.hold_answer(uow, anonymous, A, date(2027, 3, 2))
        await uow.commit()

    async with _uow(engine) as uow:
        before = await _snapshot(uow)
        assert await holding.held_follows_of(uow, A, [1, 2]) == 1
    empty = [name for name, rows in before.items() if not rows]
    assert not empty, f"fill these tables for both people: {empty}"
    for name, table in Base.metadata.tables.items():
        pointing = {fk.parent.name for fk in table.foreign_keys if fk.column.table.name == "users"}
        known = set(PERSON_COLUMNS.get(name, ("user_id",) if "user_id" in table.c else ()))
        assert pointing <= known, f"{name}: which columns name a person? {pointing - known}"

    async with _uow(engine) as uow:
        await learners.delete_everything(uow, A, T0)

    async with _uow(engine) as uow:
        after = await _snapshot(uow)
        assert await holding.held_follows_of(uow, A, [1, 2]) == 0
        assert await holding.held_follows_of(uow, B, [1, 2]) == 1
    # one held follow request (A's) is gone; the held anonymous answer and B's request stay
    assert len(after["consultation_held"]) == len(before["consultation_held"]) - 1
    before["consultation_held"] = after["consultation_held"]
    for row in after["certificates"]:
        if row["code"] == "CODE1":
            assert row["revoked_at"] is not None
            row["revoked_at"] = "set"
    expected = _expected(before)
    for name in before:
        assert sorted(after[name], key=repr) == sorted(expected[name], key=repr), name
    # and generically: A's id in no person column, A's words nowhere
    for name, rows in after.items():
        for row in rows:
            assert SECRET not in repr(row), (name, row)
            for column in PERSON_COLUMNS.get(name, ("user_id",) if "user_id" in row else ()):
                assert row.get(column) != A, (name, row)
