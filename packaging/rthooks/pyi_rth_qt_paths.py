"""Run-time hook replacing PyInstaller's pyi_rth_pyside6 (see packaging/portfolio.spec).

PyInstaller's hook points Qt at the bundle's plugins and then imports PySide6.QtCore,
at every start, only to check that a qt.conf is registered: loading QtCore and ICU
costs about 0.1 s of CPU before any command runs, and the command line never uses Qt.
PySide6 registers its own qt.conf (its Qt folder as the prefix) when QtCore is first
imported, so the import can wait for the desktop app. This sets the same paths the
original sets for a one-folder bundle (Linux, Windows, and macOS outside an .app;
the .app build keeps PyInstaller's hook).
"""

import os
import sys


def _qt_paths() -> None:
    base = sys._MEIPASS  # type: ignore[attr-defined]  # set by PyInstaller's bootloader
    qt = (
        os.path.join(base, "PySide6")
        if sys.platform.startswith("win")
        else os.path.join(base, "PySide6", "Qt")
    )
    os.environ["QT_PLUGIN_PATH"] = os.path.join(qt, "plugins")
    os.environ["QML2_IMPORT_PATH"] = os.path.join(qt, "qml")
    if sys.platform.startswith("win"):  # as the original: DLLs beside the program are found
        os.environ["PATH"] = base + os.pathsep + os.environ.get("PATH", "")


_qt_paths()
del _qt_paths
