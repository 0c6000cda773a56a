"""The evidence list model: lazy rows, SQL sorting and filtering, live updates."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.models.db import Database
from app.services import evidence
from app.services.evidence import ItemFilter
from app.ui.document import PortfolioDocument
from app.ui.evidence_model import (
    BLOCK_SIZE,
    COL_DATE,
    COL_FILES,
    COL_KSBS,
    COL_REF,
    COL_STATUS,
    COL_TITLE,
    ID_ROLE,
    SORT_ROLE,
    WARNING_ROLE,
    EvidenceModel,
)
from tests.ui.conftest import add_items


def many_items(db: Database, count: int) -> None:
    with db.transaction() as s:
        for n in range(count):
            evidence.add_item(
                s,
                title=f"Item {n:04d} {'kubernetes' if n % 10 == 0 else 'pipeline'}",
                date=f"2026-{n % 12 + 1:02d}-{n % 28 + 1:02d}",
                status="ready" if n % 3 else "draft",
                ksbs=["K1", "K7"][: n % 3],
            )


def column(model: EvidenceModel, col: int, role: int = Qt.ItemDataRole.DisplayRole) -> list:
    return [model.data(model.index(row, col), role) for row in range(model.rowCount())]


def test_model_passes_qtmodeltester(qtmodeltester, db: Database) -> None:
    add_items(db)
    model = EvidenceModel(PortfolioDocument(db))
    qtmodeltester.check(model, force_py=True)
    model.sort(COL_TITLE, Qt.SortOrder.DescendingOrder)
    model.set_filter(ItemFilter(status="ready"))
    qtmodeltester.check(model, force_py=True)


def test_rows_show_what_the_user_needs(db: Database) -> None:
    add_items(db)
    model = EvidenceModel(PortfolioDocument(db))
    assert model.rowCount() == 3 and model.columnCount() == 7
    first = [model.data(model.index(0, c)) for c in range(7)]
    # ready, but S14 is claimed without a justification: the status says so; nobody signed yet
    assert first == ["E001", "2026-01-12", "CI pipeline for the payments API", "Ready ⚠", 2, 0, ""]
    tip = model.data(model.index(0, COL_STATUS), Qt.ItemDataRole.ToolTipRole)
    assert tip == "Marked ready, but no justification for S14."
    assert model.data(model.index(1, COL_STATUS), WARNING_ROLE) != ""
    assert model.data(model.index(2, COL_STATUS)) == "Draft"
    assert model.data(model.index(2, COL_TITLE), Qt.ItemDataRole.FontRole).italic()
    assert model.headerData(COL_KSBS, Qt.Orientation.Horizontal) == "KSBs"
    assert "K1" in model.data(model.index(0, COL_KSBS), Qt.ItemDataRole.ToolTipRole)


def test_a_big_list_opens_without_reading_its_rows(db: Database) -> None:
    many_items(db, 3 * BLOCK_SIZE)
    model = EvidenceModel(PortfolioDocument(db))
    assert model.rowCount() == 3 * BLOCK_SIZE
    assert model.fetched_count() == 0  # only ids so far
    assert model.data(model.index(BLOCK_SIZE + 5, COL_REF)) == f"E{BLOCK_SIZE + 6:03d}"
    assert model.fetched_count() == BLOCK_SIZE  # one block, around the row asked for


def test_sorting_happens_in_the_database(db: Database) -> None:
    many_items(db, 40)
    model = EvidenceModel(PortfolioDocument(db))
    for col in (COL_DATE, COL_TITLE, COL_STATUS, COL_KSBS, COL_FILES):
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            model.sort(col, order)
            values = column(model, col, SORT_ROLE)
            assert values == sorted(values, reverse=order == Qt.SortOrder.DescendingOrder)
    model.sort(COL_REF, Qt.SortOrder.DescendingOrder)
    assert column(model, COL_REF)[:2] == ["E040", "E039"]


def test_sorting_keeps_the_current_item_selected(qtbot, db: Database) -> None:
    from PySide6.QtWidgets import QTableView

    many_items(db, 20)
    model = EvidenceModel(PortfolioDocument(db))
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.setCurrentIndex(model.index(4, COL_REF))
    chosen = model.data(model.index(4, COL_REF), ID_ROLE)
    model.sort(COL_TITLE, Qt.SortOrder.DescendingOrder)
    assert model.data(view.currentIndex(), ID_ROLE) == chosen
    assert view.currentIndex().row() != 4


def test_filters_and_search(db: Database) -> None:
    many_items(db, 30)
    model = EvidenceModel(PortfolioDocument(db))
    model.set_filter(ItemFilter(search="kubern"))
    assert column(model, COL_REF) == ["E001", "E011", "E021"]
    model.set_filter(ItemFilter(status="draft"))
    assert set(column(model, COL_STATUS)) == {"Draft"}
    model.set_filter(ItemFilter(ksb="K7", status="ready"))
    assert all(count == 2 for count in column(model, COL_KSBS))


def test_an_edited_item_updates_its_row_only(qtbot, db: Database) -> None:
    add_items(db)
    document = PortfolioDocument(db)
    model = EvidenceModel(document)
    model.data(model.index(0, COL_TITLE))
    with qtbot.waitSignal(model.dataChanged) as blocker:
        document.update_item("E002", title="Terraform modules for production")
    assert blocker.args[0].row() == 1
    assert model.data(model.index(1, COL_TITLE)) == "Terraform modules for production"
    with qtbot.waitSignal(model.modelReset):
        document.add_item("A new one")
    assert model.rowCount() == 4
