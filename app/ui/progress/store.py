"""The programme records as the GUI sees them: thin commands over the services, plus signals.

Like ``PortfolioDocument`` for evidence: each method is one user action in one
transaction; widgets never touch a Session. ``changed`` (a scan, entry, plan, review or
choice changed) tells every progress page (and the home-screen notice) to read again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date as Date

from PySide6.QtCore import QObject

from app.services import otj, reviews, skills_scan
from app.services.progress import ProgressSnapshot, take_progress_snapshot
from app.ui.document import PortfolioDocument
from app.ui.records_store import RecordsStore


class ProgressStore(RecordsStore):
    def __init__(
        self,
        document: PortfolioDocument,
        today: Callable[[], Date] = Date.today,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(document, parent)
        self.today = today
        self._cached: tuple[Date, ProgressSnapshot] | None = None
        self.changed.connect(self._forget)  # connected first: runs before any page reads
        # evidence counts feed the tracker
        document.coverageChanged.connect(self.changed)
        document.itemsChanged.connect(self.changed)

    # --- reading --------------------------------------------------------------------------------

    def _forget(self) -> None:
        self._cached = None

    def snapshot(self) -> ProgressSnapshot:
        """Everything the pages show, read once per change (and per day)."""
        today = self.today()
        if self._cached is None or self._cached[0] != today:
            self._cached = (today, self._read(take_progress_snapshot, today))
        return self._cached[1]

    def scan_competencies(self) -> list[skills_scan.TrackedCompetency]:
        return self._read(skills_scan.scan_competencies)

    def role_levels(self) -> list[tuple[str, str]]:
        return self._read(skills_scan.role_levels)

    def role_level(self) -> str:
        return self._read(skills_scan.get_role_level)

    def plan(self) -> otj.Plan | None:
        return self._read(otj.get_plan)

    def otj_minutes_to(self, day: Date) -> int:
        """Countable minutes logged up to ``day``: what a review on that day looks back on."""
        with self.document.reading() as session:
            plan = otj.get_plan(session)
            return sum(
                e.minutes
                for e in otj.list_entries(session)
                if e.date <= day and otj.countable(plan, e.date)
            )

    def entries(self) -> list[otj.Entry]:
        return self._read(otj.list_entries)

    def review_status(self) -> reviews.ReviewStatus:
        return self._read(reviews.status, self.today())

    def review_rule(self) -> str:
        """How often reviews are due under the plan's funding rules, with the source."""
        return self.review_status().rule_text

    # --- changing -------------------------------------------------------------------------------

    def add_scan(
        self,
        *,
        date: Date,
        ratings: Sequence[skills_scan.RatingInput],
        note: str = "",
        confirmed_by: str | None = None,
        confirmer_role: str = "",
        confirmed_on: Date | None = None,
    ) -> skills_scan.Scan:
        return self._change(
            skills_scan.add_scan,
            date=date,
            ratings=ratings,
            note=note,
            confirmed_by=confirmed_by,
            confirmer_role=confirmer_role,
            confirmed_on=confirmed_on,
        )

    def confirm_scan(self, scan_id: int, *, name: str, role: str, date: Date) -> None:
        self._change(skills_scan.confirm_scan, scan_id, name=name, role=role, date=date)

    def delete_scan(self, scan_id: int) -> None:
        self._change(skills_scan.delete_scan, scan_id)

    def set_role_level(self, level: str) -> None:
        self._change(skills_scan.set_role_level, level)

    def save_plan(self, plan: otj.Plan) -> otj.Plan:
        return self._change(otj.save_plan, plan)

    def add_entry(self, entry: otj.EntryInput) -> otj.Entry:
        return self._change(otj.add_entry, entry)

    def update_entry(self, entry_id: int, entry: otj.EntryInput) -> otj.Entry:
        return self._change(otj.update_entry, entry_id, entry)

    def delete_entry(self, entry_id: int) -> None:
        self._change(otj.delete_entry, entry_id)

    def import_entries(
        self,
        rows: Sequence[otj.EntryInput],
        progress: Callable[[int, int], None] | None = None,
    ) -> otj.ImportResult:
        """All or nothing; may run on a worker thread (``changed`` then reaches the GUI
        thread queued)."""
        return self._change(otj.import_entries, rows, progress)

    def add_review(
        self,
        *,
        date: Date,
        participants: Sequence[reviews.Participant],
        notes: str,
        otj_minutes: int | None,
        actions: Sequence[reviews.Action],
    ) -> reviews.Review:
        return self._change(
            reviews.add_review,
            date=date,
            participants=participants,
            notes=notes,
            otj_minutes=otj_minutes,
            actions=actions,
        )

    def update_review(
        self,
        review_id: int,
        *,
        date: Date,
        participants: Sequence[reviews.Participant],
        notes: str,
        otj_minutes: int | None,
        actions: Sequence[reviews.Action],
    ) -> reviews.Review:
        return self._change(
            reviews.update_review,
            review_id,
            date=date,
            participants=participants,
            notes=notes,
            otj_minutes=otj_minutes,
            actions=actions,
        )

    def set_action_done(self, action_id: int, done: bool) -> None:
        self._change(reviews.set_action_done, action_id, done)

    def delete_review(self, review_id: int) -> None:
        self._change(reviews.delete_review, review_id)
