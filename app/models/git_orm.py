"""Evidence from git: the apprentice's commit identities and each imported item's source.

Mapped on the shared ``Base`` but imported only by what uses them (and by the
migration environment), as ``progress_orm`` is.
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.orm import Base


class GitIdentity(Base):
    """A name and email the apprentice commits with (several allowed)."""

    __tablename__ = "git_identities"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(Text, unique=True)  # kept in lower case
    name: Mapped[str] = mapped_column(Text, default="")
    added: Mapped[str] = mapped_column(String(32))


class ItemSource(Base):
    """Where an item imported from a git repository came from (its provenance)."""

    __tablename__ = "item_sources"
    __table_args__ = (CheckConstraint("kind IN ('merge', 'tag', 'day')"),)

    item_id: Mapped[int] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(8))
    repository: Mapped[str] = mapped_column(Text)  # the repository's folder name
    remote_url: Mapped[str] = mapped_column(Text, default="")  # as text; never contacted
    branch: Mapped[str] = mapped_column(Text, default="")
    tag: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str] = mapped_column(Text, default="")  # "Name <email>"
    commits: Mapped[str] = mapped_column(Text)  # full commit ids, space-separated
    hints: Mapped[str] = mapped_column(Text, default="[]")  # JSON: [{"code", "reasons"}]
    imported: Mapped[str] = mapped_column(String(32))
