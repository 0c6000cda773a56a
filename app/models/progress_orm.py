"""Tables of the programme records: skills scans, the off-the-job training log, reviews.

Created by migration 0002; these classes describe the head revision. They
share ``Base`` with ``app.models.orm``; ``app/models/migrations/env.py`` imports this
module so Alembic sees one complete metadata.
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.orm import Base, Competency, Item

# --- skills scans -------------------------------------------------------------------------------


class SkillsScan(Base):
    """One self-assessment of every competency, on the DDaT 0–4 scale."""

    __tablename__ = "skills_scans"
    __table_args__ = (Index("ix_skills_scans_date", "date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    date: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(Text, default="")
    created: Mapped[str] = mapped_column(String(32))
    updated: Mapped[str] = mapped_column(String(32))

    ratings: Mapped[list[SkillsRating]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )
    confirmations: Mapped[list[SkillsConfirmation]] = relationship(
        order_by="SkillsConfirmation.id", cascade="all, delete-orphan", passive_deletes=True
    )


class SkillsRating(Base):
    __tablename__ = "skills_ratings"
    __table_args__ = (
        CheckConstraint("rating BETWEEN 0 AND 4", name="ck_skills_ratings_rating"),
        CheckConstraint(
            "agreed_rating IS NULL OR agreed_rating BETWEEN 0 AND 4",
            name="ck_skills_ratings_agreed",
        ),
        Index("ix_skills_ratings_competency", "competency_id"),
    )

    scan_id: Mapped[int] = mapped_column(
        ForeignKey("skills_scans.id", ondelete="CASCADE"), primary_key=True
    )
    competency_id: Mapped[int] = mapped_column(
        ForeignKey("competencies.id", ondelete="RESTRICT"), primary_key=True
    )
    rating: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    # what the employer agreed, where it differs from the apprentice's own rating
    agreed_rating: Mapped[int | None] = mapped_column(Integer)

    competency: Mapped[Competency] = relationship()


class SkillsConfirmation(Base):
    """The employer or line manager confirming a scan."""

    __tablename__ = "skills_confirmations"
    __table_args__ = (Index("ix_skills_confirmations_scan", "scan_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scan_id: Mapped[int] = mapped_column(ForeignKey("skills_scans.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(Text, default="")
    date: Mapped[str] = mapped_column(String(10))


class ProgressSettings(Base):
    """Choices that belong to this portfolio: the DDaT role level the tracker compares with."""

    __tablename__ = "progress_settings"
    __table_args__ = (CheckConstraint("id = 1", name="ck_progress_settings_single"),)

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    role_level: Mapped[str | None] = mapped_column(String(32))
    updated: Mapped[str] = mapped_column(String(32))


# --- off-the-job training -----------------------------------------------------------------------


class OtjPlan(Base):
    """The single row holding the training plan the required hours come from."""

    __tablename__ = "otj_plan"
    __table_args__ = (
        CheckConstraint("id = 1", name="ck_otj_plan_single"),
        CheckConstraint("rule IN ('2022-weekly', '2025-fixed')", name="ck_otj_plan_rule"),
        CheckConstraint("contracted_minutes > 0", name="ck_otj_plan_contracted"),
        CheckConstraint("gateway_date > start_date", name="ck_otj_plan_dates"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    start_date: Mapped[str] = mapped_column(String(10))
    gateway_date: Mapped[str] = mapped_column(String(10))  # planned end of training
    contracted_minutes: Mapped[int] = mapped_column(Integer)  # per week
    rule: Mapped[str] = mapped_column(String(16))
    fixed_minutes: Mapped[int | None] = mapped_column(Integer)  # the 2025 rule's total
    leave_weeks: Mapped[float | None] = mapped_column(Float)  # None: statutory 5.6 a year
    updated: Mapped[str] = mapped_column(String(32))
    # 2025/26 rules (migration 0005): RPL off the minimum, the minimum's source and date,
    # an agreed review frequency with its reason
    rpl_minutes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    minimum_source: Mapped[str] = mapped_column(Text, default="", server_default="")
    minimum_date: Mapped[str | None] = mapped_column(String(10))
    review_months: Mapped[int | None] = mapped_column(Integer)
    review_reason: Mapped[str] = mapped_column(Text, default="", server_default="")


class OtjEntry(Base):
    __tablename__ = "otj_entries"
    __table_args__ = (
        CheckConstraint("minutes > 0", name="ck_otj_entries_minutes"),
        Index("ix_otj_entries_date", "date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    date: Mapped[str] = mapped_column(String(10))
    minutes: Mapped[int] = mapped_column(Integer)
    activity: Mapped[str] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(Text, default="")
    created: Mapped[str] = mapped_column(String(32))
    updated: Mapped[str] = mapped_column(String(32))

    competency_links: Mapped[list[OtjEntryCompetency]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )
    item_links: Mapped[list[OtjEntryItem]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )


class OtjEntryCompetency(Base):
    __tablename__ = "otj_entry_competencies"
    __table_args__ = (Index("ix_otj_entry_competencies_competency", "competency_id"),)

    entry_id: Mapped[int] = mapped_column(
        ForeignKey("otj_entries.id", ondelete="CASCADE"), primary_key=True
    )
    competency_id: Mapped[int] = mapped_column(
        ForeignKey("competencies.id", ondelete="RESTRICT"), primary_key=True
    )

    competency: Mapped[Competency] = relationship()


class OtjEntryItem(Base):
    __tablename__ = "otj_entry_items"
    __table_args__ = (Index("ix_otj_entry_items_item", "item_id"),)

    entry_id: Mapped[int] = mapped_column(
        ForeignKey("otj_entries.id", ondelete="CASCADE"), primary_key=True
    )
    # deleting an evidence item only drops the link: the hours were still spent
    item_id: Mapped[int] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    )

    item: Mapped[Item] = relationship()


# --- progress reviews ---------------------------------------------------------------------------


class ProgressReview(Base):
    __tablename__ = "progress_reviews"
    __table_args__ = (Index("ix_progress_reviews_date", "date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    date: Mapped[str] = mapped_column(String(10))
    notes: Mapped[str] = mapped_column(Text, default="")
    otj_minutes_reviewed: Mapped[int | None] = mapped_column(Integer)
    created: Mapped[str] = mapped_column(String(32))
    updated: Mapped[str] = mapped_column(String(32))

    participants: Mapped[list[ReviewParticipant]] = relationship(
        order_by="ReviewParticipant.position", cascade="all, delete-orphan", passive_deletes=True
    )
    actions: Mapped[list[ReviewAction]] = relationship(
        order_by="ReviewAction.position", cascade="all, delete-orphan", passive_deletes=True
    )


class ReviewParticipant(Base):
    __tablename__ = "review_participants"
    __table_args__ = (
        CheckConstraint(
            "role IN ('apprentice', 'employer', 'provider', 'other')",
            name="ck_review_participants_role",
        ),
        Index("ix_review_participants_review", "review_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("progress_reviews.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)


class ReviewAction(Base):
    __tablename__ = "review_actions"
    __table_args__ = (Index("ix_review_actions_review", "review_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("progress_reviews.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(Text, default="")
    due_date: Mapped[str | None] = mapped_column(String(10))
    done: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(Integer)
