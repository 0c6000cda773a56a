"""The first schema: frameworks, portfolio, evidence, tags, attachments, search.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# The text the search index holds for an item's tags: codes and justifications.
_TAGS_SQL = """
    coalesce((SELECT group_concat(c.code || ' ' || ic.justification, ' ')
              FROM item_competencies ic JOIN competencies c ON c.id = ic.competency_id
              WHERE ic.item_id = {item}), '')
    || ' ' ||
    coalesce((SELECT group_concat(g.code || ' ' || ig.justification, ' ')
              FROM item_groups ig JOIN groups g ON g.id = ig.group_id
              WHERE ig.item_id = {item}), '')
"""


def upgrade() -> None:
    op.create_table(
        "frameworks",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("version", sa.String(32), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("level", sa.Integer),
        sa.Column("group_label", sa.String(64)),
        sa.Column("attribution", sa.Text, nullable=False),
        sa.Column("source_url", sa.Text, nullable=False),
        sa.Column("bundled", sa.Boolean, nullable=False),
        sa.Column("document", sa.Text, nullable=False),
        sa.UniqueConstraint("key", "version"),
    )
    op.create_table(
        "competencies",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "framework_id",
            sa.Integer,
            sa.ForeignKey("frameworks.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("name", sa.Text),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.UniqueConstraint("framework_id", "code"),
    )
    op.create_table(
        "groups",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "framework_id",
            sa.Integer,
            sa.ForeignKey("frameworks.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("name", sa.Text),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.UniqueConstraint("framework_id", "code"),
    )
    op.create_table(
        "group_links",
        sa.Column(
            "group_id",
            sa.Integer,
            sa.ForeignKey("groups.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "competency_id",
            sa.Integer,
            sa.ForeignKey("competencies.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("level", sa.String(32)),
        sa.Column("text", sa.Text),
        sa.Column("position", sa.Integer, nullable=False),
    )
    op.create_table(
        "portfolio",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("apprentice_name", sa.Text, nullable=False),
        sa.Column("uln", sa.String(16), nullable=False),
        sa.Column("employer", sa.Text, nullable=False),
        sa.Column("provider", sa.Text, nullable=False),
        sa.Column("framework_id", sa.Integer, sa.ForeignKey("frameworks.id"), nullable=False),
        sa.Column("next_item_number", sa.Integer, nullable=False),
        sa.Column("created", sa.String(32), nullable=False),
        sa.Column("updated", sa.String(32), nullable=False),
        sa.CheckConstraint("id = 1"),
    )
    op.create_table(
        "items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("number", sa.Integer, nullable=False, unique=True),
        sa.Column("ref", sa.String(16), nullable=False, unique=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("date", sa.String(10), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created", sa.String(32), nullable=False),
        sa.Column("updated", sa.String(32), nullable=False),
        sa.CheckConstraint("status IN ('draft', 'ready')"),
    )
    op.create_index("ix_items_date", "items", ["date"])
    op.create_table(
        "item_competencies",
        sa.Column(
            "item_id", sa.Integer, sa.ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column(
            "competency_id",
            sa.Integer,
            sa.ForeignKey("competencies.id", ondelete="RESTRICT"),
            primary_key=True,
        ),
        sa.Column("justification", sa.Text, nullable=False),
    )
    op.create_index("ix_item_competencies_competency", "item_competencies", ["competency_id"])
    op.create_table(
        "item_groups",
        sa.Column(
            "item_id", sa.Integer, sa.ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column(
            "group_id",
            sa.Integer,
            sa.ForeignKey("groups.id", ondelete="RESTRICT"),
            primary_key=True,
        ),
        sa.Column("justification", sa.Text, nullable=False),
    )
    op.create_index("ix_item_groups_group", "item_groups", ["group_id"])
    op.create_table(
        "blobs",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "renditions",
        sa.Column(
            "sha256",
            sa.String(64),
            sa.ForeignKey("blobs.sha256", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("media_type", sa.String(64), nullable=False),
        sa.Column("width", sa.Integer, nullable=False),
        sa.Column("height", sa.Integer, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "attachments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "item_id", sa.Integer, sa.ForeignKey("items.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column(
            "sha256",
            sa.String(64),
            sa.ForeignKey("blobs.sha256", ondelete="RESTRICT"),
            nullable=False,
        ),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("media_type", sa.String(128), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("added", sa.String(32), nullable=False),
    )
    op.create_index("ix_attachments_item", "attachments", ["item_id"])

    # Full-text search over titles, reflections and tags, kept in sync by triggers
    # so no code path can forget it.
    op.execute(
        "CREATE VIRTUAL TABLE items_fts USING fts5("
        "title, body, tags, tokenize = 'unicode61 remove_diacritics 2')"
    )
    op.execute(
        "CREATE TRIGGER items_fts_insert AFTER INSERT ON items BEGIN "
        "INSERT INTO items_fts(rowid, title, body, tags) "
        "VALUES (new.id, new.title, new.body, ''); END"
    )
    op.execute(
        "CREATE TRIGGER items_fts_update AFTER UPDATE OF title, body ON items BEGIN "
        "UPDATE items_fts SET title = new.title, body = new.body WHERE rowid = new.id; END"
    )
    op.execute(
        "CREATE TRIGGER items_fts_delete AFTER DELETE ON items BEGIN "
        "DELETE FROM items_fts WHERE rowid = old.id; END"
    )
    for table in ("item_competencies", "item_groups"):
        for event, row in (("INSERT", "new"), ("UPDATE", "new"), ("DELETE", "old")):
            tags = _TAGS_SQL.format(item=f"{row}.item_id")
            op.execute(
                f"CREATE TRIGGER {table}_fts_{event.lower()} AFTER {event} ON {table} BEGIN "
                f"UPDATE items_fts SET tags = {tags} WHERE rowid = {row}.item_id; END"
            )


def downgrade() -> None:
    op.execute("DROP TABLE items_fts")
    for table in (
        "attachments",
        "renditions",
        "blobs",
        "item_groups",
        "item_competencies",
        "items",
        "portfolio",
        "group_links",
        "groups",
        "competencies",
        "frameworks",
    ):
        op.drop_table(table)
