"""The main window's extensions (app/ui/windows.py EXTENSION_MODULES): an explicit list,
every module on it installs, and a failing one is a test failure, not a silent skip."""

from __future__ import annotations

import ast
import logging
import sys
import types
from pathlib import Path

import pytest
from PySide6.QtGui import QAction

from app.ui import windows

ROOT = Path(__file__).resolve().parents[2]


def test_every_listed_extension_imports_and_has_an_install_function() -> None:
    assert len(set(windows.EXTENSION_MODULES)) == len(windows.EXTENSION_MODULES)
    for name in windows.EXTENSION_MODULES:
        module = __import__(name, fromlist=["install"])
        assert callable(getattr(module, "install", None)), f"{name} has no install(window)"


def test_every_ui_module_with_an_install_function_is_listed() -> None:
    """A module written to extend the window but left off the list would never run."""
    found = set()
    for path in sorted((ROOT / "app" / "ui").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if any(isinstance(n, ast.FunctionDef) and n.name == "install" for n in tree.body):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found.add(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    assert found == set(windows.EXTENSION_MODULES)


def test_a_new_window_gets_every_extension(qtbot, manager, filled_path: Path) -> None:
    with qtbot.waitSignal(manager.extensions_installed, timeout=30_000) as blocker:
        window = manager.open_path(filled_path)
    assert blocker.args == [window]
    labels = [action.text() for action in window.findChildren(QAction)]
    assert "Export EPA Portfolio P&DF…" in labels  # from app.ui.export


def _opened(qtbot, manager, path: Path):
    """A window whose own extensions are in (so the broken one below meets only our call)."""
    with qtbot.waitSignal(manager.extensions_installed, timeout=30_000):
        window = manager.open_path(path)
    return window


def _broken_extension(monkeypatch: pytest.MonkeyPatch) -> None:
    module = types.ModuleType("app_test_broken_extension")

    def install(window: object) -> None:
        raise RuntimeError("this extension is broken")

    module.install = install  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setattr(windows, "EXTENSION_MODULES", (*windows.EXTENSION_MODULES, module.__name__))


def test_a_failing_extension_fails_in_strict_mode(
    qtbot, manager, filled_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = _opened(qtbot, manager, filled_path)
    _broken_extension(monkeypatch)
    with pytest.raises(RuntimeError, match="broken"):
        windows.install_extensions(window)


def test_a_user_keeps_a_window_when_an_extension_fails(
    qtbot, manager, filled_path: Path, monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    monkeypatch.delenv(windows.STRICT_EXTENSIONS_ENV)
    window = _opened(qtbot, manager, filled_path)
    _broken_extension(monkeypatch)
    with caplog.at_level(logging.ERROR, logger="app.ui.windows"):
        installed = windows.install_extensions(window)
    assert installed == list(windows.EXTENSION_MODULES[:-1])
    assert "app_test_broken_extension failed" in caplog.text
    assert window.isVisible()
