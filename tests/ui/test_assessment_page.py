"""The Assessment page: the heatmap by theme, gaps by theme, a theme's criteria."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.ui.assessment.themes_page import FIRST_KSB, THEME
from app.ui.main_window import MainWindow


def page_of(qtbot, window: MainWindow):
    qtbot.waitUntil(lambda: hasattr(window, "assessment_page"))
    window.show_page(window.assessment_page)  # a page reads when it comes into sight
    return window.assessment_page


def theme_row(page, name: str) -> int:
    model = page.model
    return next(r for r in range(model.rowCount()) if model.theme(r).name == name)


def test_the_page_shows_each_themes_ksbs_criteria_and_gaps(
    qtbot, qtmodeltester, window: MainWindow
) -> None:
    page = page_of(qtbot, window)
    qtmodeltester.check(page.model)
    assert "prevail" in page.prevail.text()
    model = page.model
    assert model.rowCount() == 16
    row = theme_row(page, "The CI-CD Pipeline")
    cells = [model.index(row, FIRST_KSB + n).data() for n in range(3)]
    assert cells == ["K1: 2", "K15: 0", "S15: 0"]  # K1 in E001 and E002 (both ready)
    zero = model.index(row, FIRST_KSB + 1).data(Qt.ItemDataRole.BackgroundRole).color()
    two = model.index(row, FIRST_KSB).data(Qt.ItemDataRole.BackgroundRole).color()
    assert zero != two  # gaps and evidence look different
    assert "K15 S15" in page.gaps.toPlainText()
    assert "PR3 The CI-CD Pipeline: K15 S15" in page.gaps.toPlainText()

    page.table.setCurrentIndex(model.index(row, THEME))
    details = page.details.toPlainText()
    assert "✓ PR3.P1 [Pass] Builds fully functioning, automated CI-CD pipeline" in details
    assert "✗ PR3.P4 [Pass] Explains pipeline capability" in details
    assert "Evidence items: E001, E002" in details


def test_tagging_an_item_updates_the_theme_heatmap(qtbot, window: MainWindow) -> None:
    page = page_of(qtbot, window)
    row = theme_row(page, "The CI-CD Pipeline")
    with qtbot.waitSignal(page.store.changed):
        window.document.tag("E001", "K15", "Explained the pipeline's stages")
    qtbot.waitUntil(lambda: page.model.index(row, FIRST_KSB + 1).data() == "K15: 1")
    assert "PR3 The CI-CD Pipeline: S15" in page.gaps.toPlainText()


def test_the_gateway_page_lists_what_is_missing_and_follows_changes(
    qtbot, window: MainWindow
) -> None:
    qtbot.waitUntil(lambda: hasattr(window, "readiness_page"))
    page = window.readiness_page
    window.show_page(page)
    checks = {
        page.checks.topLevelItem(n).data(0, Qt.ItemDataRole.UserRole): page.checks.topLevelItem(n)
        for n in range(page.checks.topLevelItemCount())
    }
    assert list(checks) == ["items", "ksbs", "themes", "project", "otj", "reviews", "signoffs"]
    items = checks["items"]
    assert items.text(0).startswith("✗ 2 ready items still lack something.")
    assert items.child(0).text(0) == "E001: Marked ready, but no justification for S14."
    assert "No off-the-job plan yet" in checks["otj"].text(0)
    assert page.headline.text() == "6 checks are not met yet."

    with qtbot.waitSignal(page.store.changed):
        window.document.tag("E001", "S14", "Wrote the tests first")
    qtbot.waitUntil(lambda: "1 ready item still lacks" in page.checks.topLevelItem(0).text(0))


def test_the_editor_warns_about_a_ready_item_that_lacks_something(
    qtbot, window: MainWindow
) -> None:
    editor = window.evidence_page.editor
    window.evidence_page.select_item(window.document.item_by_ref("E002").id)
    qtbot.waitUntil(lambda: editor.readiness_warning.isVisible())
    assert editor.readiness_warning.text() == "⚠ Marked ready, but no justification for K1, K7."
    window.evidence_page.select_item(window.document.item_by_ref("E003").id)  # a draft
    qtbot.waitUntil(lambda: not editor.readiness_warning.isVisible())
