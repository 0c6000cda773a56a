"""A portfolio whose file or folder cannot be written opens read-only, with the banner."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from app.models.db import make_engine
from app.services import queries


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_an_unwritable_portfolio_opens_read_only_with_the_banner(
    qtbot, manager, filled_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What os.access reports for a 0444 file or a 0555 folder (root passes every check,
    # so the permission itself is exercised in tests/test_crash_storage.py).
    monkeypatch.setattr("app.ui.windows.can_write", lambda _path: False)
    before = digest(filled_path)
    window = manager.open_path(filled_path)
    assert window is not None
    qtbot.waitExposed(window)
    assert window.document.read_only
    assert window.banner.isVisible() and window.banner.text().startswith(
        "This portfolio is read-only: its file or its folder cannot be written to."
    )
    assert "(read-only)" in window.windowTitle()
    assert not window.new_item_action.isEnabled()
    assert window.evidence_page.model.rowCount() == 3
    assert not filled_path.with_name(filled_path.name + "-lock").exists()
    window.close()
    assert digest(filled_path) == before


@pytest.mark.parametrize("mode", ["ro", "immutable"])
def test_the_orm_reads_a_read_only_file(filled_path: Path, mode: str) -> None:
    engine = make_engine(filled_path, mode=mode)
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA query_only").scalar() == 1
        from app.models.db import Database

        db = Database(path=filled_path, engine=engine)
        with db.reader() as session:
            assert len(queries.list_items(session)) == 3
    finally:
        engine.dispose()
    if mode == "immutable":  # read-only media: nothing may be made beside it
        assert sorted(p.name for p in filled_path.parent.iterdir()) == ["filled.sqlite3"]
