"""Professional discussion preparation: STAR notes per theme.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "discussion_notes",
        sa.Column("theme", sa.String(40), primary_key=True),
        sa.Column("situation", sa.Text, nullable=False),
        sa.Column("task", sa.Text, nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("result", sa.Text, nullable=False),
        sa.Column("updated", sa.String(32), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("discussion_notes")
