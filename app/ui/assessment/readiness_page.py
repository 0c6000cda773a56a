"""The Gateway readiness page: every gateway check, met or not, and what is missing.

It reads ``app.services.readiness.readiness`` (the same list as ``portfolio
readiness --json``) through the assessment store, and reads again whenever the
evidence, tags or programme records change.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from app.services.readiness import Readiness
from app.ui.assessment.page import StorePage
from app.ui.assessment.store import AssessmentStore
from app.ui.readiness_text import translated


class ReadinessPage(StorePage):
    def __init__(self, store: AssessmentStore, parent: QWidget | None = None) -> None:
        super().__init__(store, parent)
        self.setObjectName("gatewayReadinessPage")
        self.headline = QLabel(self)
        self.headline.setObjectName("readinessHeadline")
        self.headline.setTextFormat(Qt.TextFormat.PlainText)
        font = self.headline.font()
        font.setBold(True)
        self.headline.setFont(font)
        intro = QLabel(
            self.tr(
                "What is still missing before the gateway: ready items that lack a reflection, "
                "a tag or a justification, KSBs and themes without evidence, off-the-job hours "
                "against the plan, progress reviews, and sign-off requests still unanswered."
            ),
            self,
        )
        intro.setWordWrap(True)
        self.checks = QTreeWidget(self)
        self.checks.setObjectName("readinessChecks")
        self.checks.setAccessibleName(self.tr("Gateway checks"))
        self.checks.setHeaderHidden(True)
        self.checks.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addWidget(intro)
        layout.addWidget(self.checks, 1)
        store.changed.connect(self.refresh)
        self.refresh()

    def read(self) -> None:
        self.show_report(self.store.readiness())

    def show_report(self, report: Readiness) -> None:
        missing = report.missing
        if missing == 0:
            self.headline.setText(self.tr("Nothing is missing for the gateway."))
        elif missing == 1:
            self.headline.setText(self.tr("1 check is not met yet."))
        else:
            self.headline.setText(self.tr("{n} checks are not met yet.").format(n=missing))
        self.checks.clear()
        for check in report.checks:
            mark = "✓" if check.ok else "✗"
            row = QTreeWidgetItem([f"{mark} {translated(check.note)}"])
            row.setData(0, Qt.ItemDataRole.UserRole, check.key)
            for line in check.detail_notes:
                row.addChild(QTreeWidgetItem([translated(line)]))
            self.checks.addTopLevelItem(row)
            row.setExpanded(not check.ok)
