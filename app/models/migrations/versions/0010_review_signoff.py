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
    op.drop_index("ix_signoff_requests_review_id", "signoff_requests")
    with op.batch_alter_table("signoff_requests") as batch:
        batch.drop_column("review_sha256")
        batch.drop_column("review_id")
    with op.batch_alter_table("signoff_responses") as batch:
        batch.drop_column("review_comment")
        batch.drop_column("review_decision")
