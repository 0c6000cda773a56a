"""Signed progress reviews: a sign-off request may be about a review, a response signs or
declines it.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("signoff_requests", sa.Column("review_id", sa.Integer, nullable=True))
    op.add_column("signoff_requests", sa.Column("review_sha256", sa.String(64), nullable=True))
    op.add_column("signoff_responses", sa.Column("review_decision", sa.String(16), nullable=True))
    op.add_column(
        "signoff_responses",
        sa.Column("review_comment", sa.Text, nullable=False, server_default=""),
    )
    op.create_index("ix_signoff_requests_review_id", "signoff_requests", ["review_id"])


def downgrade() -> None:
    # plain ALTER TABLE … DROP COLUMN (SQLite 3.35+): the tables' SQL goes back to exactly
    # what 0003 made, which the schema guard compares (a batch copy would rewrite it)
    op.drop_index("ix_signoff_requests_review_id", "signoff_requests")
    op.drop_column("signoff_requests", "review_sha256")
    op.drop_column("signoff_requests", "review_id")
    op.drop_column("signoff_responses", "review_comment")
    op.drop_column("signoff_responses", "review_decision")
