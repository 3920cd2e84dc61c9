"""Staff notices of questions to a person and of learners' answers back, sent by a job
instead of inside the learner's turn.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.db.types import UTCDateTime

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

BigIntId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "faq_notices",
        sa.Column("id", BigIntId, autoincrement=True, nullable=False),
        sa.Column("question_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("not_before", UTCDateTime(), nullable=False),
        sa.Column("done_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["faq_questions.id"],
            name=op.f("fk_faq_notices_question_id_faq_questions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["faq_messages.id"],
            name=op.f("fk_faq_notices_message_id_faq_messages"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_faq_notices_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_faq_notices")),
    )
    op.create_index(op.f("ix_faq_notices_question_id"), "faq_notices", ["question_id"])
    op.create_index(op.f("ix_faq_notices_user_id"), "faq_notices", ["user_id"])
    op.create_index("ix_faq_notices_state_not_before", "faq_notices", ["state", "not_before"])


def downgrade() -> None:
    op.drop_index("ix_faq_notices_state_not_before", table_name="faq_notices")
    op.drop_index(op.f("ix_faq_notices_user_id"), table_name="faq_notices")
    op.drop_index(op.f("ix_faq_notices_question_id"), table_name="faq_notices")
    op.drop_table("faq_notices")
