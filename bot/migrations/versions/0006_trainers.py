"""Trainers: cohorts, their members, invitation codes, announcements and their recipients.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.db.types import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

BigIntId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _user_fk(table: str, column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["users.id"], name=op.f(f"fk_{table}_{column}_users"), ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "cohorts",
        sa.Column("id", BigIntId, autoincrement=True, nullable=False),
        sa.Column("trainer_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("place", sa.String(length=64), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        _user_fk("cohorts", "trainer_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cohorts")),
    )
    op.create_index(op.f("ix_cohorts_trainer_id"), "cohorts", ["trainer_id"])
    op.create_table(
        "cohort_members",
        sa.Column("cohort_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("display_name", sa.String(length=64), nullable=False),
        sa.Column("joined_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["cohorts.id"],
            name=op.f("fk_cohort_members_cohort_id_cohorts"),
            ondelete="CASCADE",
        ),
        _user_fk("cohort_members", "user_id"),
        sa.PrimaryKeyConstraint("cohort_id", "user_id", name=op.f("pk_cohort_members")),
    )
    op.create_index(op.f("ix_cohort_members_user_id"), "cohort_members", ["user_id"])
    op.create_table(
        "invitations",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("cohort_id", sa.BigInteger(), nullable=True),
        sa.Column("created_by", sa.BigInteger(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=True),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.Column("used_by", sa.BigInteger(), nullable=True),
        sa.Column("used_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["cohorts.id"],
            name=op.f("fk_invitations_cohort_id_cohorts"),
            ondelete="CASCADE",
        ),
        _user_fk("invitations", "created_by"),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_invitations")),
    )
    op.create_index(op.f("ix_invitations_cohort_id"), "invitations", ["cohort_id"])
    op.create_index(op.f("ix_invitations_created_by"), "invitations", ["created_by"])
    op.create_table(
        "announcements",
        sa.Column("id", BigIntId, autoincrement=True, nullable=False),
        sa.Column("author_id", sa.BigInteger(), nullable=False),
        sa.Column("source_chat_id", sa.BigInteger(), nullable=False),
        sa.Column("source_message_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("cohort_ids", sa.JSON(), nullable=False),
        sa.Column("everyone", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("scheduled_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=True),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("progress_message_id", sa.BigInteger(), nullable=True),
        _user_fk("announcements", "author_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_announcements")),
    )
    op.create_index(op.f("ix_announcements_author_id"), "announcements", ["author_id"])
    op.create_index("ix_announcements_status_due", "announcements", ["status", "scheduled_at"])
    op.create_table(
        "announcement_recipients",
        sa.Column("id", BigIntId, autoincrement=True, nullable=False),
        sa.Column("announcement_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("lease_until", UTCDateTime(), nullable=True),
        sa.Column("done_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["announcement_id"],
            ["announcements.id"],
            name=op.f("fk_announcement_recipients_announcement_id_announcements"),
            ondelete="CASCADE",
        ),
        _user_fk("announcement_recipients", "user_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_announcement_recipients")),
        sa.UniqueConstraint(
            "announcement_id", "user_id", name=op.f("uq_announcement_recipients_announcement_id")
        ),
    )
    op.create_index(
        op.f("ix_announcement_recipients_user_id"), "announcement_recipients", ["user_id"]
    )
    op.create_index(
        "ix_announcement_recipients_state",
        "announcement_recipients",
        ["state", "announcement_id"],
    )


def downgrade() -> None:
    op.drop_table("announcement_recipients")
    op.drop_table("announcements")
    op.drop_table("invitations")
    op.drop_table("cohort_members")
    op.drop_table("cohorts")
