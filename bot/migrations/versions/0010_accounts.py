"""Accounts: a person is not a Telegram id. Every user gets a `telegram` account.

Existing users keep their id, which becomes an internal id with no meaning of its own (it
was their Telegram id, so their Telegram account's external id and address are that same
number); nothing else changes, so every other table keeps pointing at the same person.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.db.types import UTCDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("external_id", sa.String(64), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_accounts_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
        sa.UniqueConstraint("platform", "external_id", name=op.f("uq_accounts_identity")),
    )
    op.create_index(op.f("ix_accounts_user_id"), "accounts", ["user_id"])
    # Every existing user was a Telegram user whose id was their Telegram id.
    users = sa.table("users", sa.column("id"), sa.column("first_seen_at"))
    accounts = sa.table(
        "accounts",
        sa.column("user_id"),
        sa.column("platform"),
        sa.column("external_id"),
        sa.column("address"),
        sa.column("created_at"),
    )
    as_text = sa.cast(users.c.id, sa.String(64))
    op.execute(
        accounts.insert().from_select(
            ["user_id", "platform", "external_id", "address", "created_at"],
            sa.select(users.c.id, sa.literal("telegram"), as_text, as_text, users.c.first_seen_at),
        )
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_accounts_user_id"), table_name="accounts")
    op.drop_table("accounts")
