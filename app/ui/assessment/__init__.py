"""The apprenticeship assessment in the app: coverage by the assessment plan's themes and
the gateway readiness checks.

``install(window)`` (listed in ``app.ui.windows.EXTENSION_MODULES``) adds the
**Gateway** readiness page, and the **Themes** page when the portfolio's standard has an
assessment plan (a standard without one gets no such page and works as before). It is
not called "Assessment": review mode's judgement page has that name, and an assessor
would see two tabs of one name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from app.ui.assessment.discussion_page import DiscussionPage
from app.ui.assessment.project_page import ProjectPage
from app.ui.assessment.readiness_page import ReadinessPage
from app.ui.assessment.store import AssessmentStore
from app.ui.assessment.themes_page import ThemesPage

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow


def _tr(text: str) -> str:
    return QCoreApplication.translate("Assessment", text)


def install(window: MainWindow) -> None:
    store = AssessmentStore(window.document, parent=window)
    progress = getattr(window, "progress_pages", None)  # installed before us
    if progress is not None:
        store.follow(progress.store.changed)
    if store.plan() is not None:
        page = ThemesPage(store, window)
        window.add_page(_tr("Themes"), page)
        window.assessment_page = page  # type: ignore[attr-defined]
        project = ProjectPage(store, window, window)
        window.add_page(_tr("Project"), project)
        window.project_page = project  # type: ignore[attr-defined]
        prep = DiscussionPage(store, window, window)
        window.add_page(_tr("Discussion"), prep)
        window.discussion_page = prep  # type: ignore[attr-defined]
    readiness = ReadinessPage(store, window)
    window.add_page(_tr("Gateway"), readiness)
    window.readiness_page = readiness  # type: ignore[attr-defined]
