"""The core runs without Qt: models, services and export never import PySide6."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_core_packages_never_import_qt() -> None:
    offenders = []
    for package in ("models", "services", "export"):
        for path in (ROOT / "app" / package).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                offenders += [
                    f"{path.relative_to(ROOT)}: {n}"
                    for n in names
                    if n.split(".")[0] in {"PySide6", "shiboken6"} or n.startswith("app.ui")
                ]
    assert offenders == []


def test_cli_commands_run_without_loading_qt(tmp_path: Path) -> None:
    code = (
        "import sys; from app.cli import main; "
        f"main(['--file', {str(tmp_path / 'p.sqlite3')!r}, 'init', '--name', 'A']); "
        f"main(['--file', {str(tmp_path / 'p.sqlite3')!r}, 'coverage']); "
        "assert 'PySide6' not in sys.modules, 'Qt was loaded'"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
