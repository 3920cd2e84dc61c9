"""Consultations on draft Standards: published consultations, answers, opt-ins, notices.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.db.types import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

BigIntId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _user_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["user_id"], ["users.id"], name=op.f(f"fk_{table}_user_id_users"), ondelete="CASCADE"
    )


def _consultation_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["consultation_id"],
        ["consultations.id"],
        name=op.f(f"fk_{table}_consultation_id_consultations"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "consultations",
        sa.Column("id", BigIntId, autoincrement=True, nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("spec", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("opens_at", UTCDateTime(), nullable=False),
        sa.Column("closes_at", UTCDateTime(), nullable=False),
        sa.Column("published_at", UTCDateTime(), nullable=False),
        sa.Column("outcome", sa.String(length=4096), nullable=True),
        sa.Column("outcome_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultations")),
        sa.UniqueConstraint("slug", name=op.f("uq_consultations_slug")),
    )
    op.create_index(
        op.f("ix_consultations_closes_at"), "consultations", ["closes_at"], unique=False
    )
    op.create_table(
        "consultation_answers",
        sa.Column("consultation_id", sa.BigInteger(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("section", sa.Integer(), nullable=False),
        sa.Column("stance", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text", sa.String(length=4096), nullable=True),
        sa.Column("file_id", sa.String(length=256), nullable=True),
        sa.Column("file_size", sa.Integer(), nullable=True),
        sa.Column("mime_type", sa.String(length=128), nullable=True),
        sa.Column("file_name", sa.String(length=256), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("author_name", sa.String(length=256), nullable=True),
        _consultation_fk("consultation_answers"),
        _user_fk("consultation_answers"),
        sa.PrimaryKeyConstraint("consultation_id", "number", name=op.f("pk_consultation_answers")),
    )
    op.create_index(
        op.f("ix_consultation_answers_user_id"), "consultation_answers", ["user_id"], unique=False
    )
    op.create_table(
        "consultation_subscribers",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        _user_fk("consultation_subscribers"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_consultation_subscribers")),
    )
    op.create_table(
        "consultation_followers",
        sa.Column("consultation_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        _consultation_fk("consultation_followers"),
        _user_fk("consultation_followers"),
        sa.PrimaryKeyConstraint(
            "consultation_id", "user_id", name=op.f("pk_consultation_followers")
        ),
    )
    op.create_table(
        "consultation_notices",
        sa.Column("consultation_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        _consultation_fk("consultation_notices"),
        _user_fk("consultation_notices"),
        sa.PrimaryKeyConstraint(
            "consultation_id", "user_id", "kind", name=op.f("pk_consultation_notices")
        ),
    )


def downgrade() -> None:
    op.drop_table("consultation_notices")
    op.drop_table("consultation_followers")
    op.drop_table("consultation_subscribers")
    op.drop_index(op.f("ix_consultation_answers_user_id"), table_name="consultation_answers")
    op.drop_table("consultation_answers")
    op.drop_index(op.f("ix_consultations_closes_at"), table_name="consultations")
    op.drop_table("consultations")
