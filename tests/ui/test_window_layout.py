"""The window opens as it was left: size, position, maximised, splitters; on a screen."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, QSize

from app.settings import (
    Settings,
    WindowLayout,
    load_settings,
    save_settings,
    user_settings_path,
)
from app.ui import window_layout
from app.ui.main_window import MainWindow
from app.ui.window_layout import CASCADE, DEFAULT_SIZE, FRAME, placement
from app.ui.windows import WindowManager

LAPTOP = QRect(0, 0, 1366, 768)
MONITOR = QRect(1366, 0, 2560, 1440)  # to the right of the laptop
DESK = QRect(0, 0, 1920, 1080)


@pytest.fixture(autouse=True)
def screens(monkeypatch: pytest.MonkeyPatch) -> list[QRect]:
    """The screens the window sees: one full-HD desk monitor unless a test plugs others in.

    (The offscreen platform has a single 800 x 800 screen, narrower than the window's
    minimum width, so a window could never be restored there at the size it was left.)
    """
    plugged = [DESK]

    def screen_areas() -> list[QRect]:
        return list(plugged)

    monkeypatch.setattr(window_layout, "screen_areas", screen_areas)
    return plugged


@pytest.fixture
def next_run(qtbot) -> Iterator[Callable[[Path], MainWindow]]:
    """Start the app again: a new window manager with the settings as saved."""
    managers: list[WindowManager] = []

    def start(path: Path) -> MainWindow:
        managers.append(WindowManager(load_settings()))
        window = managers[-1].open_path(path)
        assert window is not None
        qtbot.waitExposed(window)
        return window

    yield start
    for manager in managers:
        for window in list(manager.windows):
            window.close()


def resize(qtbot, window: MainWindow, width: int, height: int, x: int, y: int) -> None:
    window.resize(width, height)
    window.move(x, y)
    qtbot.waitUntil(lambda: window.size() == QSize(width, height))


def test_a_resized_window_opens_the_same_size_and_place_next_time(
    qtbot, next_run, window: MainWindow, filled_path: Path
) -> None:
    resize(qtbot, window, 1100, 760, 40, 30)
    window.evidence_page.splitter.setSizes([300, 780])
    split = window.evidence_page.splitter.sizes()
    place = window.pos()
    window.close()

    saved = load_settings().window_layout
    assert saved is not None
    assert (saved.x, saved.y, saved.width, saved.height) == (place.x(), place.y(), 1100, 760)
    assert saved.splitter("evidence") == tuple(split)

    again = next_run(filled_path)
    assert again.size() == QSize(1100, 760)
    assert again.pos() == place
    assert again.evidence_page.splitter.sizes() == split


def test_a_maximised_window_opens_maximised(
    qtbot, next_run, window: MainWindow, filled_path: Path
) -> None:
    resize(qtbot, window, 1000, 750, 10, 10)
    window.showMaximized()
    qtbot.waitUntil(window.isMaximized)
    window.close()
    saved = load_settings().window_layout
    assert saved is not None and saved.maximized
    assert (saved.width, saved.height) == (1000, 750)  # the size it returns to
    again = next_run(filled_path)
    assert again.isMaximized()


def test_a_position_on_a_screen_no_longer_there_opens_centred(
    next_run, filled_path: Path, screens: list[QRect]
) -> None:
    screens[:] = [LAPTOP, MONITOR]
    save_settings(Settings(window_layout=WindowLayout(x=2000, y=300, width=1000, height=740)))
    window = next_run(filled_path)
    assert window.pos() == QPoint(2000, 300)  # the monitor is there: left where it was
    window.close()

    screens[:] = [LAPTOP]  # the monitor unplugged
    window = next_run(filled_path)
    assert window.size() == QSize(1000, LAPTOP.height() - FRAME.height())  # frame on screen too
    centre = window.frameGeometry().center()
    assert abs(centre.x() - LAPTOP.center().x()) <= 4
    assert abs(centre.y() - LAPTOP.center().y()) <= 4


def test_a_window_larger_than_the_screen_is_made_to_fit(
    next_run, filled_path: Path, screens: list[QRect]
) -> None:
    screens[:] = [LAPTOP]
    save_settings(Settings(window_layout=WindowLayout(x=0, y=0, width=2500, height=1400)))
    window = next_run(filled_path)
    assert window.size() == LAPTOP.size() - FRAME  # its frame and title bar fit as well


def test_a_second_window_opens_beside_the_first(
    qtbot, manager: WindowManager, window: MainWindow, filled_path: Path, tmp_path: Path
) -> None:
    resize(qtbot, window, 1000, 750, 20, 20)
    other = tmp_path / "other.sqlite3"
    shutil.copyfile(filled_path, other)
    second = manager.open_path(other)
    assert second is not None and second is not window
    qtbot.waitExposed(second)
    assert second.size() == QSize(1000, 750)
    assert second.pos() == window.pos() + QPoint(CASCADE, CASCADE)


def test_opening_from_the_window_keeps_its_place(
    qtbot, manager: WindowManager, window: MainWindow, filled_path: Path, tmp_path: Path
) -> None:
    resize(qtbot, window, 1020, 770, 30, 50)
    place = window.pos()
    other = tmp_path / "other.sqlite3"
    shutil.copyfile(filled_path, other)
    window.openRequested.emit(str(other))  # File > Open: this window is replaced
    (replacement,) = manager.windows
    qtbot.waitExposed(replacement)
    assert replacement.size() == QSize(1020, 770) and replacement.pos() == place


def test_a_damaged_layout_opens_the_default_window(next_run, filled_path: Path) -> None:
    user_settings_path().parent.mkdir(parents=True, exist_ok=True)
    user_settings_path().write_text(
        '{"window_layout": {"x": "far", "y": 0, "width": 10, "height": 10}}', encoding="utf-8"
    )
    window = next_run(filled_path)
    assert window.size() == DEFAULT_SIZE
    assert window.frameGeometry().center().x() == pytest.approx(DESK.center().x(), abs=4)


# --- where a window goes, for screens tests cannot plug in -------------------------------------


def test_kept_where_it_was_while_that_screen_is_there() -> None:
    saved = QRect(1500, 100, 1600, 1000)
    assert placement(saved, [LAPTOP, MONITOR]) == saved


def test_centred_on_the_primary_screen_once_its_monitor_is_unplugged() -> None:
    saved = QRect(1500, 100, 1200, 700)
    rect = placement(saved, [LAPTOP])
    assert rect.size() == QSize(1200, 700)
    assert rect.center() == LAPTOP.center()


def test_shrunk_to_fit_a_smaller_screen() -> None:
    rect = placement(QRect(1400, 0, 2500, 1400), [LAPTOP])
    assert rect.size() == LAPTOP.size() - FRAME  # its frame and title bar fit too
    assert LAPTOP.contains(rect)


def test_a_title_bar_above_every_screen_counts_as_lost() -> None:
    rect = placement(QRect(100, -600, 800, 500), [LAPTOP])
    assert rect.center() == LAPTOP.center()


def test_hanging_off_an_edge_is_pulled_back_onto_the_screen() -> None:
    rect = placement(QRect(1000, 400, 800, 600), [LAPTOP])
    assert rect.size() == QSize(800, 600) and LAPTOP.contains(rect)


@pytest.mark.parametrize("left", [QRect(-1920, 0, 1920, 1080), QRect(0, -1080, 1920, 1080)])
def test_screens_left_of_or_above_the_primary_are_screens_too(left: QRect) -> None:
    saved = QRect(left.x() + 100, left.y() + 100, 800, 600)
    assert placement(saved, [LAPTOP, left]) == saved


def test_the_first_window_is_centred_at_the_default_size() -> None:
    rect = placement(None, [MONITOR])
    assert rect.size() == DEFAULT_SIZE and rect.center() == MONITOR.center()
    # a 1366 x 768 laptop (a task bar takes 40 px): the whole window, frame included, fits
    laptop = QRect(0, 0, 1366, 728)
    rect = placement(None, [laptop])
    assert rect.size() == QSize(1280, 728 - FRAME.height()) and laptop.contains(rect)


@pytest.mark.parametrize("screen", [QRect(0, 0, 910, 512), QRect(0, 0, 1024, 700)])
def test_at_150_percent_or_on_a_small_screen_the_window_stays_on_it(screen: QRect) -> None:
    # 1366 x 768 at 1.5x scale is a 910 x 512 screen to the app
    for saved in (None, QRect(0, 0, 1280, 820), QRect(300, 200, 1600, 1000)):
        rect = placement(saved, [screen])
        assert screen.contains(rect)
        assert rect.height() + FRAME.height() <= screen.height()


SCALED_LAPTOP = QRect(0, 0, 910, 512)  # a 1366 x 768 laptop at 150 %, as the app sees it


def test_left_on_a_big_monitor_it_reopens_on_a_laptop_at_150_percent_within_its_screen(
    qtbot, next_run, filled_path: Path, screens: list[QRect]
) -> None:
    first = next_run(filled_path)
    resize(qtbot, first, 1280, 820, 300, 200)
    first.close()
    screens[:] = [SCALED_LAPTOP]
    window = next_run(filled_path)
    # as large as that screen allows, its frame and title bar included, and no larger
    assert window.size() == SCALED_LAPTOP.size() - FRAME
    assert window.minimumSizeHint().height() <= window.height()  # nothing forced past it


def test_the_first_window_on_a_1366_by_768_laptop_fits_it_whole(
    next_run, filled_path: Path, screens: list[QRect]
) -> None:
    laptop = QRect(0, 0, 1366, 728)  # a task bar takes 40 px
    screens[:] = [laptop]
    window = next_run(filled_path)
    assert window.width() + FRAME.width() <= laptop.width()
    assert window.height() + FRAME.height() <= laptop.height()
    assert window.width() >= 1200  # and not needlessly small


def test_a_dialog_larger_than_its_screen_is_made_to_fit_it(qtbot, window: MainWindow) -> None:
    from PySide6.QtWidgets import QDialog

    from app.ui.window_layout import fit_dialog

    room = window.screen().availableGeometry().size() - FRAME
    dialog = QDialog(window)
    qtbot.addWidget(dialog)
    fit_dialog(dialog, room.width() + 500, room.height() + 300)  # as on a laptop at 150 %
    assert dialog.size() == room
    fit_dialog(dialog, 400, 300)  # where there is room, the size asked for
    assert dialog.size() == QSize(400, 300)


def test_the_off_the_job_plan_scrolls_rather_than_squeezing_its_fields(
    qtbot, window: MainWindow
) -> None:
    from PySide6.QtWidgets import QScrollArea

    from app.ui.progress.plan_dialog import PlanDialog

    qtbot.waitUntil(lambda: hasattr(window, "progress_pages"), timeout=30_000)
    dialog = PlanDialog(window.progress_pages.store, window)  # type: ignore[attr-defined]
    qtbot.addWidget(dialog)
    assert dialog.findChildren(QScrollArea)  # a short screen scrolls the form
    assert dialog.minimumSizeHint().height() < 300  # so the dialog fits a 512 px screen
