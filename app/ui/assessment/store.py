"""The assessment plan and coverage by theme as the GUI sees them (one reader, plus a signal)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, SignalInstance

from app.schema.assessment_plan import AssessmentPlan
from app.services import assessment_plans, discussion, project, readiness
from app.services.assessment_plans import ThemeReport
from app.services.discussion import ThemePrep
from app.services.project import MappingRow, Project, Week
from app.services.readiness import Readiness
from app.ui.document import PortfolioDocument, ReadOnlyError


class AssessmentStore(QObject):
    changed = Signal()  # evidence or programme records changed: read again

    def __init__(self, document: PortfolioDocument, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        document.coverageChanged.connect(self.changed)
        document.itemsChanged.connect(self.changed)
        document.itemChanged.connect(lambda _id: self.changed.emit())

    def follow(self, other: SignalInstance) -> None:
        """Read again when ``other`` fires too (the programme records' store)."""
        other.connect(self.changed)

    def readiness(self) -> Readiness:
        with self.document.reading() as session:
            return readiness.readiness(session)

    def plan(self) -> AssessmentPlan | None:
        with self.document.reading() as session:
            return assessment_plans.plan_for_portfolio(session)

    def theme_report(self, target: int = 1) -> ThemeReport | None:
        with self.document.reading() as session:
            return assessment_plans.portfolio_theme_report(session, target)

    # --- the work-based project -----------------------------------------------------------------

    @property
    def read_only(self) -> bool:
        return self.document.read_only

    def _check_writable(self) -> None:
        if self.document.read_only:
            raise ReadOnlyError(
                self.tr("This portfolio is open read-only; nothing can be changed.")
            )

    def current_project(self) -> Project:
        with self.document.reading() as session:
            return project.get_project(session)

    def mapping(self) -> list[MappingRow]:
        with self.document.reading() as session:
            return project.mapping(session)

    def save_scope(self, title: str, scope: str) -> Project:
        self._check_writable()
        with self.document.changing() as session:
            saved = project.save_scope(session, title=title, scope=scope)
        self.changed.emit()
        return saved

    def save_week(self, week: int, plan: str, log: str, minutes: int) -> Week:
        self._check_writable()
        with self.document.changing() as session:
            saved = project.save_week(session, week, plan=plan, log=log, minutes=minutes)
        self.changed.emit()
        return saved

    def set_note(self, code: str, note: str) -> None:
        self._check_writable()
        with self.document.changing() as session:
            project.set_note(session, code, note)
        self.changed.emit()

    # --- professional discussion preparation ----------------------------------------------------

    def discussion(self) -> list[ThemePrep]:
        with self.document.reading() as session:
            return discussion.preparation(session)

    def save_discussion_notes(self, theme: str, **fields: str) -> None:
        self._check_writable()
        with self.document.changing() as session:
            discussion.save_notes(session, theme, **fields)
        self.changed.emit()
