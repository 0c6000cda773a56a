"""The apprenticeship assessment in the app: coverage by the assessment plan's themes.

``install(window)`` (listed in ``app.ui.windows.EXTENSION_MODULES``) adds the
**Assessment** page when the portfolio's standard has an assessment plan; a standard
without one gets no page and works as before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from app.ui.assessment.store import AssessmentStore
from app.ui.assessment.themes_page import ThemesPage

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow


def _tr(text: str) -> str:
    return QCoreApplication.translate("Assessment", text)


def install(window: MainWindow) -> ThemesPage | None:
    store = AssessmentStore(window.document, parent=window)
    if store.plan() is None:
        return None
    page = ThemesPage(store, window)
    window.add_page(_tr("Assessment"), page)
    window.assessment_page = page  # type: ignore[attr-defined]
    return page
