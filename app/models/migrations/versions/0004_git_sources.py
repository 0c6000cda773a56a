"""Evidence from git: the apprentice's identities and each imported item's source.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "git_identities",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.Text, nullable=False, unique=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("added", sa.String(32), nullable=False),
    )
    op.create_table(
        "item_sources",
        sa.Column(
            "item_id",
            sa.Integer,
            sa.ForeignKey("items.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("repository", sa.Text, nullable=False),
        sa.Column("remote_url", sa.Text, nullable=False),
        sa.Column("branch", sa.Text, nullable=False),
        sa.Column("tag", sa.Text, nullable=False),
        sa.Column("author", sa.Text, nullable=False),
        sa.Column("commits", sa.Text, nullable=False),
        sa.Column("hints", sa.Text, nullable=False),
        sa.Column("imported", sa.String(32), nullable=False),
        sa.CheckConstraint("kind IN ('merge', 'tag', 'day')", name="ck_item_sources_kind"),
    )


def downgrade() -> None:
    op.drop_table("item_sources")
    op.drop_table("git_identities")
