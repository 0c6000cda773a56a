"""The evidence × KSB grid drawn directly: one row per item, one column per competency.

A reportlab Table of 300 × 27 cells costs more than all the evidence pages; this
draws the same ruled grid with plain vector strokes and text, splits between
rows and repeats the column headings on every page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.platypus import Flowable

from app.export.flowables import fit_text
from app.export.fonts import SANS, SANS_BOLD, SANS_ITALIC
from app.export.styles import INK, LINK, RULE, SHADE

ROW = 11.0
HEADER = 13.0
REF_WIDTH = 36.0
MAX_COLUMN = 30.0


@dataclass(frozen=True)
class GridRow:
    ref: str
    link: str  # bookmark of the item
    draft: bool
    marks: tuple[str, ...]  # one per column: "" or a mark


class ClaimGrid(Flowable):
    def __init__(
        self,
        columns: Sequence[str],
        rows: Sequence[GridRow],
        totals: Sequence[int] | None,
    ) -> None:
        super().__init__()
        self.columns = list(columns)
        self.rows = list(rows)
        self.totals = list(totals) if totals is not None else None
        self.column = MAX_COLUMN
        self.spaceBefore, self.spaceAfter = 4, 12

    def _height(self, rows: int, totals: bool) -> float:
        return HEADER + ROW * (rows + (1 if totals else 0))

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.column = min(MAX_COLUMN, (availWidth - REF_WIDTH) / max(1, len(self.columns)))
        self.width = REF_WIDTH + self.column * len(self.columns)
        self.height = self._height(len(self.rows), self.totals is not None)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        fits = int((availHeight - HEADER) // ROW)
        if fits < 3 or fits >= len(self.rows) + (1 if self.totals is not None else 0):
            return []
        fits = min(fits, len(self.rows) - 1)
        head = ClaimGrid(self.columns, self.rows[:fits], None)
        tail = ClaimGrid(self.columns, self.rows[fits:], self.totals)
        head.spaceAfter, tail.spaceBefore = 0, 0
        return [head, tail]

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        top = self.height
        canvas.setFillColor(SHADE)
        canvas.rect(0, top - HEADER, self.width, HEADER, stroke=0, fill=1)
        if self.totals is not None:
            canvas.rect(0, 0, self.width, ROW, stroke=0, fill=1)
        canvas.setFillColor(INK)
        canvas.setFont(SANS_BOLD, 7)
        canvas.drawString(3, top - HEADER + 4, "Ref")
        canvas.setFont(SANS_BOLD, 6)
        for n, code in enumerate(self.columns):
            centre = REF_WIDTH + (n + 0.5) * self.column
            label = fit_text(code, SANS_BOLD, 6, self.column - 2)
            canvas.drawCentredString(centre, top - HEADER + 4, label)
        y = top - HEADER
        for row in self.rows:
            y -= ROW
            font = SANS_ITALIC if row.draft else SANS
            canvas.setFont(font, 7)
            canvas.setFillColor(LINK)
            label = fit_text(row.ref, font, 7, REF_WIDTH - 4)
            canvas.drawString(3, y + 3, label)
            canvas.linkRect("", row.link, (0, y, REF_WIDTH, y + ROW), relative=1)
            canvas.setFillColor(INK)
            canvas.setFont(SANS, 7)
            for n, mark in enumerate(row.marks):
                if mark:
                    canvas.drawCentredString(REF_WIDTH + (n + 0.5) * self.column, y + 3, mark)
        if self.totals is not None:
            canvas.setFont(SANS_BOLD, 7)
            canvas.drawString(3, 3, "Items")
            canvas.setFont(SANS, 7)
            for n, total in enumerate(self.totals):
                canvas.drawCentredString(REF_WIDTH + (n + 0.5) * self.column, 3, str(total))
        self._rules(top)
        canvas.restoreState()

    def _rules(self, top: float) -> None:
        canvas = self.canv
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.3)
        path = canvas.beginPath()
        lines = len(self.rows) + (1 if self.totals is not None else 0)
        for n in range(lines + 1):
            y = n * ROW
            path.moveTo(0, y)
            path.lineTo(self.width, y)
        path.moveTo(0, top)
        path.lineTo(self.width, top)
        for x in [0.0, REF_WIDTH] + [
            REF_WIDTH + (n + 1) * self.column for n in range(len(self.columns))
        ]:
            path.moveTo(x, 0)
            path.lineTo(x, top)
        canvas.drawPath(path, stroke=1, fill=0)
