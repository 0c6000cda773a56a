"""The Coverage page's "Confirmed by employer" switch recounts the heatmap from the claims
the employer confirmed."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from app.export.signoff_files import import_response, make_request, open_request, parse_decisions
from app.export.signoff_files import write_response as respond
from app.models.db import open_portfolio
from app.schema.signoff import Person
from app.services import portfolio, signing
from app.ui.main_window import MainWindow


def cell_count(window: MainWindow, group: str, code: str) -> int | None:
    data = window.coverage_page.data()
    assert data is not None
    row = [g.code for g in data.rows].index(group)
    column = [c.code for c in data.columns].index(code)
    return data.count(row, column)


def employer_confirms_e001_k1(filled_path: Path, tmp_path: Path) -> None:
    """Acme Ltd's Sam Boss confirms E001's K1 (E002, also D5 × K1, stays unconfirmed)."""
    db = open_portfolio(filled_path)
    with db.transaction() as s:
        portfolio.update_details(s, employer="Acme Ltd")
    own = signing.load_or_create_key(tmp_path / "apprentice.pem")
    boss = signing.load_or_create_key(tmp_path / "boss.pem")
    request = tmp_path / "boss.request"
    make_request(db, ["E001"], Person(name="Sam Boss", organisation="Acme Ltd"), request, key=own)
    opened = open_request(request)
    response = tmp_path / "boss.response"
    respond(opened, parse_decisions(opened, ["E001:K1"]), opened.request.signer, response, key=boss)
    import_response(db, response)
    db.close()


def test_the_switch_counts_only_what_the_employer_confirmed(
    qtbot, manager, filled_path: Path, tmp_path: Path
) -> None:
    employer_confirms_e001_k1(filled_path, tmp_path)
    window = manager.open_path(filled_path)
    qtbot.waitExposed(window)
    page = window.coverage_page
    page.refresh()
    assert cell_count(window, "D5", "K1") == 2  # both ready items
    assert not page.employer_only.isChecked()
    page.employer_only.setChecked(True)
    qtbot.waitUntil(lambda: cell_count(window, "D5", "K1") == 1)
    assert cell_count(window, "D5", "K7") == 0  # E002's K7: nobody confirmed it
    assert page.summary.text().startswith("1 of 51 competencies meet the target")
    assert "the employer confirmed" in page.hint.text()
    page.employer_only.setChecked(False)
    qtbot.waitUntil(lambda: cell_count(window, "D5", "K1") == 2)
    assert "the employer confirmed" not in page.hint.text()


def refs_shown(window: MainWindow) -> list[str]:
    from app.ui.evidence_model import COL_REF

    model = window.evidence_page.model
    return [model.data(model.index(row, COL_REF)) for row in range(model.rowCount())]


def test_a_click_lists_only_the_items_the_employer_confirmed(
    qtbot, manager, filled_path: Path, tmp_path: Path
) -> None:
    employer_confirms_e001_k1(filled_path, tmp_path)
    window = manager.open_path(filled_path)
    qtbot.waitExposed(window)
    page = window.coverage_page
    window.pages.setCurrentWidget(page)
    page.refresh()
    grid = page.grid
    data = grid.data()
    d5 = [g.code for g in data.rows].index("D5")
    k1 = [c.code for c in data.columns].index("K1")

    grid.activate(d5, k1)  # switch off: both ready items
    qtbot.waitUntil(lambda: refs_shown(window) == ["E001", "E002"])

    window.pages.setCurrentWidget(page)
    page.employer_only.setChecked(True)
    qtbot.waitUntil(lambda: cell_count(window, "D5", "K1") == 1)
    grid.activate(d5, k1)  # the cell says 1: the list shows that one item
    qtbot.waitUntil(lambda: refs_shown(window) == ["E001"])
    assert window.pages.currentWidget() is window.evidence_page
    assert window.evidence_page.filter_bar.refs_label.text() == "Only E001"

    window.pages.setCurrentWidget(page)
    k7 = [c.code for c in data.columns].index("K7")
    qtbot.mouseClick(grid, Qt.MouseButton.LeftButton, pos=grid.header_rect(k7).center())
    qtbot.waitUntil(lambda: refs_shown(window) == [])  # nobody confirmed K7
    window.pages.setCurrentWidget(page)
    grid.activate(data.totals_row, k1)  # K1's total: 1
    qtbot.waitUntil(lambda: refs_shown(window) == ["E001"])
