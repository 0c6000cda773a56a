"""The work-based project workspace: scope, weekly plan and log, mapping notes.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "project",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("scope", sa.Text, nullable=False),
        sa.Column("updated", sa.String(32), nullable=False),
        sa.CheckConstraint("id = 1", name="ck_project_single"),
    )
    op.create_table(
        "project_weeks",
        sa.Column("week", sa.Integer, primary_key=True),
        sa.Column("plan", sa.Text, nullable=False),
        sa.Column("log", sa.Text, nullable=False),
        sa.Column("minutes", sa.Integer, nullable=False),
        sa.Column("updated", sa.String(32), nullable=False),
        sa.CheckConstraint("week BETWEEN 1 AND 52", name="ck_project_weeks_week"),
    )
    op.create_table(
        "project_notes",
        sa.Column("code", sa.String(40), primary_key=True),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("updated", sa.String(32), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("project_notes")
    op.drop_table("project_weeks")
    op.drop_table("project")
