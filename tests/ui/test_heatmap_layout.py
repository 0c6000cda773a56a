"""The heatmap fits the window: at 1024×700 every column is in view without scrolling sideways,
and a met competency reads as achieved (marked in the scale's "met" colour), light or dark."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor, QPalette

from app.services.coverage_scale import SCALE
from app.ui.heatmap import DARK_EMPTY_FILL, met_fill
from app.ui.main_window import MainWindow


def show_coverage(qtbot, window: MainWindow, width: int, height: int) -> None:
    window.resize(width, height)
    window.pages.setCurrentWidget(window.coverage_page)
    page = window.coverage_page
    qtbot.waitUntil(lambda: page.grid.data() is not None and page.scroll_area.isVisible())
    qtbot.waitUntil(lambda: page.grid.width() == page.scroll_area.viewport().width())


@pytest.mark.parametrize("size", [(1024, 700), (1366, 768)])
def test_every_column_is_in_view_without_a_sideways_scrollbar(
    qtbot, window: MainWindow, size: tuple[int, int]
) -> None:
    show_coverage(qtbot, window, *size)
    page = window.coverage_page
    grid, viewport = page.grid, page.scroll_area.viewport()
    data = grid.data()
    assert data is not None and data.column_count == 51  # ST0825: K1..B4
    assert grid.content_width() <= viewport.width()
    assert not page.scroll_area.horizontalScrollBar().isVisible()
    assert page.scroll_area.horizontalScrollBar().maximum() == 0
    for column in range(data.column_count):  # K1 … B4, Behaviours included
        header = grid.header_rect(column)
        right = grid.mapTo(viewport, QPoint(header.right(), header.top()))
        assert 0 <= right.x() < viewport.width(), data.columns[column].code
    # the Covered column is in view too
    covered = grid.mapTo(viewport, QPoint(grid.content_width() - 1, 0))
    assert covered.x() < viewport.width()
    # and every row, Total included, while the Gaps list keeps two lines at least
    qtbot.waitUntil(lambda: page.scroll_area.verticalScrollBar().maximum() == 0)
    assert page.gaps.viewport().height() >= 2 * page.gaps.fontMetrics().lineSpacing()


def test_cells_narrow_to_fit_and_come_back_when_the_window_widens(
    qtbot, window: MainWindow
) -> None:
    show_coverage(qtbot, window, 1024, 700)
    grid = window.coverage_page.grid
    narrow = grid.cell_rect(0, 0).width()
    show_coverage(qtbot, window, 1600, 900)
    qtbot.waitUntil(lambda: grid.cell_rect(0, 0).width() > narrow)
    assert grid.content_width() == grid.sizeHint().width()  # the natural size, no wider


def pixel(grid, x: int, y: int) -> QColor:
    return grid.grab().toImage().pixelColor(x, y)


def close(a: QColor, b: QColor) -> bool:
    return max(abs(a.red() - b.red()), abs(a.green() - b.green()), abs(a.blue() - b.blue())) < 12


@pytest.mark.parametrize("appearance", ["light", "dark"])
def test_a_met_competency_is_marked_in_the_met_colour(
    qtbot, window: MainWindow, appearance: str
) -> None:
    from app.ui.theme import set_appearance

    try:
        set_appearance(appearance)
        show_coverage(qtbot, window, 1366, 768)
        grid = window.coverage_page.grid
        data = grid.data()
        codes = [c.code for c in data.columns]
        k1, k2 = codes.index("K1"), codes.index("K2")
        assert data.totals[k1].met and not data.totals[k2].met  # K1: two ready items
        marks = {}
        for column in (k1, k2):
            header = grid.header_rect(column)
            marks[column] = pixel(grid, header.center().x(), header.bottom() - 1)
        assert close(marks[k1], QColor(met_fill()))
        assert not close(marks[k2], QColor(met_fill()))
        # and a tint of it behind the code: the met code reads as done, not greyed out
        base = grid.palette().color(QPalette.ColorRole.Base)
        k7 = codes.index("K7")  # met too (E002), and not the current column
        assert data.totals[k7].met and grid.current()[1] not in (k7, k2)
        behind = {}
        for column in (k7, k2):
            header = grid.header_rect(column)
            behind[column] = pixel(grid, header.left() + 2, header.top() + 3)
        assert not close(behind[k7], base) and behind[k7].green() >= behind[k7].red()
        assert close(behind[k2], base)
        # the met total is painted in a strong colour; an empty cell never outshines it
        rows = [g.code for g in data.rows]
        total = grid.cell_rect(data.totals_row, k1)
        met_cell = pixel(grid, total.left() + 2, total.top() + 2)
        assert close(met_cell, QColor(data.cell(data.totals_row, k1).fill))  # two items
        empty = grid.cell_rect(rows.index("D5"), codes.index("K2"))
        empty_cell = pixel(grid, empty.left() + 2, empty.top() + 2)
        if appearance == "dark":
            assert close(empty_cell, QColor(DARK_EMPTY_FILL))
            assert (
                met_cell.lightness() - base.lightness() > empty_cell.lightness() - base.lightness()
            )
        else:
            assert close(empty_cell, QColor(SCALE[0]))
    finally:
        set_appearance("light")
