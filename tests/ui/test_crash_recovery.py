"""Nothing typed is lost if the app is killed: the draft brings it back on the next open."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PySide6.QtWidgets import QMessageBox

ROOT = Path(__file__).resolve().parents[2]

# Types into the reflection and dies (SIGKILL) the moment the crash-safe draft is written,
# long before the autosave would have run.
TYPE_AND_DIE = r"""
import os, signal, sys
from pathlib import Path
from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtTest import QTest
import app.ui.editor as editor_module
editor_module.AUTOSAVE_DELAY_MS = editor_module.AUTOSAVE_MAX_WAIT_MS = 600_000
from app.settings import Settings
from app.ui.main import create_application
from app.ui.windows import WindowManager
from app.ui.main_window import drafts_folder
from app.ui.drafts import DraftStore

save_draft = DraftStore.save


def save_then_die(store, draft):  # killed the moment the draft is on disk
    save_draft(store, draft)
    if list(drafts_folder().glob("*.json")):
        os.kill(os.getpid(), signal.SIGKILL)


DraftStore.save = save_then_die
app = create_application()
window = WindowManager(Settings()).open_path(Path(sys.argv[1]))
page = window.evidence_page
page.select_item(window.document.item_by_ref("E002").id)
QTest.keyClicks(page.editor.body, sys.argv[2])
QTimer.singleShot(60_000, lambda: (print("no draft was written", file=sys.stderr), os._exit(3)))
app.exec()
"""


def test_text_typed_just_before_a_kill_is_recovered(
    qtbot, monkeypatch, manager, filled_path
) -> None:
    typed = "Paired with Priya on the Helm chart. "
    result = subprocess.run(
        [sys.executable, "-c", TYPE_AND_DIE, str(filled_path), typed],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert result.returncode == -9, result.stderr  # killed, as planned
    monkeypatch.setattr(QMessageBox, "open", lambda self: None)
    window = manager.open_path(filled_path)
    assert window.recovered_refs == ["E002"]
    assert window.document.item_by_ref("E002").body.startswith(typed)
    from app.ui.main_window import drafts_folder

    assert list(drafts_folder().glob("*.json")) == []
