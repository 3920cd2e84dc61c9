"""Tables. Only what the features need is stored; /privacy lists all of it to the user."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bot.db.types import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite only auto-increments an INTEGER PRIMARY KEY, PostgreSQL wants BIGINT for growth.
BigIntId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class User(Base):
    __tablename__ = "users"

    # An internal id, drawn at random (bot.db.repositories.users), meaningless outside the
    # bot; a person's channel ids live in `accounts`. Users from before accounts existed
    # keep the id they had, which was their Telegram id.
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    language: Mapped[str | None] = mapped_column(String(8))
    time_zone: Mapped[str | None] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16), default="learner", server_default="learner")
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    blocked: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # When the person sent STOP: nothing the bot sends on its own (reminders, announcements,
    # consultation notices) reaches them until they send START. Writing to the bot does not
    # clear it, unlike `blocked`.
    opted_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Which typed text the bot waits for and since when (durable_steps in
    # bot.channels.telegram.context), so a restart does not turn a reply into a question;
    # never what the user wrote.
    waiting: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # What the person listens to (Settings → Listening): the language cards are heard in
    # when it is not the one they read (a spoken-only one, such as Susu), and whether each
    # card comes first as its voice note.
    listen_language: Mapped[str | None] = mapped_column(String(16))
    audio_first: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")


class Account(Base):
    """One channel identity of a person: the platform, the id it gives them, and where to
    send to reach them there. A person (`users`) may have several; every other table points
    at the person, never at an account, so a learner's progress follows them across
    channels and nothing else in the schema knows a platform's ids.
    """

    __tablename__ = "accounts"
    __table_args__ = (UniqueConstraint("platform", "external_id", name="uq_accounts_identity"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    platform: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    # What the channel sends to: a Telegram private chat's id, a WhatsApp number.
    address: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # On a channel that may write freely only for a while after the person wrote
    # (WhatsApp's 24 hours), the minute of their last message, rounded down; else NULL.
    last_inbound_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # With several instances, the platform's number of the newest update handled for this
    # account (Telegram's update_id grows with each update), so that an older press that
    # waited in another instance is not handled after a newer one; NULL with one instance.
    last_update: Mapped[int | None] = mapped_column(BigInteger)


class CardProgress(Base):
    """One row per card a learner has opened; the newest row is where they resume."""

    __tablename__ = "card_progress"
    __table_args__ = (Index("ix_card_progress_user_recent", "user_id", "last_seen_at"),)

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    card_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    module_id: Mapped[str] = mapped_column(String(64))
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Event(Base):
    """Append-only log of what learners do, for later analytics; deleted with the user."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    user_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class Reminder(Base):
    """A learner's reminder settings and the dispatcher's state for them (one row a user).

    `next_due_at` is the UTC time of the next possible reminder (NULL while off or parked),
    indexed for the dispatcher; `lease_until` is set while one dispatcher is sending it.
    """

    __tablename__ = "reminders"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    enabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    days: Mapped[int] = mapped_column(Integer)  # bit d set: weekday d (0 = Monday) chosen
    hour: Mapped[int] = mapped_column(Integer)  # local hour, outside the quiet hours
    next_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ReminderLog(Base):
    """What became of each due reminder (sent, skipped, blocked, failed); deleted with the user.

    Feeds the weekly limit and /reminderstats; rows older than a month are pruned.
    """

    __tablename__ = "reminder_log"
    __table_args__ = (Index("ix_reminder_log_user_at", "user_id", "at"),)

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    outcome: Mapped[str] = mapped_column(String(16))
    # A digest of the channel's id for the message sent, where its delivery is reported
    # later (WhatsApp's status callbacks): a failure reported then is written here.
    ref: Mapped[str | None] = mapped_column(String(64), index=True)


# --- Quizzes (issue 4). The trainer features read QuizAttempt and QuizAnswer too. ---


class QuizAttempt(Base):
    """One try at a module's quiz: the drawn questions, where it stands, and its result.

    `status` is running, finished or abandoned (a newer attempt replaced it); only a
    running attempt accepts answers. `question_ids` keeps the draw in order and `position`
    is the index of the question now asked, so a restart mid-quiz sends the next one.
    """

    __tablename__ = "quiz_attempts"
    __table_args__ = (Index("ix_quiz_attempts_user_module", "user_id", "module_id"),)

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    module_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="running")
    question_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(Integer, default=0)
    score: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class QuizAnswer(Base):
    """A learner's answer to one question of an attempt; at most one per position."""

    __tablename__ = "quiz_answers"

    attempt_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("quiz_attempts.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_id: Mapped[str] = mapped_column(String(64), index=True)
    chosen: Mapped[int] = mapped_column(Integer)  # index of the option in the bank's order
    correct: Mapped[bool] = mapped_column(Boolean)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime())


class QuizQuestionSent(Base):
    """A question sent to a learner: the channel's reference to it (a Telegram poll id,
    which is all a poll answer carries) -> the attempt and question it asks.

    `option_order[i]` is the bank index of the option shown at place i (shuffled per attempt).
    """

    __tablename__ = "quiz_questions_sent"

    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    ref: Mapped[str] = mapped_column(String(128), primary_key=True)
    attempt_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("quiz_attempts.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    option_order: Mapped[list[int]] = mapped_column(JSON, default=list)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())


# --- Certificates (issue 4) ---


class Certificate(Base):
    """A certificate of completion and its verification code (one per learner).

    /deleteme revokes it rather than deleting the row: the name, scores and user link are
    erased, so the code then verifies as "revoked" without saying whose it was.
    """

    __tablename__ = "certificates"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="SET NULL"), unique=True
    )
    name: Mapped[str | None] = mapped_column(String(128))
    language: Mapped[str] = mapped_column(String(8))
    scores: Mapped[dict[str, list[int]]] = mapped_column(JSON, default=dict)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


# --- Consultations (issue 8) ---


class Consultation(Base):
    """A published consultation: a snapshot of its file and where it stands.

    `status` is scheduled (published, before its open date), open or closed; the dispatcher
    moves it on from the dates, and answers are refused after `closes_at` whatever the
    status says. `outcome` is the "what changed" note an admin wrote after the close.
    """

    __tablename__ = "consultations"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="scheduled")
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime())
    outcome: Mapped[str | None] = mapped_column(String(4096))
    outcome_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ConsultationAnswer(Base):
    """One answer to one section.

    Named answers carry the author's user id and the name they had on Telegram. Anonymous
    answers carry no user id and no time of day (only the date), and their reference number
    is drawn at random, so nothing in the database ties them to a person (see README). They
    are written in batches (bot.services.holding); on SQLite the table has no rowid, so rows
    lie in the order of their random numbers, not in the order they were written.
    """

    __tablename__ = "consultation_answers"
    __table_args__ = ({"sqlite_with_rowid": False},)

    consultation_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("consultations.id", ondelete="CASCADE"), primary_key=True
    )
    number: Mapped[int] = mapped_column(Integer, primary_key=True)  # the reference's digits
    section: Mapped[int] = mapped_column(Integer)  # index of the section in the spec
    stance: Mapped[str] = mapped_column(String(16))  # agree, concern, suggestion
    kind: Mapped[str] = mapped_column(String(16))  # text, voice, photo, document
    text: Mapped[str | None] = mapped_column(String(4096))
    channel: Mapped[str] = mapped_column(String(16))  # the channel the answer came by
    # A file stays with the channel it came by, which fetches it for the export by its
    # id (Telegram keeps a bot's files); `file_platform` names that channel. Where the
    # channel's ids lapse (WhatsApp's), our own sealed copy is in consultation_files
    # instead and `file_kept` says so.
    file_platform: Mapped[str | None] = mapped_column(String(16))
    file_kept: Mapped[bool] = mapped_column(Boolean, server_default="0")
    file_id: Mapped[str | None] = mapped_column(String(256))
    file_size: Mapped[int | None] = mapped_column(Integer)
    mime_type: Mapped[str | None] = mapped_column(String(128))
    file_name: Mapped[str | None] = mapped_column(String(256))
    language: Mapped[str] = mapped_column(String(8))
    submitted_on: Mapped[date] = mapped_column(Date)
    user_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    author_name: Mapped[str | None] = mapped_column(String(256))


class ConsultationFile(Base):
    """Our own copy of an answer's file, for a channel whose file ids lapse (WhatsApp's
    media, after 30 days): sealed (bot.sealing) and padded to a power of two, deleted with
    its answer (withdrawn, changed, /deleteme). An anonymous answer's file waits in
    consultation_held_files and is written here in its answer's batch."""

    __tablename__ = "consultation_files"
    __table_args__ = (
        ForeignKeyConstraint(
            ["consultation_id", "number"],
            ["consultation_answers.consultation_id", "consultation_answers.number"],
            ondelete="CASCADE",
        ),
        {"sqlite_with_rowid": False},
    )

    consultation_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)


class ConsultationHeldFile(Base):
    """The file of an anonymous answer that waits for its batch: a random id (named only in
    the sealed answer) and the sealed, padded bytes; nothing else."""

    __tablename__ = "consultation_held_files"
    __table_args__ = ({"sqlite_with_rowid": False},)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)


class ConsultationSubscriber(Base):
    """A learner who asked to hear when consultations open and are about to close."""

    __tablename__ = "consultation_subscribers"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )


class ConsultationFollower(Base):
    """A participant who asked for the thank-you and the "what changed" note.

    Deliberately no time and no reference to any answer: it says that someone took part,
    never which answer is theirs. Written all at once after the close (bot.services.holding);
    on SQLite without a rowid, so rows lie in user order, not in the order people asked.
    """

    __tablename__ = "consultation_followers"
    __table_args__ = ({"sqlite_with_rowid": False},)

    consultation_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("consultations.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )


class ConsultationNotice(Base):
    """A notice already handed to a channel, so no one gets the same notice twice.

    `kind` is open, closing, thanks or outcome. Written before the send (`state` None: its
    fate not known yet), then `state` says what became of it as an announcement copy's does
    (sent, skipped, failed, blocked, opted_out; then delivered, read or failed as the
    channel reports later, under `ref`: a digest of the channel's id for the message).
    """

    __tablename__ = "consultation_notices"

    consultation_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("consultations.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    state: Mapped[str | None] = mapped_column(String(16))
    ref: Mapped[str | None] = mapped_column(String(64), index=True)


class ConsultationHeld(Base):
    """An anonymous answer or a "tell me what changed" request waiting for its batch.

    Sealed (bot.sealing): a random id, a keyed tag that detects duplicates, and the
    encrypted, fixed-size payload; nothing readable without the bot's key, and deleted once
    the batch is written (bot.services.holding).
    """

    __tablename__ = "consultation_held"
    __table_args__ = ({"sqlite_with_rowid": False},)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tag: Mapped[str] = mapped_column(String(64), unique=True)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)


# --- Trainers, cohorts, announcements (issue 7) ---


class Cohort(Base):
    """A trainer's group of learners (a workshop, a village); deleted with the trainer."""

    __tablename__ = "cohorts"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    trainer_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8))
    place: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CohortMember(Base):
    """A learner in a cohort. Joining is the learner's agreement to share, with the cohort's
    trainer only, the first name kept here and their progress (modules, quiz scores, last
    day active); leaving or /deleteme removes the row and so ends the sharing."""

    __tablename__ = "cohort_members"

    cohort_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    display_name: Mapped[str] = mapped_column(String(64))
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Invitation(Base):
    """An invitation code for `/start <code>`: to a cohort (many learners) or to the trainer
    role (one person, once). Codes are random (`secrets`), revocable and may expire."""

    __tablename__ = "invitations"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # cohort or trainer
    cohort_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("cohorts.id", ondelete="CASCADE"), index=True
    )
    created_by: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    used_by: Mapped[int | None] = mapped_column(BigInteger)  # trainer invitations: who took it
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Announcement(Base):
    """A trainer's message to cohorts (or an admin's to everyone), stored as it was written
    so it can reach learners on any channel: `body` is the text (or the file's caption) in
    the restricted markup, `media` our own copy of the file with its kind, name and type.

    Announcements written before the content was stored have no body and point at the
    trainer's Telegram message (`source_chat_id`, `source_message_id`): only Telegram can
    send those, as a copy of that message.

    `status`: draft, scheduled, sending, done or cancelled. `progress_ref` is the channel's
    reference to the trainer's progress line, edited in place while it is delivered.
    """

    __tablename__ = "announcements"
    __table_args__ = (Index("ix_announcements_status_due", "status", "scheduled_at"),)

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    author_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    source_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    source_message_id: Mapped[int | None] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(16))  # text, photo, document, voice, audio, video
    body: Mapped[str | None] = mapped_column(Text)
    media: Mapped[bytes | None] = mapped_column(LargeBinary)
    media_name: Mapped[str | None] = mapped_column(String(255))
    media_mime: Mapped[str | None] = mapped_column(String(127))
    cohort_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    everyone: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    progress_ref: Mapped[str | None] = mapped_column(String(128))


class AnnouncementRecipient(Base):
    """One learner an announcement goes to, and what became of it.

    `state`: pending, sending (leased until `lease_until` by one delivery run), sent,
    blocked, failed or skipped (the channel could not write to them then), and on channels
    that report it later, delivered, read or failed. Rows are written when delivery starts,
    so a restart resumes from them: rows already sent are never sent again and none is left
    out. `ref` is a digest of the channel's id for the copy sent, to find the row when a
    status arrives (a WhatsApp message id encodes the recipient's number: only its digest
    is kept).
    """

    __tablename__ = "announcement_recipients"
    __table_args__ = (
        UniqueConstraint("announcement_id", "user_id"),
        Index("ix_announcement_recipients_state", "state", "announcement_id"),
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    announcement_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("announcements.id", ondelete="CASCADE")
    )
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    state: Mapped[str] = mapped_column(String(16), default="pending")
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ref: Mapped[str | None] = mapped_column(String(64), index=True)


# --- FAQ and questions to a person (issue 5) ---


class FaqQuestion(Base):
    """A learner's question sent to a person (the FAQ could not answer it, or they asked).

    `status` is open (waiting for a person), answered (a person replied last) or closed.
    `taken_by` is the admin or trainer who pressed Reply first; `best_entry_id` and
    `best_score` are what the FAQ search found, for /faqgaps.
    """

    __tablename__ = "faq_questions"
    __table_args__ = (Index("ix_faq_questions_status_created", "status", "created_at"),)

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(String(1000))
    status: Mapped[str] = mapped_column(String(16), default="open")
    taken_by: Mapped[int | None] = mapped_column(BigInteger)
    best_entry_id: Mapped[str | None] = mapped_column(String(64))
    best_score: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Asked by voice: the recording's type read from its bytes (ogg, mp3, m4a); `text` is
    # then the caption, if any. The recording itself is in faq_voice until a person replies.
    voice: Mapped[str | None] = mapped_column(String(8))


class FaqVoice(Base):
    """Our own copy of a question asked by voice, so staff on any channel can hear it
    (WhatsApp's media ids lapse, and a Telegram file id is only good for this bot): sealed
    (bot.sealing) and padded like consultation files; deleted once a person has replied
    (the question is answered) and with the question (/deleteme)."""

    __tablename__ = "faq_voice"
    __table_args__ = ({"sqlite_with_rowid": False},)

    question_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("faq_questions.id", ondelete="CASCADE"), primary_key=True
    )
    sealed: Mapped[bytes] = mapped_column(LargeBinary)


class FaqMessage(Base):
    """One message of the conversation about a question: a person's reply or the learner's
    answer back. `sender_id` is cleared when a staff member deletes their data."""

    __tablename__ = "faq_messages"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    question_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("faq_questions.id", ondelete="CASCADE"), index=True
    )
    sender_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    from_learner: Mapped[bool] = mapped_column(Boolean)
    text: Mapped[str] = mapped_column(String(4000))
    # A staff member's reply sent as a voice note (relayed to the learner, not kept).
    voice: Mapped[bool] = mapped_column(Boolean, server_default="0")
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class FaqNotice(Base):
    """One staff member to tell about a question to a person or about a learner's answer
    back (`message_id`), or a person's reply (`message_id`) to deliver to the learner (or,
    when it could not be, to tell its author): written in the turn that made it and sent by
    a job.

    `state`: pending (not before `not_before`), sending (claimed by one run, committed
    before the send), sent, blocked, failed or skipped (no longer staff). A row left in
    sending by a process killed mid-send is never sent again: its fate is unknown, and the
    question stays in /questions.
    """

    __tablename__ = "faq_notices"
    __table_args__ = (Index("ix_faq_notices_state_not_before", "state", "not_before"),)

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    question_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("faq_questions.id", ondelete="CASCADE"), index=True
    )
    message_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("faq_messages.id", ondelete="CASCADE")
    )
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    state: Mapped[str] = mapped_column(String(16), default="pending")
    not_before: Mapped[datetime] = mapped_column(UTCDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class FaqFeedback(Base):
    """A learner's 👍 or 👎 on an answer; one per learner and entry (the last one counts)."""

    __tablename__ = "faq_feedback"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    entry_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    helpful: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class ComplaintDraft(Base):
    """The summary a learner chose to save from the "Preparing a complaint" guide."""

    __tablename__ = "complaint_drafts"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    text: Mapped[str] = mapped_column(String(4000))
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ProcessedEvent(Base):
    """An incoming event already taken (a Telegram update, a WhatsApp message), so one
    delivered twice (a platform retrying a webhook call, a restart before polling confirmed
    it) is processed once, by whichever instance claims it first.

    Nothing here names a person: `event_id` is a digest of the platform's id (a WhatsApp
    message id encodes the sender's phone number, and this table needs only to recognise
    the id again) and `seen_at` is the hour, enough to forget the row after a week
    (bot.services.processed), longer than either platform retries a delivery.
    """

    __tablename__ = "processed_events"

    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class Recording(Base):
    """A recording of a lesson card (or a quiz question) in one language, spoken by a
    trainer or admin: the file lives in the audio store (bot.audio_store) under its digest.

    A recording is a `draft` while its recorder listens back, `pending` once submitted,
    then `approved` (at most one per card and language: approving replaces the one before,
    whose row and file go) or `rejected` with the reviewer's reason. The channels' own ids
    for the uploaded file are kept, so a voice note heard by a thousand learners goes up
    once per channel: Telegram's file id lasts, WhatsApp's media id lapses after 30 days
    (the bot uploads again after 29, or when Meta says it no longer knows it).

    `recorder_id` and `recorder_name` say who spoke it (shown to admins); /deleteme of the
    recorder deletes their drafts, pending and rejected recordings and blanks both fields of
    an approved one, which stays for learners until a new one replaces it.
    """

    __tablename__ = "recordings"
    __table_args__ = (
        Index("ix_recordings_target", "target_kind", "target_id", "language", "status"),
        Index(
            "uq_recordings_approved",
            "target_kind",
            "target_id",
            "language",
            unique=True,
            sqlite_where=text("status = 'approved'"),
            postgresql_where=text("status = 'approved'"),
        ),
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    target_kind: Mapped[str] = mapped_column(String(8))  # card, question
    target_id: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(16))  # a course language or a spoken-only one
    recorder_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    recorder_name: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(10), index=True)
    reason: Mapped[str | None] = mapped_column(String(500))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    format: Mapped[str] = mapped_column(String(4))  # ogg, mp3, m4a (read from the bytes)
    size: Mapped[int] = mapped_column(Integer)
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    telegram_file_id: Mapped[str | None] = mapped_column(String(255))
    whatsapp_media_id: Mapped[str | None] = mapped_column(String(128))
    whatsapp_uploaded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # shipped in content/audio rather than recorded in the bot: replaced when the file changes
    from_content: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
