"""Standards with options: which options each duty belongs to, and the portfolio's choice.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # NULL: a core group (every group before this revision); else "1,3": its option numbers
    op.add_column("groups", sa.Column("options", sa.Text, nullable=True))
    # the option of its standard the portfolio follows (a number in the document's options)
    op.add_column("portfolio", sa.Column("framework_option", sa.Integer, nullable=True))


def downgrade() -> None:
    # SQLite's own DROP COLUMN (3.35+), not a batch copy: renaming a copied "groups" into
    # place fails while the search-index triggers name it.
    op.execute("ALTER TABLE portfolio DROP COLUMN framework_option")
    op.execute("ALTER TABLE groups DROP COLUMN options")
