"""An in-memory unit of work for unit tests of the services (cosmicpython's FakeUnitOfWork).

How it passes for a `UnitOfWork`: by subclassing. `FakeUnitOfWork` subclasses
`bot.db.uow.UnitOfWork` and each fake repository subclasses the real one, overriding the
methods the services under test call. That is the least magic of the three ways: no `cast`
(which would let a fake drift from the real signatures unseen) and no Protocol (which the
services would have to be changed to accept). mypy checks every override against the real
method, so a repository whose signature changes breaks these fakes at type-check time. A
method that is not faked is inherited from the real repository and fails at once (the
fakes have no `_session`), so a test never passes through a method nobody wrote.

Honest semantics. Each fake does what its SQL does, and says so where it matters: unique
keys refuse a second row (`IntegrityError`, or the `False` / `None` the real method returns
for an `ON CONFLICT DO NOTHING`), conditional updates match only the rows their `WHERE`
names, joins drop rows the joined table lacks, and records are the same frozen dataclasses.

Transactions. `FakeDatabase` holds the committed tables, shared by every unit of work of a
test like a real database. A unit of work works on its own copy: `commit()` publishes the
copy and counts, `rollback()` (and leaving `async with`, as the real one does) throws the
uncommitted changes away and counts. A test that reads `db.committed` sees only what a
service committed, so "committed before the reply" is something a test can check.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from types import TracebackType
from typing import Any

from sqlalchemy.exc import IntegrityError

from bot.db.repositories import (
    AccountRecord,
    AccountRepository,
    AnnouncementContent,
    AnnouncementRecord,
    AnnouncementRepository,
    AnswerFileRepository,
    AnswerRecord,
    AttemptRecord,
    CohortRecord,
    CohortRepository,
    ConsultationAnswerRecord,
    ConsultationRecord,
    ConsultationRepository,
    DueReminder,
    EventRepository,
    FaqRepository,
    FaqVoiceRepository,
    HeldRepository,
    HeldRow,
    InvitationRecord,
    MemberRecord,
    Outcome,
    PollRecord,
    ProgressRepository,
    QuestionRecord,
    QuizRepository,
    ReminderRecord,
    ReminderRepository,
    SeenCard,
    UserRecord,
    UserRepository,
)
from bot.db.uow import UnitOfWork
from bot.sealing import PADDED_SIZE, Sealer, new_row_id

RUNNING, FINISHED, ABANDONED = "running", "finished", "abandoned"


def _duplicate(table: str) -> IntegrityError:
    """What the database raises for a second row with the same key."""
    return IntegrityError(f"INSERT INTO {table}", None, Exception("UNIQUE constraint failed"))


@dataclass(frozen=True, slots=True)
class EventRow:
    user_id: int | None
    kind: str
    at: datetime
    data: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ProgressRow:
    module_id: str
    first_seen_at: datetime
    last_seen_at: datetime


@dataclass(frozen=True, slots=True)
class MemberRow:
    display_name: str
    joined_at: datetime


@dataclass(frozen=True, slots=True)
class ReminderLogRow:
    user_id: int
    due_at: datetime
    at: datetime
    outcome: Outcome


@dataclass(frozen=True, slots=True)
class FaqMessageRow:
    question_id: int
    sender_id: int
    from_learner: bool
    text: str
    at: datetime


@dataclass
class Tables:
    """Every table the fakes know, keyed by the table's primary key."""

    serial: int = 0  # one sequence for every autoincrement id: ids differ across tables too
    users: dict[int, UserRecord] = field(default_factory=dict)
    accounts: list[AccountRecord] = field(default_factory=list)  # in id order: oldest first
    card_progress: dict[tuple[int, str], ProgressRow] = field(default_factory=dict)
    events: list[EventRow] = field(default_factory=list)
    attempts: dict[int, AttemptRecord] = field(default_factory=dict)
    polls: dict[tuple[str, str], PollRecord] = field(default_factory=dict)
    quiz_answers: dict[tuple[int, int], AnswerRecord] = field(default_factory=dict)
    cohorts: dict[int, CohortRecord] = field(default_factory=dict)
    members: dict[tuple[int, int], MemberRow] = field(default_factory=dict)
    invitations: dict[str, InvitationRecord] = field(default_factory=dict)
    announcements: dict[int, AnnouncementRecord] = field(default_factory=dict)
    announcement_media: dict[int, bytes | None] = field(default_factory=dict)
    reminders: dict[int, ReminderRecord] = field(default_factory=dict)
    reminder_log: list[ReminderLogRow] = field(default_factory=list)
    consultations: dict[int, ConsultationRecord] = field(default_factory=dict)
    consultation_answers: dict[tuple[int, int], ConsultationAnswerRecord] = field(
        default_factory=dict
    )
    followers: set[tuple[int, int]] = field(default_factory=set)
    held: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # id -> (tag, sealed)
    answer_files: dict[tuple[int, int], bytes] = field(default_factory=dict)
    faq_voice: dict[int, bytes] = field(default_factory=dict)
    held_files: dict[str, bytes] = field(default_factory=dict)
    faq_questions: dict[int, QuestionRecord] = field(default_factory=dict)
    faq_messages: list[FaqMessageRow] = field(default_factory=list)
    # (question, answer-back message or None, staff member to tell)
    faq_notices: list[tuple[int, int | None, int]] = field(default_factory=list)

    def next_id(self) -> int:
        self.serial += 1
        return self.serial


# --- repositories -----------------------------------------------------------------------------


class FakeUsers(UserRepository):
    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def get(self, user_id: int) -> UserRecord | None:
        return self._t.users.get(user_id)

    def _update(self, user_id: int, **values: Any) -> None:
        if user_id in self._t.users:  # an UPDATE of a missing row changes nothing
            self._t.users[user_id] = replace(self._t.users[user_id], **values)

    async def set_time_zone(self, user_id: int, time_zone: str) -> None:
        self._update(user_id, time_zone=time_zone)

    async def set_role(self, user_id: int, role: str) -> None:
        self._update(user_id, role=role)

    async def mark_blocked(self, user_id: int) -> None:
        self._update(user_id, blocked=True)


class FakeAccounts(AccountRepository):
    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def user_id(self, platform: str, external_id: str) -> int | None:
        return next(
            (
                a.user_id
                for a in self._t.accounts
                if (a.platform, a.external_id) == (platform, external_id)
            ),
            None,
        )

    async def of_users(self, user_ids: list[int]) -> list[AccountRecord]:
        return [a for a in self._t.accounts if a.user_id in user_ids]

    async def addresses(self, user_ids: list[int], platform: str) -> dict[int, str]:
        found: dict[int, str] = {}
        for account in self._t.accounts:
            if account.user_id in user_ids and account.platform == platform:
                found.setdefault(account.user_id, account.address)
        return found


class FakeProgress(ProgressRepository):
    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def save_seen(self, user_id: int, card_id: str, module_id: str, now: datetime) -> None:
        # ON CONFLICT (user_id, card_id) DO UPDATE SET last_seen_at: the first view stays
        old = self._t.card_progress.get((user_id, card_id))
        self._t.card_progress[(user_id, card_id)] = (
            replace(old, last_seen_at=now) if old else ProgressRow(module_id, now, now)
        )

    async def last_seen(self, user_id: int, module_id: str | None = None) -> SeenCard | None:
        rows = [
            (
                row.last_seen_at,
                row.first_seen_at,
                SeenCard(card_id, row.module_id, row.last_seen_at),
            )
            for (uid, card_id), row in self._t.card_progress.items()
            if uid == user_id and (module_id is None or row.module_id == module_id)
        ]
        if not rows:
            return None
        return max(rows, key=lambda r: (r[0], r[1]))[2]

    async def seen_card_ids(self, user_id: int) -> set[str]:
        return {card_id for uid, card_id in self._t.card_progress if uid == user_id}


class FakeEvents(EventRepository):
    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def add(
        self, user_id: int | None, kind: str, at: datetime, data: dict[str, Any] | None = None
    ) -> None:
        self._t.events.append(EventRow(user_id, kind, at, data or {}))


class FakeQuizzes(QuizRepository):
    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def abandon_running(self, user_id: int) -> None:
        for attempt in list(self._t.attempts.values()):
            if attempt.user_id == user_id and attempt.status == RUNNING:
                self._t.attempts[attempt.id] = replace(attempt, status=ABANDONED)

    async def add_attempt(
        self, user_id: int, module_id: str, question_ids: list[str], now: datetime
    ) -> AttemptRecord:
        attempt = AttemptRecord(
            id=self._t.next_id(),
            user_id=user_id,
            module_id=module_id,
            status=RUNNING,
            question_ids=tuple(question_ids),
            position=0,
            score=0,
            total=len(question_ids),
            passed=None,
            started_at=now,
            finished_at=None,
        )
        self._t.attempts[attempt.id] = attempt
        return attempt

    async def get(self, attempt_id: int) -> AttemptRecord | None:
        return self._t.attempts.get(attempt_id)

    async def running(self, user_id: int) -> AttemptRecord | None:
        mine = [
            a for a in self._t.attempts.values() if a.user_id == user_id and a.status == RUNNING
        ]
        return max(mine, key=lambda a: a.id, default=None)

    async def add_poll(
        self,
        platform: str,
        ref: str,
        attempt_id: int,
        position: int,
        order: list[int],
        now: datetime,
    ) -> None:
        self._t.polls[(platform, ref)] = PollRecord(
            platform, ref, attempt_id, position, tuple(order)
        )

    async def order_sent(self, attempt_id: int, position: int) -> tuple[int, ...] | None:
        sent = [
            p.option_order
            for p in self._t.polls.values()
            if (p.attempt_id, p.position) == (attempt_id, position)
        ]
        return sent[-1] if sent else None

    async def poll(self, platform: str, ref: str) -> PollRecord | None:
        return self._t.polls.get((platform, ref))

    async def record_answer(
        self,
        attempt: AttemptRecord,
        question_id: str,
        chosen: int,
        correct: bool,
        now: datetime,
        *,
        finished: bool,
        passed: bool | None,
    ) -> bool:
        # UPDATE ... WHERE id = :id AND status = 'running' AND position = :position; the
        # score is added to the stored one, not to the caller's copy
        row = self._t.attempts.get(attempt.id)
        if row is None or row.status != RUNNING or row.position != attempt.position:
            return False
        moved = replace(row, position=attempt.position + 1, score=row.score + int(correct))
        if finished:
            moved = replace(moved, status=FINISHED, finished_at=now, passed=passed)
        self._t.attempts[attempt.id] = moved
        # the answer's insert runs in a savepoint: a duplicate key returns False (the caller
        # commits nothing then, so the update above is rolled back with the unit of work)
        if (attempt.id, attempt.position) in self._t.quiz_answers:
            return False
        self._t.quiz_answers[(attempt.id, attempt.position)] = AnswerRecord(
            attempt.position, question_id, chosen, correct
        )
        return True

    async def answers(self, attempt_id: int) -> list[AnswerRecord]:
        return sorted(
            (a for (aid, _), a in self._t.quiz_answers.items() if aid == attempt_id),
            key=lambda a: a.position,
        )

    async def best_results(self, user_id: int) -> dict[str, tuple[int, int]]:
        best: dict[str, tuple[int, int]] = {}
        for row in sorted(self._t.attempts.values(), key=lambda a: a.id):
            if row.user_id != user_id or row.passed is not True:
                continue
            old = best.get(row.module_id)
            if old is None or row.score * old[1] > old[0] * row.total:
                best[row.module_id] = (row.score, row.total)
        return best


class FakeCohorts(CohortRepository):
    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def revoke_invitations_of(self, trainer_id: int, now: datetime) -> None:
        owned = {c.id for c in self._t.cohorts.values() if c.trainer_id == trainer_id}
        for code, record in list(self._t.invitations.items()):
            if record.cohort_id in owned and record.revoked_at is None:
                self._t.invitations[code] = replace(record, revoked_at=now)

    def _counted(self, cohort: CohortRecord) -> CohortRecord:
        members = sum(1 for cohort_id, _ in self._t.members if cohort_id == cohort.id)
        return replace(cohort, members=members)

    async def add(
        self, trainer_id: int, name: str, language: str, place: str | None, now: datetime
    ) -> int:
        cohort_id = self._t.next_id()
        self._t.cohorts[cohort_id] = CohortRecord(
            cohort_id, trainer_id, name, language, place, now
        )
        return cohort_id

    async def get(self, cohort_id: int) -> CohortRecord | None:
        cohort = self._t.cohorts.get(cohort_id)
        return self._counted(cohort) if cohort else None

    async def of_trainer(self, trainer_id: int) -> list[CohortRecord]:
        return [
            self._counted(c)
            for _, c in sorted(self._t.cohorts.items())
            if c.trainer_id == trainer_id
        ]

    async def of_member(self, user_id: int) -> list[CohortRecord]:
        # this query selects no member count: `members` keeps its default, 0
        return [
            c for cid, c in sorted(self._t.cohorts.items()) if (cid, user_id) in self._t.members
        ]

    async def add_member(self, cohort_id: int, user_id: int, name: str, now: datetime) -> bool:
        if (cohort_id, user_id) in self._t.members:  # ON CONFLICT DO NOTHING
            return False
        self._t.members[(cohort_id, user_id)] = MemberRow(name, now)
        return True

    async def remove_member(self, cohort_id: int, user_id: int) -> bool:
        return self._t.members.pop((cohort_id, user_id), None) is not None

    async def members(self, cohort_id: int) -> list[MemberRecord]:
        rows = [
            MemberRecord(uid, row.display_name, row.joined_at, self._t.users[uid].last_seen_at)
            for (cid, uid), row in self._t.members.items()
            if cid == cohort_id and uid in self._t.users  # JOIN users
        ]
        return sorted(rows, key=lambda m: (m.joined_at, m.user_id))

    async def add_invitation(
        self,
        code: str,
        kind: str,
        created_by: int,
        now: datetime,
        expires_at: datetime | None,
        cohort_id: int | None = None,
    ) -> None:
        if code in self._t.invitations:
            raise _duplicate("invitations")
        self._t.invitations[code] = InvitationRecord(
            code, kind, cohort_id, created_by, now, expires_at, None, None, None
        )

    async def invitation(self, code: str) -> InvitationRecord | None:
        return self._t.invitations.get(code)

    async def live_invitation(self, cohort_id: int, now: datetime) -> InvitationRecord | None:
        live = [
            i
            for i in self._t.invitations.values()
            if i.cohort_id == cohort_id
            and i.revoked_at is None
            and (i.expires_at is None or i.expires_at > now)
        ]
        return max(live, key=lambda i: i.created_at, default=None)

    async def revoke_cohort_invitations(self, cohort_id: int, now: datetime) -> None:
        for code, i in list(self._t.invitations.items()):
            if i.cohort_id == cohort_id and i.revoked_at is None:
                self._t.invitations[code] = replace(i, revoked_at=now)

    async def use_invitation(self, code: str, user_id: int, now: datetime) -> bool:
        found = self._t.invitations.get(code)
        if found is None or found.used_by is not None or found.revoked_at is not None:
            return False
        self._t.invitations[code] = replace(found, used_by=user_id, used_at=now)
        return True


class FakeAnnouncements(AnnouncementRepository):
    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def cancel_all_of(self, author_id: int) -> int:
        cancelled = 0
        for key, record in list(self._t.announcements.items()):
            if record.author_id == author_id and record.status in ("draft", "scheduled"):
                self._t.announcements[key] = replace(record, status="cancelled")
                cancelled += 1
        return cancelled

    async def add_draft(self, author_id: int, content: AnnouncementContent, now: datetime) -> int:
        announcement_id = self._t.next_id()
        self._t.announcements[announcement_id] = AnnouncementRecord(
            id=announcement_id,
            author_id=author_id,
            source_chat_id=None,
            source_message_id=None,
            kind=content.kind,
            body=content.body,
            media_name=content.media_name,
            media_mime=content.media_mime,
            cohort_ids=[],
            everyone=False,
            status="draft",
            scheduled_at=None,
            created_at=now,
            started_at=None,
            finished_at=None,
            progress_ref=None,
        )
        self._t.announcement_media[announcement_id] = content.media
        return announcement_id

    async def get(self, announcement_id: int) -> AnnouncementRecord | None:
        return self._t.announcements.get(announcement_id)

    def _update_where(self, announcement_id: int, statuses: Iterable[str], **values: Any) -> bool:
        found = self._t.announcements.get(announcement_id)
        if found is None or found.status not in statuses:
            return False
        self._t.announcements[announcement_id] = replace(found, **values)
        return True

    async def set_audience(
        self, announcement_id: int, cohort_ids: list[int], everyone: bool
    ) -> None:
        self._update_where(
            announcement_id, ("draft",), cohort_ids=sorted(cohort_ids), everyone=everyone
        )

    async def schedule(
        self, announcement_id: int, at: datetime, progress_ref: str | None = None
    ) -> bool:
        return self._update_where(
            announcement_id,
            ("draft",),
            status="scheduled",
            scheduled_at=at,
            progress_ref=progress_ref,
        )

    async def cancel(self, announcement_id: int) -> bool:
        return self._update_where(announcement_id, ("draft", "scheduled"), status="cancelled")

    async def count_audience(
        self, author_id: int, cohort_ids: Sequence[int], everyone: bool
    ) -> int:
        if everyone:
            return sum(
                1 for u in self._t.users.values() if u.consent_at is not None and u.id != author_id
            )
        # members of the listed cohorts the author still owns, the author left out, each once
        return len(
            {
                uid
                for cid, uid in self._t.members
                if cid in cohort_ids
                and cid in self._t.cohorts
                and self._t.cohorts[cid].trainer_id == author_id
                and uid != author_id
                and uid in self._t.users
            }
        )


class FakeReminders(ReminderRepository):
    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def get(self, user_id: int) -> ReminderRecord | None:
        return self._t.reminders.get(user_id)

    async def save(
        self, user_id: int, *, enabled: bool, days: int, hour: int, next_due_at: datetime | None
    ) -> None:
        old = self._t.reminders.get(user_id)
        self._t.reminders[user_id] = ReminderRecord(
            user_id, enabled, days, hour, next_due_at, None, old.last_sent_at if old else None
        )

    async def load_due(self, user_ids: Sequence[int]) -> list[DueReminder]:
        due = []
        for user_id in user_ids:
            row, user = self._t.reminders.get(user_id), self._t.users.get(user_id)
            if row is None or user is None or row.next_due_at is None:
                continue
            due.append(
                DueReminder(
                    user_id,
                    user.language,
                    user.time_zone,
                    user.last_seen_at,
                    user.blocked,
                    user.opted_out_at is not None,
                    row.days,
                    row.hour,
                    row.next_due_at,
                )
            )
        return due

    async def sends_since(
        self, user_ids: Sequence[int], since: datetime
    ) -> dict[int, list[datetime]]:
        sends: dict[int, list[datetime]] = {}
        for row in self._t.reminder_log:
            if row.user_id in user_ids and row.outcome == Outcome.SENT and row.due_at > since:
                sends.setdefault(row.user_id, []).append(row.due_at)
        return sends

    async def finish(
        self, user_id: int, next_due_at: datetime | None, sent_at: datetime | None = None
    ) -> None:
        row = self._t.reminders.get(user_id)
        if row is None:
            return
        self._t.reminders[user_id] = replace(
            row,
            next_due_at=next_due_at if row.enabled else None,
            lease_until=None,
            last_sent_at=sent_at if sent_at is not None else row.last_sent_at,
        )

    async def release(self, user_id: int, retry_at: datetime) -> None:
        row = self._t.reminders.get(user_id)
        if row is not None and row.enabled:
            self._t.reminders[user_id] = replace(row, lease_until=retry_at)

    async def log(
        self,
        user_id: int,
        due_at: datetime,
        at: datetime,
        outcome: Outcome,
        ref: str | None = None,
    ) -> None:
        self._t.reminder_log.append(ReminderLogRow(user_id, due_at, at, outcome))


class FakeConsultations(ConsultationRepository):
    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def all(self) -> list[ConsultationRecord]:
        return [c for _, c in sorted(self._t.consultations.items())]

    async def get(self, consultation_id: int) -> ConsultationRecord | None:
        return self._t.consultations.get(consultation_id)

    async def add(
        self,
        slug: str,
        spec: dict[str, Any],
        status: str,
        opens_at: datetime,
        closes_at: datetime,
        now: datetime,
    ) -> int | None:
        if any(c.slug == slug for c in self._t.consultations.values()):
            return None  # ON CONFLICT (slug) DO NOTHING RETURNING id: no row
        new_id = self._t.next_id()
        self._t.consultations[new_id] = ConsultationRecord(
            new_id, slug, copy.deepcopy(spec), status, opens_at, closes_at, now, None, None
        )
        return new_id

    async def numbers(self, consultation_id: int) -> set[int]:
        return {n for cid, n in self._t.consultation_answers if cid == consultation_id}

    async def add_answer(self, values: dict[str, Any]) -> bool:
        key = (values["consultation_id"], values["number"])
        if key in self._t.consultation_answers:
            return False
        self._t.consultation_answers[key] = ConsultationAnswerRecord(**values)
        return True

    async def answer(self, consultation_id: int, number: int) -> ConsultationAnswerRecord | None:
        return self._t.consultation_answers.get((consultation_id, number))

    async def answers_of(self, user_id: int) -> list[ConsultationAnswerRecord]:
        return [a for _, a in sorted(self._t.consultation_answers.items()) if a.user_id == user_id]

    async def replace_answer(
        self, consultation_id: int, number: int, user_id: int, values: dict[str, Any]
    ) -> bool:
        found = self._t.consultation_answers.get((consultation_id, number))
        if found is None or found.user_id != user_id:
            return False
        self._t.consultation_answers[(consultation_id, number)] = replace(found, **values)
        return True

    async def delete_answer(self, consultation_id: int, number: int, user_id: int) -> bool:
        found = self._t.consultation_answers.get((consultation_id, number))
        if found is None or found.user_id != user_id:
            return False
        del self._t.consultation_answers[(consultation_id, number)]
        self._t.answer_files.pop((consultation_id, number), None)  # the foreign key cascades
        return True

    async def is_following(self, consultation_id: int, user_id: int) -> bool:
        return (consultation_id, user_id) in self._t.followers


class FakeHeld(HeldRepository):
    """Seals and opens with a real `Sealer`, as the real repository does."""

    def __init__(self, tables: Tables, sealer: Sealer) -> None:
        self._t = tables
        self._sealer = sealer

    async def add(self, tag: str, payload: dict[str, Any], size: int = PADDED_SIZE) -> bool:
        if any(t == tag for t, _ in self._t.held.values()):  # the unique tag
            return False
        row_id = new_row_id()
        self._t.held[row_id] = (tag, self.sealer.seal(row_id, payload, size))
        return True

    async def has_tags(self, tags: Iterable[str]) -> set[str]:
        wanted = set(tags)
        return {t for t, _ in self._t.held.values() if t in wanted}

    async def remove_tags(self, tags: Iterable[str]) -> None:
        wanted = set(tags)
        for row_id, (tag, _) in list(self._t.held.items()):
            if tag in wanted:
                del self._t.held[row_id]

    async def all(self) -> list[HeldRow]:
        return [
            HeldRow(row_id, self.sealer.open(row_id, sealed))
            for row_id, (_, sealed) in self._t.held.items()
        ]


class FakeFaqVoice(FaqVoiceRepository):
    """Recordings in memory (unsealed: the sealing is tested on the real repository)."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def keep(self, question_id: int, data: bytes) -> None:
        self._t.faq_voice[question_id] = data

    async def get(self, question_id: int) -> bytes | None:
        return self._t.faq_voice.get(question_id)

    async def drop(self, question_id: int) -> None:
        self._t.faq_voice.pop(question_id, None)


class FakeAnswerFiles(AnswerFileRepository):
    """Files in memory (unsealed: the sealing itself is tested on the real repository)."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def keep(self, consultation_id: int, number: int, data: bytes) -> None:
        self._t.answer_files[(consultation_id, number)] = data

    async def get(self, consultation_id: int, number: int) -> bytes | None:
        return self._t.answer_files.get((consultation_id, number))

    async def drop(self, consultation_id: int, number: int) -> None:
        self._t.answer_files.pop((consultation_id, number), None)

    async def hold(self, data: bytes) -> str:
        row_id = new_row_id()
        self._t.held_files[row_id] = data
        return row_id

    async def move_held(self, held_id: str, consultation_id: int, number: int) -> bool:
        data = self._t.held_files.pop(held_id, None)
        if data is None:
            return False
        await self.keep(consultation_id, number, data)
        return True


class FakeFaq(FaqRepository):
    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def release_taken(self, staff_id: int) -> None:
        for key, record in list(self._t.faq_questions.items()):
            if record.taken_by == staff_id:
                self._t.faq_questions[key] = replace(record, taken_by=None)

    async def add_question(
        self,
        user_id: int,
        language: str,
        text: str,
        now: datetime,
        best_entry_id: str | None,
        best_score: float | None,
        voice: str | None = None,
    ) -> QuestionRecord:
        question = QuestionRecord(
            id=self._t.next_id(),
            user_id=user_id,
            language=language,
            text=text,
            status="open",
            taken_by=None,
            best_entry_id=best_entry_id,
            best_score=best_score,
            created_at=now,
            updated_at=now,
            voice=voice,
        )
        self._t.faq_questions[question.id] = question
        return question

    async def get_question(self, question_id: int) -> QuestionRecord | None:
        return self._t.faq_questions.get(question_id)

    async def take(self, question_id: int, staff_id: int) -> bool:
        found = self._t.faq_questions.get(question_id)
        if found is None or found.taken_by not in (None, staff_id):
            return False
        self._t.faq_questions[question_id] = replace(found, taken_by=staff_id)
        return True

    async def set_status(self, question_id: int, status: str, now: datetime) -> None:
        found = self._t.faq_questions.get(question_id)
        if found is not None:
            self._t.faq_questions[question_id] = replace(found, status=status, updated_at=now)

    async def add_message(
        self,
        question_id: int,
        sender_id: int,
        from_learner: bool,
        text: str,
        now: datetime,
        *,
        voice: bool = False,
    ) -> int:
        self._t.faq_messages.append(FaqMessageRow(question_id, sender_id, from_learner, text, now))
        return len(self._t.faq_messages)

    async def staff_ids(self) -> list[int]:
        return [
            u.id
            for u in self._t.users.values()
            if u.role in ("trainer", "admin") and not u.blocked
        ]

    async def add_notices(
        self, question_id: int, message_id: int | None, user_ids: list[int], now: datetime
    ) -> None:
        self._t.faq_notices += [(question_id, message_id, user_id) for user_id in user_ids]


# --- the unit of work -------------------------------------------------------------------------


class FakeDatabase:
    """The committed state of one test, shared by its units of work."""

    def __init__(self, sealer: Sealer | None = None) -> None:
        self.committed = Tables()
        self.sealer = sealer or Sealer(b"unit tests only")

    def uow(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self)

    def add_user(
        self,
        user_id: int,
        now: datetime,
        *,
        role: str = "learner",
        language: str | None = "en",
        time_zone: str | None = None,
        consent: bool = True,
        blocked: bool = False,
        accounts: Sequence[tuple[str, str]] = (),
    ) -> UserRecord:
        """A person as arriving leaves them (committed), with (platform, address) accounts."""
        user = UserRecord(
            id=user_id,
            language=language,
            time_zone=time_zone,
            role=role,
            consent_at=now if consent else None,
            first_seen_at=now,
            last_seen_at=now,
            blocked=blocked,
        )
        self.committed.users[user_id] = user
        for platform, address in accounts:
            self.committed.accounts.append(AccountRecord(user_id, platform, address, address))
        return user


class FakeUnitOfWork(UnitOfWork):
    """The real unit of work's contract over `FakeDatabase`: changes are seen by this unit of
    work at once and by the database only once committed; leaving it rolls back."""

    def __init__(self, db: FakeDatabase) -> None:
        # No super().__init__(): there is no session factory, and no session.
        self.db = db
        self.commits = 0
        self.rollbacks = 0
        self._open(copy.deepcopy(db.committed))

    def _open(self, tables: Tables) -> None:
        self.tables = tables
        self.users = FakeUsers(tables)
        self.accounts = FakeAccounts(tables)
        self.progress = FakeProgress(tables)
        self.events = FakeEvents(tables)
        self.quizzes = FakeQuizzes(tables)
        self.cohorts = FakeCohorts(tables)
        self.announcements = FakeAnnouncements(tables)
        self.reminders = FakeReminders(tables)
        self.consultations = FakeConsultations(tables)
        self.held = FakeHeld(tables, self.db.sealer)
        self.answer_files = FakeAnswerFiles(tables)
        self.faq_voice = FakeFaqVoice(tables)
        self.faq = FakeFaq(tables)

    async def __aenter__(self) -> FakeUnitOfWork:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.rollback()

    async def commit(self) -> None:
        self.db.committed = copy.deepcopy(self.tables)
        self.commits += 1

    async def rollback(self) -> None:
        self._open(copy.deepcopy(self.db.committed))
        self.rollbacks += 1
