"""Starting the app the way users do, and what happens to errors nobody expected."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from app.errors import PortfolioError
from app.models.db import open_portfolio
from app.services import queries

ROOT = Path(__file__).resolve().parents[2]

# Runs `portfolio --file X` and reports the first window shown on screen, then exits.
SHOW_AND_EXIT = r"""
import os, sys
from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QWindow
from app.ui.main import create_application

class Exposed(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Expose and isinstance(obj, QWindow) and obj.isExposed():
            print("shown:", obj.title(), flush=True)
            os._exit(0)
        return False

app = create_application()
spy = Exposed()
app.installEventFilter(spy)
from app.cli import main
sys.exit(main(sys.argv[1:]))
"""


def run_app(script: str, path: Path) -> subprocess.CompletedProcess[str]:
    """``script`` (which starts the app as ``portfolio --file PATH``) in a fresh process."""
    result = subprocess.run(
        [sys.executable, "-c", script, "--file", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result


def test_portfolio_with_no_command_opens_the_window(filled_path: Path) -> None:
    result = run_app(SHOW_AND_EXIT, filled_path)
    assert "shown: Ada Lovelace — filled.sqlite3 — Apprentice Portfolio" in result.stdout


# Records what the first exposed window shows, makes a change at once (the ORM is then
# still loading in the background), then waits for the warm-up to install the extensions
# and makes another.
FIRST_PAINT_THEN_CHANGE = r"""
import json, os, sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QWindow
from app.ui.main import create_application

seen = {}

def main_window():
    from app.ui.main_window import MainWindow
    return next(w for w in app.topLevelWidgets() if isinstance(w, MainWindow))

def after_warm_up():
    window = main_window()
    if not hasattr(window, "progress_pages"):
        QTimer.singleShot(20, after_warm_up)
        return
    seen["orm_after"] = "sqlalchemy" in sys.modules
    window.document.add_item("Added after the warm-up")
    seen["rows_after"] = window.evidence_page.model.rowCount()
    print(json.dumps(seen), flush=True)
    os._exit(0)

class Exposed(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Expose and isinstance(obj, QWindow) and obj.isExposed():
            if not seen:
                window = main_window()
                seen["orm_at_first_paint"] = "sqlalchemy" in sys.modules
                seen["rows"] = window.evidence_page.model.rowCount()
                seen["met"] = window.coverage_page.grid.data().met_count()
                # a change at once, while the warm-up is still importing the ORM
                window.document.add_item("Added at once")
                seen["rows_at_once"] = window.evidence_page.model.rowCount()
                QTimer.singleShot(0, after_warm_up)
        return False

app = create_application()
spy = Exposed()
app.installEventFilter(spy)
from app.cli import main
sys.exit(main(sys.argv[1:]))
"""


def remember_expected_schema() -> None:
    """What this version's first start (or any init or migration) leaves in the user's
    data folder: the schema the migrations make, so opening a file needs no Alembic."""
    from app.models.revisions import head_revision
    from app.models.schema_guard import expected_schema

    expected_schema.cache_clear()
    expected_schema(head_revision())


def test_the_first_window_is_drawn_before_the_orm_loads_and_works_after(
    filled_path: Path,
) -> None:
    # SQLAlchemy takes longer to import than drawing the whole window: the list and the
    # heatmap are read with plain SQL, and the ORM follows in the background.
    remember_expected_schema()
    result = run_app(FIRST_PAINT_THEN_CHANGE, filled_path)
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    db = open_portfolio(filled_path)
    with db.reader() as session:
        met = queries.compute_coverage(session).summary.met
    db.close()
    assert met > 0
    assert seen == {
        "orm_at_first_paint": False,
        "rows": 3,
        "met": met,
        "rows_at_once": 4,
        "orm_after": True,
        "rows_after": 5,
    }


def test_an_unexpected_error_is_one_plain_message_and_a_log(qtbot, monkeypatch) -> None:
    from app.config import user_data_dir
    from app.ui.errors import _excepthook

    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(
        QMessageBox, "critical", lambda parent, title, text, *a: shown.append(("critical", text))
    )
    monkeypatch.setattr(
        QMessageBox, "warning", lambda parent, title, text, *a: shown.append(("warning", text))
    )
    try:
        {}["missing"]
    except KeyError as exc:
        _excepthook(KeyError, exc, exc.__traceback__)
    try:
        raise PortfolioError("The portfolio is busy in another program; close it there.")
    except PortfolioError as exc:
        _excepthook(PortfolioError, exc, exc.__traceback__)
    (kind, text), (kind2, text2) = shown
    assert kind == "critical" and "Something unexpected went wrong (KeyError)" in text
    assert "Traceback" not in text
    log = user_data_dir() / "logs" / "errors.log"
    assert "KeyError: 'missing'" in log.read_text(encoding="utf-8")
    assert (kind2, text2) == (
        "warning",
        "The portfolio is busy in another program; close it there.",
    )


def test_the_quick_file_format_check_agrees_with_alembic() -> None:
    from alembic.script import ScriptDirectory

    from app.models import revisions

    expected = ScriptDirectory.from_config(revisions.alembic_config()).get_current_head()
    assert revisions.head_revision() == expected


def test_opening_an_up_to_date_portfolio_does_not_load_alembic(filled_path: Path) -> None:
    # Alembic costs ~0.2 s to import; the app opens a portfolio at every start.
    remember_expected_schema()
    code = (
        "import sys; from pathlib import Path; from app.models.db import open_portfolio; "
        f"d = open_portfolio(Path({str(filled_path)!r})); d.close(); "
        "assert 'alembic' not in sys.modules, 'alembic was imported'"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert result.returncode == 0, result.stderr


def test_opening_a_portfolio_does_not_load_review_mode(tmp_path: Path, filled_path: Path) -> None:
    from app.ui import windows
    from app.ui.review import PACKAGE_SUFFIX

    assert windows.PACKAGE_SUFFIX == PACKAGE_SUFFIX
    assert not windows.is_package(filled_path)
    assert windows.is_package(tmp_path / f"x{PACKAGE_SUFFIX}")
    zipped = tmp_path / "renamed.bin"
    zipped.write_bytes(b"PK\x03\x04rest")
    assert windows.is_package(zipped)


def test_with_no_display_the_app_says_so_in_one_sentence(tmp_path) -> None:
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}  # fmt: skip
    env["PYTHONPATH"] = str(root)
    done = subprocess.run(
        [sys.executable, "-m", "app", "--file", str(tmp_path / "p.sqlite3")],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "no display" in done.stderr
    assert "xcb" not in done.stderr and not (tmp_path / "p.sqlite3").exists()
