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
        sa.Column("ready_count", sa.Integer, nullable=False, server_default="0"),
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
        sa.CheckConstraint("id = number"),
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
        sa.Column("ready", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_index(
        "ix_item_competencies_coverage", "item_competencies", ["competency_id", "ready", "item_id"]
    )
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
        for event, row in (
            ("INSERT", "new"),
            ("UPDATE OF justification", "new"),
            ("DELETE", "old"),
        ):
            tags = _TAGS_SQL.format(item=f"{row}.item_id")
            op.execute(
                f"CREATE TRIGGER {table}_fts_{event.split()[0].lower()} AFTER {event} ON {table} "
                "BEGIN "
                f"UPDATE items_fts SET tags = {tags} WHERE rowid = {row}.item_id; END"
            )

    _coverage_triggers()


def _coverage_triggers() -> None:
    """Keep coverage counts current so the heatmap reads 300 numbers, not 30,000 rows.

    ``item_competencies.ready`` mirrors the item's status; ``group_links.ready_count``
    counts ready items tagged with both the group and the competency.
    """
    ready_of = "(SELECT status = 'ready' FROM items WHERE id = {row}.item_id)"
    op.execute(
        "CREATE TRIGGER coverage_tag_insert AFTER INSERT ON item_competencies BEGIN "
        f"UPDATE item_competencies SET ready = {ready_of.format(row='new')} "
        "WHERE item_id = new.item_id AND competency_id = new.competency_id; "
        f"UPDATE group_links SET ready_count = ready_count + 1 "
        "WHERE competency_id = new.competency_id AND "
        "group_id IN (SELECT group_id FROM item_groups WHERE item_id = new.item_id) "
        f"AND {ready_of.format(row='new')}; END"
    )
    op.execute(
        "CREATE TRIGGER coverage_tag_delete AFTER DELETE ON item_competencies "
        "WHEN old.ready = 1 BEGIN "
        "UPDATE group_links SET ready_count = ready_count - 1 "
        "WHERE competency_id = old.competency_id AND "
        "group_id IN (SELECT group_id FROM item_groups WHERE item_id = old.item_id); END"
    )
    op.execute(
        "CREATE TRIGGER coverage_group_insert AFTER INSERT ON item_groups BEGIN "
        "UPDATE group_links SET ready_count = ready_count + 1 "
        "WHERE group_id = new.group_id AND competency_id IN "
        "(SELECT competency_id FROM item_competencies WHERE item_id = new.item_id AND ready = 1); "
        "END"
    )
    op.execute(
        "CREATE TRIGGER coverage_group_delete AFTER DELETE ON item_groups BEGIN "
        "UPDATE group_links SET ready_count = ready_count - 1 "
        "WHERE group_id = old.group_id AND competency_id IN "
        "(SELECT competency_id FROM item_competencies WHERE item_id = old.item_id AND ready = 1); "
        "END"
    )
    op.execute(
        "CREATE TRIGGER coverage_status AFTER UPDATE OF status ON items "
        "WHEN old.status IS NOT new.status BEGIN "
        "UPDATE item_competencies SET ready = (new.status = 'ready') WHERE item_id = new.id; "
        "UPDATE group_links SET ready_count = ready_count "
        "+ (CASE WHEN new.status = 'ready' THEN 1 ELSE -1 END) "
        "WHERE (group_id, competency_id) IN (SELECT ig.group_id, ic.competency_id "
        "FROM item_groups ig JOIN item_competencies ic ON ic.item_id = ig.item_id "
        "WHERE ig.item_id = new.id) "
        "AND (old.status = 'ready' OR new.status = 'ready'); END"
    )
    # Remove an item's tags while the item still exists, so the triggers above
    # can see its status (cascades run after the row is gone).
    op.execute(
        "CREATE TRIGGER coverage_item_delete BEFORE DELETE ON items BEGIN "
        "DELETE FROM item_competencies WHERE item_id = old.id; "
        "DELETE FROM item_groups WHERE item_id = old.id; END"
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
