"""The core runs without Qt: models, services and export never import PySide6."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def imported_modules(path: Path) -> list[str]:
    """Every module ``path`` imports, anywhere in it."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


def imported_on_load(path: Path) -> list[str]:
    """The modules importing ``path`` loads: its top-level imports, not those inside
    functions (made on first use) nor under ``if TYPE_CHECKING:``."""
    names = []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


def test_core_packages_never_import_qt() -> None:
    offenders = []
    for package in ("models", "services", "export"):
        for path in (ROOT / "app" / package).rglob("*.py"):
            offenders += [
                f"{path.relative_to(ROOT)}: {n}"
                for n in imported_modules(path)
                if n.split(".")[0] in {"PySide6", "shiboken6"} or n.startswith("app.ui")
            ]
    assert offenders == []


def test_the_read_side_never_imports_the_orm() -> None:
    # The desktop app draws its first window with these alone (SQLAlchemy follows later).
    orm = ("sqlalchemy", "alembic", "app.models.db", "app.models.orm")
    offenders = [
        f"{name}: {n}"
        for name in (
            # every step of opening an up-to-date file (app/models/opening.py)
            "models/opening.py",
            "models/files.py",
            "models/schema_guard.py",
            "models/lock.py",
            "models/revisions.py",
            "models/backup.py",
            "models/leftovers.py",
            "services/queries.py",
            "services/files_in.py",
        )
        for n in imported_on_load(ROOT / "app" / name)
        if n.startswith(orm)
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


# The desktop app reaches the database through one application-layer object: the open
# portfolio, app/ui/document.py (PortfolioDocument). Before a portfolio is open it goes
# through app/services/portfolio_files.py (Qt-free: test_core_packages_never_import_qt).
# docs/ARCHITECTURE.md states the rule.
APP_LAYER = ROOT / "app" / "ui" / "document.py"
# the file itself too: backups and checks go through the document or portfolio_files
DATABASE_MODULES = (
    "sqlalchemy",
    "alembic",
    "app.models",
    "app.services.backups",
    "app.services.integrity",
)
ALLOWED = ("app.models.outputs",)  # the rule for output paths: a name, not the database
DATABASE_NAMES = {"Database", "Session", "open_portfolio", "open_existing", "create_portfolio"}
DATABASE_ATTRIBUTES = {"db", "transaction", "reader"}


def database_uses(path: Path) -> list[str]:
    """What ``path`` imports or names of the database layer, each as "line: what"."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        found += [
            f"{node.lineno}: imports {n}"
            for n in names[:1]
            if n.startswith(DATABASE_MODULES) and not n.startswith(ALLOWED)
        ]
        named = [n for n in names if n.split(".")[-1] in DATABASE_NAMES]
        found += [f"{node.lineno}: imports {n}" for n in named]
        if isinstance(node, ast.Name) and node.id in DATABASE_NAMES:
            found.append(f"{node.lineno}: names {node.id}")
        if isinstance(node, ast.Attribute) and node.attr in DATABASE_ATTRIBUTES:
            found.append(f"{node.lineno}: uses .{node.attr}")
    return found


def test_the_ui_reaches_the_database_only_through_the_document() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{use}"
        for path in sorted((ROOT / "app" / "ui").rglob("*.py"))
        if path != APP_LAYER
        for use in database_uses(path)
    ]
    assert offenders == []


def test_the_rule_catches_a_page_opening_its_own_transaction(tmp_path: Path) -> None:
    page = tmp_path / "page.py"
    page.write_text(
        "from app.models.db import Database\n"
        "def save(document):\n"
        "    with document.db.transaction() as session:\n"
        "        pass\n",
        encoding="utf-8",
    )
    assert database_uses(page) == [
        "1: imports app.models.db",
        "1: imports app.models.db.Database",
        "3: uses .transaction",
        "3: uses .db",
    ]
    assert database_uses(APP_LAYER) != []  # the one module allowed
