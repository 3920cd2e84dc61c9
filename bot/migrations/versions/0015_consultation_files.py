"""Consultation answers name the channel they came by, and keep our own sealed copy of a
file where the channel's file ids lapse (WhatsApp's media, after 30 days). Every answer
stored before came by Telegram, or by the channel that keeps its file.

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

_WITHOUT_ROWID = {"sqlite_with_rowid": False}


def upgrade() -> None:
    with op.batch_alter_table("consultation_answers", table_kwargs=_WITHOUT_ROWID) as batch:
        batch.add_column(sa.Column("channel", sa.String(16), nullable=True))
        batch.add_column(sa.Column("file_kept", sa.Boolean(), nullable=False, server_default="0"))
    answers = sa.table("consultation_answers", sa.column("channel"), sa.column("file_platform"))
    op.execute(
        answers.update().values(
            channel=sa.func.coalesce(answers.c.file_platform, sa.literal("telegram"))
        )
    )
    with op.batch_alter_table("consultation_answers", table_kwargs=_WITHOUT_ROWID) as batch:
        batch.alter_column("channel", existing_type=sa.String(16), nullable=False)
    op.create_table(
        "consultation_files",
        sa.Column("consultation_id", sa.BigInteger(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id", "number"],
            ["consultation_answers.consultation_id", "consultation_answers.number"],
            name=op.f("fk_consultation_files_consultation_id_consultation_answers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("consultation_id", "number", name=op.f("pk_consultation_files")),
        **_WITHOUT_ROWID,
    )
    op.create_table(
        "consultation_held_files",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_held_files")),
        **_WITHOUT_ROWID,
    )


def downgrade() -> None:
    """The older schema cannot hold our own copies: answers whose file only we kept lose
    it (their words and kind stay)."""
    op.drop_table("consultation_held_files")
    op.drop_table("consultation_files")
    with op.batch_alter_table("consultation_answers", table_kwargs=_WITHOUT_ROWID) as batch:
        batch.drop_column("file_kept")
        batch.drop_column("channel")
