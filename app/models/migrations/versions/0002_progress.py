"""Programme records: skills scans, the off-the-job training log, progress reviews.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _timestamps() -> list[sa.Column[str]]:
    return [
        sa.Column("created", sa.String(32), nullable=False),
        sa.Column("updated", sa.String(32), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "skills_scans",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("date", sa.String(10), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        *_timestamps(),
    )
    op.create_index("ix_skills_scans_date", "skills_scans", ["date"])
    op.create_table(
        "skills_ratings",
        sa.Column(
            "scan_id",
            sa.Integer,
            sa.ForeignKey("skills_scans.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "competency_id",
            sa.Integer,
            sa.ForeignKey("competencies.id", ondelete="RESTRICT"),
            primary_key=True,
        ),
        sa.Column("rating", sa.Integer, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("agreed_rating", sa.Integer),
        sa.CheckConstraint("rating BETWEEN 0 AND 4", name="ck_skills_ratings_rating"),
        sa.CheckConstraint(
            "agreed_rating IS NULL OR agreed_rating BETWEEN 0 AND 4",
            name="ck_skills_ratings_agreed",
        ),
    )
    op.create_index("ix_skills_ratings_competency", "skills_ratings", ["competency_id"])
    op.create_table(
        "skills_confirmations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "scan_id",
            sa.Integer,
            sa.ForeignKey("skills_scans.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("role", sa.Text, nullable=False),
        sa.Column("date", sa.String(10), nullable=False),
    )
    op.create_index("ix_skills_confirmations_scan", "skills_confirmations", ["scan_id"])
    op.create_table(
        "progress_settings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("role_level", sa.String(32)),
        sa.Column("updated", sa.String(32), nullable=False),
        sa.CheckConstraint("id = 1", name="ck_progress_settings_single"),
    )

    op.create_table(
        "otj_plan",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("start_date", sa.String(10), nullable=False),
        sa.Column("gateway_date", sa.String(10), nullable=False),
        sa.Column("contracted_minutes", sa.Integer, nullable=False),
        sa.Column("rule", sa.String(16), nullable=False),
        sa.Column("fixed_minutes", sa.Integer),
        sa.Column("leave_weeks", sa.Float),
        sa.Column("updated", sa.String(32), nullable=False),
        sa.CheckConstraint("id = 1", name="ck_otj_plan_single"),
        sa.CheckConstraint("rule IN ('2022-weekly', '2025-fixed')", name="ck_otj_plan_rule"),
        sa.CheckConstraint("contracted_minutes > 0", name="ck_otj_plan_contracted"),
        sa.CheckConstraint("gateway_date > start_date", name="ck_otj_plan_dates"),
    )
    op.create_table(
        "otj_entries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("date", sa.String(10), nullable=False),
        sa.Column("minutes", sa.Integer, nullable=False),
        sa.Column("activity", sa.String(32), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        *_timestamps(),
        sa.CheckConstraint("minutes > 0", name="ck_otj_entries_minutes"),
    )
    op.create_index("ix_otj_entries_date", "otj_entries", ["date"])
    op.create_table(
        "otj_entry_competencies",
        sa.Column(
            "entry_id",
            sa.Integer,
            sa.ForeignKey("otj_entries.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "competency_id",
            sa.Integer,
            sa.ForeignKey("competencies.id", ondelete="RESTRICT"),
            primary_key=True,
        ),
    )
    op.create_index(
        "ix_otj_entry_competencies_competency", "otj_entry_competencies", ["competency_id"]
    )
    op.create_table(
        "otj_entry_items",
        sa.Column(
            "entry_id",
            sa.Integer,
            sa.ForeignKey("otj_entries.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "item_id",
            sa.Integer,
            sa.ForeignKey("items.id", ondelete="CASCADE"),
            primary_key=True,
        ),
    )
    op.create_index("ix_otj_entry_items_item", "otj_entry_items", ["item_id"])

    op.create_table(
        "progress_reviews",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("date", sa.String(10), nullable=False),
        sa.Column("notes", sa.Text, nullable=False),
        sa.Column("otj_minutes_reviewed", sa.Integer),
        *_timestamps(),
    )
    op.create_index("ix_progress_reviews_date", "progress_reviews", ["date"])
    op.create_table(
        "review_participants",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "review_id",
            sa.Integer,
            sa.ForeignKey("progress_reviews.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.CheckConstraint(
            "role IN ('apprentice', 'employer', 'provider', 'other')",
            name="ck_review_participants_role",
        ),
    )
    op.create_index("ix_review_participants_review", "review_participants", ["review_id"])
    op.create_table(
        "review_actions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "review_id",
            sa.Integer,
            sa.ForeignKey("progress_reviews.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("owner", sa.Text, nullable=False),
        sa.Column("due_date", sa.String(10)),
        sa.Column("done", sa.Boolean, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
    )
    op.create_index("ix_review_actions_review", "review_actions", ["review_id"])


def downgrade() -> None:
    for table in (
        "review_actions",
        "review_participants",
        "progress_reviews",
        "otj_entry_items",
        "otj_entry_competencies",
        "otj_entries",
        "otj_plan",
        "progress_settings",
        "skills_confirmations",
        "skills_ratings",
        "skills_scans",
    ):
        op.drop_table(table)
