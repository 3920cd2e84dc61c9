"""Questions to a person asked by voice: the recording's type on the question, our own
sealed copy of it until a person replies, and a mark on replies sent as voice notes.

Revision ID: 0018
Revises: 0017
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("faq_questions") as batch:
        batch.add_column(sa.Column("voice", sa.String(8), nullable=True))
    with op.batch_alter_table("faq_messages") as batch:
        batch.add_column(sa.Column("voice", sa.Boolean(), nullable=False, server_default="0"))
    op.create_table(
        "faq_voice",
        sa.Column("question_id", sa.BigInteger(), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["faq_questions.id"],
            name=op.f("fk_faq_voice_question_id_faq_questions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("question_id", name=op.f("pk_faq_voice")),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    """The older schema has no voice questions: their recordings go, their captions stay."""
    op.drop_table("faq_voice")
    with op.batch_alter_table("faq_messages") as batch:
        batch.drop_column("voice")
    with op.batch_alter_table("faq_questions") as batch:
        batch.drop_column("voice")
