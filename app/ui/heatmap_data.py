"""What the coverage heatmap shows, worked out without Qt (so it is tested without widgets).

Rows are the framework's groups (duties for a standard), columns its
competencies; a cell holds the number of ready items tagged with both, or is
not applicable when the framework does not link them. Below the rows, a
totals row gives each competency's own count (the number that meets the
target or not); beside them, each row's covered links out of its linked ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from app.services.coverage_scale import NOT_APPLICABLE, colour_for, level_for
from app.services.queries import ItemFilter
from app.services.views import (
    CompetencyCoverage,
    CompetencyView,
    CoverageReport,
    FrameworkView,
    GroupView,
)


@dataclass(frozen=True)
class KindSpan:
    kind: str
    first: int  # first column
    last: int  # last column (inclusive)


@dataclass(frozen=True)
class CellInfo:
    """One cell as drawn: ``count`` None means not applicable."""

    row: int
    column: int
    count: int | None
    fill: str
    text_colour: str
    level: int


class HeatmapData:
    """A framework's coverage laid out as a grid; ``row == len(rows)`` is the totals row."""

    def __init__(
        self, framework: FrameworkView, report: CoverageReport, portfolio_key: str
    ) -> None:
        self.framework = framework
        self.report = report
        self.portfolio_key = portfolio_key
        self.target = report.target
        self.columns: tuple[CompetencyView, ...] = framework.competencies
        self.rows: tuple[GroupView, ...] = framework.groups
        self._column_of = {c.code: i for i, c in enumerate(self.columns)}
        by_code = {c.code: c for c in report.competencies}
        self.totals: tuple[CompetencyCoverage, ...] = tuple(
            by_code.get(c.code, CompetencyCoverage(c.code, c.kind, 0, 0, False, ()))
            for c in self.columns
        )
        self._cells: dict[tuple[int, int], int] = {}
        group_row = {g.code: i for i, g in enumerate(self.rows)}
        for cell in report.cells:
            row = group_row.get(cell.group)
            column = self._column_of.get(cell.competency)
            if row is not None and column is not None:
                self._cells[(row, column)] = cell.count
        self.kind_spans = _kind_spans(self.columns)

    @property
    def totals_row(self) -> int:
        return len(self.rows)

    @property
    def row_count(self) -> int:
        """Group rows plus the totals row."""
        return len(self.rows) + 1

    @property
    def column_count(self) -> int:
        return len(self.columns)

    def count(self, row: int, column: int) -> int | None:
        """Items in the cell, or None when the framework does not link the pair."""
        if row == self.totals_row:
            return self.totals[column].count
        return self._cells.get((row, column))

    def cell(self, row: int, column: int) -> CellInfo:
        count = self.count(row, column)
        if count is None:
            return CellInfo(row, column, None, NOT_APPLICABLE.fill, NOT_APPLICABLE.hatch, -1)
        fill, text = _colour(count, self.target)
        return CellInfo(row, column, count, fill, text, level_for(count, self.target))

    def row_total(self, row: int) -> tuple[int, int]:
        """(covered, linked) cells of a group row."""
        counts = [c for (r, _), c in self._cells.items() if r == row]
        return sum(1 for c in counts if c > 0), len(counts)

    def max_count(self) -> int:
        """The largest number any cell prints (totals included)."""
        return max([0, *self._cells.values(), *(t.count for t in self.totals)])

    def met_count(self) -> int:
        return sum(1 for t in self.totals if t.met)

    def gaps(self) -> list[tuple[CompetencyView, CompetencyCoverage]]:
        """Competencies below the target, in framework order."""
        return [(c, t) for c, t in zip(self.columns, self.totals, strict=True) if not t.met]

    # --- what a click shows ---------------------------------------------------------------------

    def qualify(self, code: str) -> str:
        key = self.framework.key
        return code if key == self.portfolio_key else f"{key}:{code}"

    def filter_for_cell(self, row: int, column: int) -> ItemFilter | None:
        """Exactly the items the cell counts: ready, tagged with the group and the competency."""
        if row == self.totals_row:
            return self.filter_for_column(column)
        if self.count(row, column) is None:
            return None
        return ItemFilter(
            duty=self.qualify(self.rows[row].code),
            ksb=self.qualify(self.columns[column].code),
            status="ready",
        )

    def filter_for_column(self, column: int) -> ItemFilter:
        """Exactly the items a competency's total counts (ready ones)."""
        return ItemFilter(ksb=self.qualify(self.columns[column].code), status="ready")


@lru_cache(maxsize=512)
def _colour(count: int, target: int) -> tuple[str, str]:
    return colour_for(count, target)  # the contrast sums are worth doing once per value


def _kind_spans(columns: tuple[CompetencyView, ...]) -> tuple[KindSpan, ...]:
    spans: list[KindSpan] = []
    for index, competency in enumerate(columns):
        if spans and spans[-1].kind == competency.kind:
            spans[-1] = KindSpan(competency.kind, spans[-1].first, index)
        else:
            spans.append(KindSpan(competency.kind, index, index))
    return tuple(spans)
