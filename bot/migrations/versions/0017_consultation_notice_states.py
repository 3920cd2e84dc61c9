"""What became of each consultation notice: its state (sent, skipped, failed, blocked,
opted out; then delivered or read as WhatsApp reports) and a digest of the message id the
channel gave it, so a status reported later finds its row.

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("consultation_notices", sa.Column("state", sa.String(16), nullable=True))
    op.add_column("consultation_notices", sa.Column("ref", sa.String(64), nullable=True))
    op.create_index(op.f("ix_consultation_notices_ref"), "consultation_notices", ["ref"])


def downgrade() -> None:
    op.drop_index(op.f("ix_consultation_notices_ref"), table_name="consultation_notices")
    with op.batch_alter_table("consultation_notices") as batch:
        batch.drop_column("ref")
        batch.drop_column("state")
