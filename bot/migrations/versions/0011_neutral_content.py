"""Quiz questions and announcements no longer belong to Telegram.

A sent quiz question is found by its channel and the channel's reference (every existing
one was a Telegram poll). An announcement stores its text and our own copy of its file;
those written before keep pointing at the trainer's Telegram message, which Telegram can
still copy, so none already drafted or scheduled is lost. The progress line's reference is
text, as every channel names messages its own way. A consultation answer's file names the
channel that keeps it (every existing one is Telegram's).

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.db.types import UTCDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "quiz_questions_sent",
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("ref", sa.String(128), nullable=False),
        sa.Column("attempt_id", sa.BigInteger(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("option_order", sa.JSON(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["attempt_id"],
            ["quiz_attempts.id"],
            name=op.f("fk_quiz_questions_sent_attempt_id_quiz_attempts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("platform", "ref", name=op.f("pk_quiz_questions_sent")),
    )
    op.create_index(
        op.f("ix_quiz_questions_sent_attempt_id"), "quiz_questions_sent", ["attempt_id"]
    )
    polls = sa.table(
        "quiz_polls",
        sa.column("poll_id"),
        sa.column("attempt_id"),
        sa.column("position"),
        sa.column("option_order"),
        sa.column("sent_at"),
    )
    sent = sa.table(
        "quiz_questions_sent",
        sa.column("platform"),
        sa.column("ref"),
        sa.column("attempt_id"),
        sa.column("position"),
        sa.column("option_order"),
        sa.column("sent_at"),
    )
    op.execute(
        sent.insert().from_select(
            ["platform", "ref", "attempt_id", "position", "option_order", "sent_at"],
            sa.select(
                sa.literal("telegram"),
                polls.c.poll_id,
                polls.c.attempt_id,
                polls.c.position,
                polls.c.option_order,
                polls.c.sent_at,
            ),
        )
    )
    op.drop_index(op.f("ix_quiz_polls_attempt_id"), table_name="quiz_polls")
    op.drop_table("quiz_polls")

    with op.batch_alter_table("announcements") as batch:
        batch.add_column(sa.Column("body", sa.Text(), nullable=True))
        batch.add_column(sa.Column("media", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("media_name", sa.String(255), nullable=True))
        batch.add_column(sa.Column("media_mime", sa.String(127), nullable=True))
        batch.add_column(sa.Column("progress_ref", sa.String(128), nullable=True))
        batch.alter_column("source_chat_id", existing_type=sa.BigInteger(), nullable=True)
        batch.alter_column("source_message_id", existing_type=sa.BigInteger(), nullable=True)
    announcements = sa.table(
        "announcements", sa.column("progress_ref"), sa.column("progress_message_id")
    )
    op.execute(
        announcements.update()
        .where(announcements.c.progress_message_id.is_not(None))
        .values(progress_ref=sa.cast(announcements.c.progress_message_id, sa.String(128)))
    )
    with op.batch_alter_table("announcements") as batch:
        batch.drop_column("progress_message_id")

    op.add_column("consultation_answers", sa.Column("file_platform", sa.String(16)))
    answers = sa.table("consultation_answers", sa.column("file_platform"), sa.column("file_id"))
    op.execute(
        answers.update()
        .where(answers.c.file_id.is_not(None))
        .values(file_platform=sa.literal("telegram"))
    )


def downgrade() -> None:
    """Back to Telegram-only rows: questions sent on other channels and announcements with
    no Telegram source are dropped (the older schema cannot hold them)."""
    with op.batch_alter_table(
        "consultation_answers", table_kwargs={"sqlite_with_rowid": False}
    ) as batch:
        batch.drop_column("file_platform")
    op.create_table(
        "quiz_polls",
        sa.Column("poll_id", sa.String(length=64), nullable=False),
        sa.Column("attempt_id", sa.BigInteger(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("option_order", sa.JSON(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["attempt_id"],
            ["quiz_attempts.id"],
            name=op.f("fk_quiz_polls_attempt_id_quiz_attempts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("poll_id", name=op.f("pk_quiz_polls")),
    )
    op.create_index(op.f("ix_quiz_polls_attempt_id"), "quiz_polls", ["attempt_id"])
    op.execute(
        "INSERT INTO quiz_polls (poll_id, attempt_id, position, option_order, sent_at) "
        "SELECT ref, attempt_id, position, option_order, sent_at FROM quiz_questions_sent "
        "WHERE platform = 'telegram'"
    )
    op.drop_index(op.f("ix_quiz_questions_sent_attempt_id"), table_name="quiz_questions_sent")
    op.drop_table("quiz_questions_sent")
    op.execute(
        "DELETE FROM announcements WHERE source_chat_id IS NULL OR source_message_id IS NULL"
    )
    with op.batch_alter_table("announcements") as batch:
        batch.add_column(sa.Column("progress_message_id", sa.BigInteger(), nullable=True))
    op.execute(
        "UPDATE announcements SET progress_message_id = CAST(progress_ref AS BIGINT) "
        "WHERE progress_ref IS NOT NULL"
    )
    with op.batch_alter_table("announcements") as batch:
        for column in ("body", "media", "media_name", "media_mime", "progress_ref"):
            batch.drop_column(column)
        batch.alter_column("source_chat_id", existing_type=sa.BigInteger(), nullable=False)
        batch.alter_column("source_message_id", existing_type=sa.BigInteger(), nullable=False)
