"""What the heatmap shows, checked without widgets against the portfolio's own data."""

from __future__ import annotations

from app.models.db import Database
from app.services import evidence, frameworks, queries
from app.services.coverage_scale import NOT_APPLICABLE, colour_for
from app.ui.heatmap_data import HeatmapData
from tests.ui.conftest import add_items


def heatmap(db: Database, key: str | None = None, target: int = 1) -> HeatmapData:
    with db.reader() as s:
        framework = queries.get_framework(s, key)
        report = queries.compute_coverage(s, key, target=target)
        portfolio_key = frameworks.portfolio_framework(s).key
    return HeatmapData(framework, report, portfolio_key)


def items_matching(db: Database, flt: evidence.ItemFilter) -> list[str]:
    with db.reader() as s:
        return [i.ref for i in queries.list_items(s, flt)]


def test_cells_count_ready_items_tagged_with_both(db: Database) -> None:
    add_items(db)
    data = heatmap(db)
    d5 = [g.code for g in data.rows].index("D5")
    k1 = [c.code for c in data.columns].index("K1")
    k11 = [c.code for c in data.columns].index("K11")
    d10 = [g.code for g in data.rows].index("D10")
    assert data.count(d5, k1) == 2
    assert data.count(d10, k11) == 0  # the only item is a draft: a gap, shown as 0
    assert data.totals[k1].count == 2


def test_unlinked_cells_are_not_applicable_and_drawn_as_such(db: Database) -> None:
    data = heatmap(db)
    d1 = 0
    k1 = [c.code for c in data.columns].index("K1")
    assert "K1" not in data.rows[d1].competency_codes
    assert data.count(d1, k1) is None
    cell = data.cell(d1, k1)
    assert (cell.count, cell.fill) == (None, NOT_APPLICABLE.fill)
    assert data.filter_for_cell(d1, k1) is None  # nothing to list


def test_colours_come_from_the_shared_scale(db: Database) -> None:
    add_items(db)
    data = heatmap(db, target=2)
    d5 = [g.code for g in data.rows].index("D5")
    k1 = [c.code for c in data.columns].index("K1")
    assert (data.cell(d5, k1).fill, data.cell(d5, k1).text_colour) == colour_for(2, 2)


def test_row_totals_are_covered_out_of_linked_cells(db: Database) -> None:
    add_items(db)
    data = heatmap(db)
    d5 = [g.code for g in data.rows].index("D5")
    covered, linked = data.row_total(d5)
    assert linked == len(data.rows[d5].links)
    assert covered == 2  # K1 (two items) and K7 (the Terraform item)


def test_clicking_a_cell_lists_exactly_the_items_it_counts(db: Database) -> None:
    add_items(db)
    data = heatmap(db)
    for row in range(len(data.rows)):
        for column in range(data.column_count):
            flt = data.filter_for_cell(row, column)
            if flt is not None:
                assert len(items_matching(db, flt)) == data.count(row, column)
    k1 = [c.code for c in data.columns].index("K1")
    assert items_matching(db, data.filter_for_column(k1)) == ["E001", "E002"]


def test_gaps_are_the_competencies_below_target(db: Database) -> None:
    add_items(db)
    gaps_at_1 = [c.code for c, _ in heatmap(db).gaps()]
    gaps_at_3 = [c.code for c, _ in heatmap(db, target=3).gaps()]
    assert "K1" not in gaps_at_1 and "K11" in gaps_at_1
    assert "K1" in gaps_at_3
    assert len(gaps_at_1) == 51 - 3  # K1, K7, S14 are met


def test_other_frameworks_filter_with_their_key(db: Database) -> None:
    with db.transaction() as s:
        item = evidence.add_item(s, title="Capacity plan", status="ready")
        evidence.tag(s, item.ref, "DDAT-DEVOPS:DS1", "Forecast the cluster's growth")
        evidence.tag(s, item.ref, "DDAT-DEVOPS:L2")
    data = heatmap(db, "DDAT-DEVOPS")
    ds1 = [c.code for c in data.columns].index("DS1")
    assert data.totals[ds1].count == 1
    assert items_matching(db, data.filter_for_column(ds1)) == [item.ref]


def test_a_framework_without_groups_still_has_its_totals_row(db: Database) -> None:
    data = heatmap(db, "TECIT50761")
    assert data.rows == () and data.row_count == 1
    assert data.column_count == 21 and data.count(data.totals_row, 0) == 0
