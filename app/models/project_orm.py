"""The work-based project workspace (migration 0008): the scope, the week-by-week plan and
log, and the apprentice's notes on where each project KSB and criterion is shown.
Imported by the migration environment, as ``progress_orm`` is."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.orm import Base


class ProjectRecord(Base):
    """The single row holding the project's title and scope (summary)."""

    __tablename__ = "project"
    __table_args__ = (CheckConstraint("id = 1", name="ck_project_single"),)

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    title: Mapped[str] = mapped_column(Text, default="")
    scope: Mapped[str] = mapped_column(Text, default="")
    updated: Mapped[str] = mapped_column(String(32))


class ProjectWeek(Base):
    __tablename__ = "project_weeks"
    __table_args__ = (CheckConstraint("week BETWEEN 1 AND 52", name="ck_project_weeks_week"),)

    week: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan: Mapped[str] = mapped_column(Text, default="")
    log: Mapped[str] = mapped_column(Text, default="")
    minutes: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[str] = mapped_column(String(32))


class ProjectNote(Base):
    """Where a project KSB or criterion is shown, in the apprentice's words."""

    __tablename__ = "project_notes"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)  # K4, PR2.P3
    note: Mapped[str] = mapped_column(Text, default="")
    updated: Mapped[str] = mapped_column(String(32))
