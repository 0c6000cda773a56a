"""The programme records as the GUI sees them: thin commands over the services, plus signals.

Like ``PortfolioDocument`` for evidence: each method is one user action in one
transaction; widgets never touch a Session. ``changed`` tells every progress
page (and the home-screen notice) to read again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date as Date

from PySide6.QtCore import QObject, Signal

from app.services import otj, reviews, skills_scan
from app.services.progress import ProgressSnapshot, take_progress_snapshot
from app.ui.document import PortfolioDocument, ReadOnlyError


class ProgressStore(QObject):
    changed = Signal()  # a scan, entry, plan, review or choice changed

    def __init__(
        self,
        document: PortfolioDocument,
        today: Callable[[], Date] = Date.today,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.document = document
        self.today = today
        self._cached: tuple[Date, ProgressSnapshot] | None = None
        self.changed.connect(self._forget)  # connected first: runs before any page reads
        # evidence counts feed the tracker
        document.coverageChanged.connect(self.changed)
        document.itemsChanged.connect(self.changed)

    @property
    def read_only(self) -> bool:
        return self.document.read_only

    def _check_writable(self) -> None:
        if self.document.read_only:
            raise ReadOnlyError(
                self.tr("This portfolio is open read-only; nothing can be changed.")
            )

    # --- reading --------------------------------------------------------------------------------

    def _forget(self) -> None:
        self._cached = None

    def snapshot(self) -> ProgressSnapshot:
        """Everything the pages show, read once per change (and per day)."""
        today = self.today()
        if self._cached is None or self._cached[0] != today:
            with self.document.reading() as session:
                self._cached = (today, take_progress_snapshot(session, today))
        return self._cached[1]

    def scan_competencies(self) -> list[skills_scan.TrackedCompetency]:
        with self.document.reading() as session:
            return skills_scan.scan_competencies(session)

    def role_levels(self) -> list[tuple[str, str]]:
        with self.document.reading() as session:
            return skills_scan.role_levels(session)

    def role_level(self) -> str:
        with self.document.reading() as session:
            return skills_scan.get_role_level(session)

    def plan(self) -> otj.Plan | None:
        with self.document.reading() as session:
            return otj.get_plan(session)

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
        with self.document.reading() as session:
            return otj.list_entries(session)

    def review_status(self) -> reviews.ReviewStatus:
        with self.document.reading() as session:
            return reviews.status(session, self.today())

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
        self._check_writable()
        with self.document.changing() as session:
            scan = skills_scan.add_scan(
                session,
                date=date,
                ratings=ratings,
                note=note,
                confirmed_by=confirmed_by,
                confirmer_role=confirmer_role,
                confirmed_on=confirmed_on,
            )
        self.changed.emit()
        return scan

    def confirm_scan(self, scan_id: int, *, name: str, role: str, date: Date) -> None:
        self._check_writable()
        with self.document.changing() as session:
            skills_scan.confirm_scan(session, scan_id, name=name, role=role, date=date)
        self.changed.emit()

    def delete_scan(self, scan_id: int) -> None:
        self._check_writable()
        with self.document.changing() as session:
            skills_scan.delete_scan(session, scan_id)
        self.changed.emit()

    def set_role_level(self, level: str) -> None:
        self._check_writable()
        with self.document.changing() as session:
            skills_scan.set_role_level(session, level)
        self.changed.emit()

    def save_plan(self, plan: otj.Plan) -> otj.Plan:
        self._check_writable()
        with self.document.changing() as session:
            saved = otj.save_plan(session, plan)
        self.changed.emit()
        return saved

    def add_entry(self, entry: otj.EntryInput) -> otj.Entry:
        self._check_writable()
        with self.document.changing() as session:
            added = otj.add_entry(session, entry)
        self.changed.emit()
        return added

    def update_entry(self, entry_id: int, entry: otj.EntryInput) -> otj.Entry:
        self._check_writable()
        with self.document.changing() as session:
            updated = otj.update_entry(session, entry_id, entry)
        self.changed.emit()
        return updated

    def delete_entry(self, entry_id: int) -> None:
        self._check_writable()
        with self.document.changing() as session:
            otj.delete_entry(session, entry_id)
        self.changed.emit()

    def import_entries(
        self,
        rows: Sequence[otj.EntryInput],
        progress: Callable[[int, int], None] | None = None,
    ) -> otj.ImportResult:
        """All or nothing; may run on a worker thread (``changed`` then reaches the GUI
        thread queued)."""
        self._check_writable()
        with self.document.changing() as session:
            result = otj.import_entries(session, rows, progress)
        self.changed.emit()
        return result

    def check_writable(self) -> None:
        self._check_writable()

    def add_review(
        self,
        *,
        date: Date,
        participants: Sequence[reviews.Participant],
        notes: str,
        otj_minutes: int | None,
        actions: Sequence[reviews.Action],
    ) -> reviews.Review:
        self._check_writable()
        with self.document.changing() as session:
            review = reviews.add_review(
                session,
                date=date,
                participants=participants,
                notes=notes,
                otj_minutes=otj_minutes,
                actions=actions,
            )
        self.changed.emit()
        return review

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
        self._check_writable()
        with self.document.changing() as session:
            review = reviews.update_review(
                session,
                review_id,
                date=date,
                participants=participants,
                notes=notes,
                otj_minutes=otj_minutes,
                actions=actions,
            )
        self.changed.emit()
        return review

    def set_action_done(self, action_id: int, done: bool) -> None:
        self._check_writable()
        with self.document.changing() as session:
            reviews.set_action_done(session, action_id, done)
        self.changed.emit()

    def delete_review(self, review_id: int) -> None:
        self._check_writable()
        with self.document.changing() as session:
            reviews.delete_review(session, review_id)
        self.changed.emit()
