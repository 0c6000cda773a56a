"""The assessment plan and coverage by theme as the GUI sees them (one reader, plus a signal)."""

from __future__ import annotations

from PySide6.QtCore import QObject, SignalInstance

from app.schema.assessment_plan import AssessmentPlan
from app.services import assessment_plans, discussion, project, readiness
from app.services.assessment_plans import ThemeReport
from app.services.discussion import ThemePrep
from app.services.project import MappingRow, Project, Week
from app.services.readiness import Readiness
from app.ui.document import PortfolioDocument
from app.ui.records_store import RecordsStore


class AssessmentStore(RecordsStore):
    """``changed``: evidence or programme records changed, read again."""

    def __init__(self, document: PortfolioDocument, parent: QObject | None = None) -> None:
        super().__init__(document, parent)
        document.coverageChanged.connect(self.changed)
        document.itemsChanged.connect(self.changed)
        document.itemChanged.connect(lambda _id: self.changed.emit())

    def follow(self, other: SignalInstance) -> None:
        """Read again when ``other`` fires too (the programme records' store)."""
        other.connect(self.changed)

    def readiness(self) -> Readiness:
        return self._read(readiness.readiness)

    def plan(self) -> AssessmentPlan | None:
        return self._read(assessment_plans.plan_for_portfolio)

    def theme_report(self, target: int = 1) -> ThemeReport | None:
        return self._read(assessment_plans.portfolio_theme_report, target)

    # --- the work-based project -----------------------------------------------------------------

    def current_project(self) -> Project:
        return self._read(project.get_project)

    def mapping(self) -> list[MappingRow]:
        return self._read(project.mapping)

    def save_scope(self, title: str, scope: str) -> Project:
        return self._change(project.save_scope, title=title, scope=scope)

    def save_week(self, week: int, plan: str, log: str, minutes: int) -> Week:
        return self._change(project.save_week, week, plan=plan, log=log, minutes=minutes)

    def set_note(self, code: str, note: str) -> None:
        self._change(project.set_note, code, note)

    # --- professional discussion preparation ----------------------------------------------------

    def discussion(self) -> list[ThemePrep]:
        return self._read(discussion.preparation)

    def save_discussion_notes(self, theme: str, **fields: str) -> None:
        self._change(discussion.save_notes, theme, **fields)
