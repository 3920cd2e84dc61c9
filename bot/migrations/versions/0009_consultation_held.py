"""Consultations: the sealed holding area, and answer and follower rows that keep no order.

`consultation_held` keeps anonymous answers and "tell me what changed" requests, sealed,
until they are written in batches (bot.services.holding). The rows already in
`consultation_answers` and `consultation_followers` are rewritten so that what was stored
before this revision carries no order either: on SQLite both tables are rebuilt without a
rowid (rows then lie in key order: random reference numbers, user ids); on PostgreSQL every
row is rewritten in this one transaction (one shared `xmin`) and the table is clustered on
its primary key (`ctid` in key order instead of the order of arrival).

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_REWRITTEN = {
    "consultation_answers": "number",
    "consultation_followers": "user_id",
}


def upgrade() -> None:
    op.create_table(
        "consultation_held",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tag", sa.String(length=64), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_held")),
        sa.UniqueConstraint("tag", name=op.f("uq_consultation_held_tag")),
        sqlite_with_rowid=False,
    )
    if op.get_bind().dialect.name == "sqlite":
        for table in _REWRITTEN:
            with op.batch_alter_table(
                table, recreate="always", table_kwargs={"sqlite_with_rowid": False}
            ):
                pass
        return
    for table, column in _REWRITTEN.items():
        op.execute(sa.text(f"UPDATE {table} SET {column} = {column}"))
        op.execute(sa.text(f"CLUSTER {table} USING pk_{table}"))


def downgrade() -> None:
    op.drop_table("consultation_held")
    if op.get_bind().dialect.name == "sqlite":
        for table in _REWRITTEN:
            with op.batch_alter_table(
                table, recreate="always", table_kwargs={"sqlite_with_rowid": True}
            ):
                pass
