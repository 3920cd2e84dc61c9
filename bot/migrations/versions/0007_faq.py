"""FAQ: questions sent to a person, their conversation, answer feedback, complaint drafts.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.db.types import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

BigIntId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "faq_questions",
        sa.Column("id", BigIntId, autoincrement=True, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("text", sa.String(length=1000), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("taken_by", sa.BigInteger(), nullable=True),
        sa.Column("best_entry_id", sa.String(length=64), nullable=True),
        sa.Column("best_score", sa.Float(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_faq_questions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_faq_questions")),
    )
    op.create_index("ix_faq_questions_status_created", "faq_questions", ["status", "created_at"])
    op.create_table(
        "faq_messages",
        sa.Column("id", BigIntId, autoincrement=True, nullable=False),
        sa.Column("question_id", sa.BigInteger(), nullable=False),
        sa.Column("sender_id", sa.BigInteger(), nullable=True),
        sa.Column("from_learner", sa.Boolean(), nullable=False),
        sa.Column("text", sa.String(length=4000), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["faq_questions.id"],
            name=op.f("fk_faq_messages_question_id_faq_questions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_faq_messages")),
    )
    op.create_index(op.f("ix_faq_messages_question_id"), "faq_messages", ["question_id"])
    op.create_index(op.f("ix_faq_messages_sender_id"), "faq_messages", ["sender_id"])
    op.create_table(
        "faq_feedback",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("entry_id", sa.String(length=64), nullable=False),
        sa.Column("helpful", sa.Boolean(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_faq_feedback_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "entry_id", name=op.f("pk_faq_feedback")),
    )
    op.create_table(
        "complaint_drafts",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("text", sa.String(length=4000), nullable=False),
        sa.Column("saved_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_complaint_drafts_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_complaint_drafts")),
    )


def downgrade() -> None:
    op.drop_table("complaint_drafts")
    op.drop_table("faq_feedback")
    op.drop_table("faq_messages")
    op.drop_table("faq_questions")
