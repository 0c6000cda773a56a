"""Assessment plans imported into a portfolio (migration 0007).

Bundled plans are read from ``resources/assessment_plans/``; a plan imported with
``portfolio plan import`` is kept here, as the exact JSON text it was imported from,
so the portfolio carries it. Imported by the migration environment, as
``progress_orm`` is.
"""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.orm import Base


class AssessmentPlanRow(Base):
    __tablename__ = "assessment_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    framework_key: Mapped[str] = mapped_column(String(40))
    framework_version: Mapped[str] = mapped_column(String(40))
    document: Mapped[str] = mapped_column(Text)  # the plan file's JSON, as imported
    imported: Mapped[str] = mapped_column(String(32))
