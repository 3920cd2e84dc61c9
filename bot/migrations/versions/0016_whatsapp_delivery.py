"""What WhatsApp delivery needs: when each account's person last wrote (the 24-hour window)
and a digest of the message id of each announcement copy and reminder sent, so a delivery
status reported later (delivered, read, failed) finds its row.

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.db.types import UTCDateTime

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("accounts", sa.Column("last_inbound_at", UTCDateTime(), nullable=True))
    for table in ("announcement_recipients", "reminder_log"):
        op.add_column(table, sa.Column("ref", sa.String(64), nullable=True))
        op.create_index(op.f(f"ix_{table}_ref"), table, ["ref"])


def downgrade() -> None:
    for table in ("announcement_recipients", "reminder_log"):
        op.drop_index(op.f(f"ix_{table}_ref"), table_name=table)
        with op.batch_alter_table(table) as batch:
            batch.drop_column("ref")
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("last_inbound_at")
