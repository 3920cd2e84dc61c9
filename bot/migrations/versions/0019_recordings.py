"""Recorded course audio: one row per recording of a card or quiz question in a language,
with who recorded it, its review, the file's facts and the channels' cached ids; and each
person's listening settings (the language heard, audio first).

Revision ID: 0019
Revises: 0018
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.db.types import UTCDateTime

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

BigIntId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.add_column("users", sa.Column("listen_language", sa.String(16), nullable=True))
    op.add_column(
        "users", sa.Column("audio_first", sa.Boolean(), nullable=False, server_default="0")
    )
    op.create_table(
        "recordings",
        sa.Column("id", BigIntId, primary_key=True, autoincrement=True),
        sa.Column("target_kind", sa.String(8), nullable=False),
        sa.Column("target_id", sa.String(64), nullable=False),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column(
            "recorder_id",
            sa.BigInteger(),
            sa.ForeignKey("users.id", ondelete="SET NULL", name="fk_recordings_recorder_id_users"),
            nullable=True,
        ),
        sa.Column("recorder_name", sa.String(64), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("reason", sa.String(500), nullable=True),
        sa.Column("reviewed_at", UTCDateTime(), nullable=True),
        sa.Column("format", sa.String(4), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("telegram_file_id", sa.String(255), nullable=True),
        sa.Column("whatsapp_media_id", sa.String(128), nullable=True),
        sa.Column("whatsapp_uploaded_at", UTCDateTime(), nullable=True),
        sa.Column("from_content", sa.Boolean(), nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("id", name="pk_recordings"),
    )
    op.create_index(
        "ix_recordings_target", "recordings", ["target_kind", "target_id", "language", "status"]
    )
    op.create_index(
        "uq_recordings_approved",
        "recordings",
        ["target_kind", "target_id", "language"],
        unique=True,
        sqlite_where=sa.text("status = 'approved'"),
        postgresql_where=sa.text("status = 'approved'"),
    )
    op.create_index("ix_recordings_recorder_id", "recordings", ["recorder_id"])
    op.create_index("ix_recordings_status", "recordings", ["status"])
    op.create_index("ix_recordings_sha256", "recordings", ["sha256"])


def downgrade() -> None:
    op.drop_table("recordings")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("audio_first")
        batch.drop_column("listen_language")
