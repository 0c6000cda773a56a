"""The assessment plan and coverage by theme as the GUI sees them (one reader, plus a signal)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, SignalInstance

from app.schema.assessment_plan import AssessmentPlan
from app.services import assessment_plans, readiness
from app.services.assessment_plans import ThemeReport
from app.services.readiness import Readiness
from app.ui.document import PortfolioDocument


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
        with self.document.db.reader() as session:
            return readiness.readiness(session)

    def plan(self) -> AssessmentPlan | None:
        with self.document.db.reader() as session:
            return assessment_plans.plan_for_portfolio(session)

    def theme_report(self, target: int = 1) -> ThemeReport | None:
        with self.document.db.reader() as session:
            return assessment_plans.portfolio_theme_report(session, target)
