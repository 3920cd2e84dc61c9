"""Incoming events already processed, by platform and a digest of the platform's id: the
same Telegram update or WhatsApp message delivered twice, also across restarts and
instances, is processed once.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.db.types import UTCDateTime

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "processed_events",
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("event_id", sa.String(64), nullable=False),
        sa.Column("seen_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("platform", "event_id", name=op.f("pk_processed_events")),
    )
    op.create_index(op.f("ix_processed_events_seen_at"), "processed_events", ["seen_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_processed_events_seen_at"), table_name="processed_events")
    op.drop_table("processed_events")
