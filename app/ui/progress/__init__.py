"""Skills scans, the progress tracker, the off-the-job log and progress reviews.

``install(window)`` (called for every main window, see ``app.ui.windows``) adds
the Progress, Off-the-job and Reviews pages, and the overdue-review notice
above the pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QVBoxLayout

from app.ui.main_window import MainWindow
from app.ui.progress.notice import ReviewNotice
from app.ui.progress.otj_page import OtjPage
from app.ui.progress.reviews_page import ReviewsPage
from app.ui.progress.skills_page import SkillsPage
from app.ui.progress.store import ProgressStore


@dataclass
class ProgressPages:
    store: ProgressStore
    skills: SkillsPage
    otj: OtjPage
    reviews: ReviewsPage
    notice: ReviewNotice


def _tr(text: str) -> str:
    return QCoreApplication.translate("Progress", text)


def install(window: MainWindow) -> ProgressPages:
    store = ProgressStore(window.document, parent=window)
    pages = ProgressPages(
        store=store,
        skills=SkillsPage(store, window),
        otj=OtjPage(store, window),
        reviews=ReviewsPage(store, window),
        notice=ReviewNotice(store, window),
    )
    window.progress_pages = pages  # type: ignore[attr-defined]
    if window.document.read_only and store.snapshot().empty:
        # An assessor's copy carries no programme records: three empty pages addressed to
        # the apprentice ("Set your off-the-job plan…") would only puzzle the assessor.
        for widget in (pages.skills, pages.otj, pages.reviews, pages.notice):
            widget.hide()
        return pages
    window.add_page(_tr("Progress"), pages.skills)
    window.add_page(_tr("Off-the-job"), pages.otj)
    window.add_page(_tr("Reviews"), pages.reviews)
    pages.notice.openReviews.connect(lambda: _open_reviews(window, pages))
    # The notice goes above the pages, under the window's own banner, so it shows on the
    # home screen and stays in sight whichever page is open.
    central = window.centralWidget()
    layout = central.layout() if central is not None else None
    if isinstance(layout, QVBoxLayout):
        layout.insertWidget(min(1, layout.count()), pages.notice)
    # on the Reviews page the page itself says it; elsewhere the notice does
    window.pages.currentChanged.connect(lambda _index: _place_notice(window, pages))
    _place_notice(window, pages)
    return pages


def _place_notice(window: MainWindow, pages: ProgressPages) -> None:
    pages.notice.set_suppressed(window.pages.currentWidget() is pages.reviews)


def _open_reviews(window: MainWindow, pages: ProgressPages) -> None:
    window.show_page(pages.reviews)
    pages.reviews.record_review()
