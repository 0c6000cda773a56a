"""One plain snapshot of the programme records, for the PDF and the desktop dashboard."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date as Date

from sqlalchemy.orm import Session

from app.services import otj, portfolio, reviews, signoff, skills_scan
from app.services.otj import Entry, OtjSummary
from app.services.reviews import Review, ReviewStatus
from app.services.skills_scan import RoleComparison, Scan, Tracker


@dataclass(frozen=True)
class ProgressSnapshot:
    as_of: Date
    scans: tuple[Scan, ...]
    tracker: Tracker
    role: RoleComparison
    otj: OtjSummary
    entries: tuple[Entry, ...]
    reviews: tuple[Review, ...]
    review_status: ReviewStatus
    # per review id: who was asked to sign it, who signed or declined (signed reviews)
    review_signoffs: Mapping[int, signoff.ReviewSignoff] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        """Nothing recorded yet: an export can leave the sections out."""
        return not (self.scans or self.entries or self.reviews or self.otj.plan)


def export_date(session: Session) -> Date:
    """The portfolio's last change: what 'to date' means in an export (same data, same PDF)."""
    return Date.fromisoformat(portfolio.last_changed(session)[:10])


def take_progress_snapshot(
    session: Session, as_of: Date | None = None, role_level: str | None = None
) -> ProgressSnapshot:
    """Read everything inside the caller's (read) transaction; ``as_of`` defaults to today."""
    day = as_of or Date.today()
    scans = tuple(skills_scan.list_scans(session))
    tracked = skills_scan.build_tracker(
        scans, skills_scan.scan_competencies(session), skills_scan.evidence_counts(session)
    )
    plan = otj.get_plan(session)
    entries = tuple(otj.list_entries(session))
    held = tuple(reviews.list_reviews(session))
    return ProgressSnapshot(
        as_of=day,
        scans=scans,
        tracker=tracked,
        role=skills_scan.role_comparison(session, role_level, tracked),
        otj=otj.summarise(plan, entries, day),
        entries=entries,
        reviews=held,
        review_status=reviews.plan_review_status(plan, held, day),
        review_signoffs=signoff.review_signoffs(session),
    )
