"""Professional discussion preparation (migration 0009): the apprentice's notes per theme,
prompted as situation, task, action and result. Imported by the migration environment."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.orm import Base


class DiscussionNote(Base):
    __tablename__ = "discussion_notes"

    theme: Mapped[str] = mapped_column(String(40), primary_key=True)  # the plan's theme code
    situation: Mapped[str] = mapped_column(Text, default="")
    task: Mapped[str] = mapped_column(Text, default="")
    action: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[str] = mapped_column(Text, default="")
    updated: Mapped[str] = mapped_column(String(32))
