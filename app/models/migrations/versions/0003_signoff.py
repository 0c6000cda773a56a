"""Sign-off: requests sent, signed responses imported.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _person() -> list[sa.Column[str]]:
    return [
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("role", sa.Text, nullable=False),
        sa.Column("organisation", sa.Text, nullable=False),
        sa.Column("email", sa.Text, nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "signoff_requests",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("request_id", sa.String(32), nullable=False, unique=True),
        sa.Column("request_sha256", sa.String(64), nullable=False),
        sa.Column("created", sa.String(32), nullable=False),
        *_person(),
    )
    op.create_table(
        "signoff_request_items",
        sa.Column(
            "request_id",
            sa.Integer,
            sa.ForeignKey("signoff_requests.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("ref", sa.String(16), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("content_sha256", sa.String(64), nullable=False),
        sa.Column("requested", sa.Text, nullable=False),
    )
    op.create_table(
        "signoff_responses",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "request_id",
            sa.Integer,
            sa.ForeignKey("signoff_requests.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("manifest_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        *_person(),
        sa.Column("signed", sa.String(40), nullable=False),
        sa.Column("imported", sa.String(32), nullable=False),
        sa.Column("statement", sa.Text, nullable=False),
        sa.Column("earlier_key", sa.String(64), nullable=False),
    )
    op.create_index("ix_signoff_responses_request_id", "signoff_responses", ["request_id"])
    op.create_index("ix_signoff_responses_fingerprint", "signoff_responses", ["fingerprint"])
    op.create_table(
        "signoff_response_items",
        sa.Column(
            "response_id",
            sa.Integer,
            sa.ForeignKey("signoff_responses.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("ref", sa.String(16), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("content_sha256", sa.String(64), nullable=False),
        sa.Column("confirmed", sa.Text, nullable=False),
        sa.Column("declined", sa.Text, nullable=False),
        sa.Column("comment", sa.Text, nullable=False),
    )
    op.create_index("ix_signoff_response_items_ref", "signoff_response_items", ["ref"])


def downgrade() -> None:
    op.drop_table("signoff_response_items")
    op.drop_table("signoff_responses")
    op.drop_table("signoff_request_items")
    op.drop_table("signoff_requests")
