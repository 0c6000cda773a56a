"""The 2025/26 funding rules in the off-the-job plan: RPL, the minimum's source and date,
an agreed review frequency with its reason.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("otj_plan") as batch:
        batch.add_column(sa.Column("rpl_minutes", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("minimum_source", sa.Text, nullable=False, server_default=""))
        batch.add_column(sa.Column("minimum_date", sa.String(10), nullable=True))
        batch.add_column(sa.Column("review_months", sa.Integer, nullable=True))
        batch.add_column(sa.Column("review_reason", sa.Text, nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("otj_plan") as batch:
        for name in ("review_reason", "review_months", "minimum_date", "minimum_source"):
            batch.drop_column(name)
        batch.drop_column("rpl_minutes")
