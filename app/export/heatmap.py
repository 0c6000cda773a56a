"""The coverage heatmap as vector graphics: competencies down, groups across.

Every linked cell is filled from the shared colour scale and prints its count;
cells the framework does not link are white, hatched and empty. Long
frameworks split across pages with the column headings repeated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from reportlab.lib.colors import HexColor
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from app.export.flowables import fit_text
from app.export.fonts import SANS, SANS_BOLD
from app.export.styles import INK, MUTED
from app.services.coverage_scale import NOT_APPLICABLE, colour_for, legend

ROW_HEIGHT = 10.5
MAX_COLUMN_WIDTH = 30.0
MIN_COLUMN_WIDTH = 15.0
LABEL_SIZE = 7.0
NUMBER_SIZE = 7.0


@dataclass(frozen=True)
class HeatRow:
    code: str
    label: str
    link: str | None = None  # bookmark of this competency's row in the matrix


def columns_per_chunk(label_width: float, avail_width: float) -> int:
    """How many group columns fit beside the row labels at the narrowest width."""
    return max(1, int((avail_width - label_width) // MIN_COLUMN_WIDTH))


def label_width_for(rows: Sequence[HeatRow], avail_width: float) -> float:
    widest = max((stringWidth(r.label, SANS_BOLD, LABEL_SIZE) for r in rows), default=20.0)
    return min(widest + 8, avail_width * 0.35)


class Heatmap(Flowable):
    def __init__(
        self,
        rows: Sequence[HeatRow],
        columns: Sequence[str],
        counts: Mapping[tuple[str, str], int],
        target: int,
        label_width: float,
    ) -> None:
        super().__init__()
        self.rows = list(rows)
        self.columns = list(columns)
        self.counts = counts  # (group, competency) -> count, linked cells only
        self.target = target
        self.label_width = label_width
        self.column_width = MIN_COLUMN_WIDTH
        self.header_height = 14.0
        self.rotated = False
        self.spaceAfter = 6

    def _measure(self, availWidth: float) -> None:
        room = (availWidth - self.label_width) / max(1, len(self.columns))
        self.column_width = max(MIN_COLUMN_WIDTH / 2, min(MAX_COLUMN_WIDTH, room))
        widest = max((stringWidth(c, SANS_BOLD, LABEL_SIZE) for c in self.columns), default=0)
        self.rotated = widest > self.column_width - 3
        self.header_height = min(widest, 70) + 8 if self.rotated else 14.0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self._measure(availWidth)
        self.width = self.label_width + self.column_width * len(self.columns)
        self.height = self.header_height + ROW_HEIGHT * len(self.rows)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        self._measure(availWidth)
        fits = int((availHeight - self.header_height) // ROW_HEIGHT)
        if fits < 3 or fits >= len(self.rows):
            return []
        return [
            Heatmap(part, self.columns, self.counts, self.target, self.label_width)
            for part in (self.rows[:fits], self.rows[fits:])
        ]

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        top = self.height - self.header_height
        self._draw_header(top)
        for index, row in enumerate(self.rows):
            y = top - (index + 1) * ROW_HEIGHT
            canvas.setFillColor(INK)
            canvas.setFont(SANS_BOLD, LABEL_SIZE)
            label = fit_text(row.label, SANS_BOLD, LABEL_SIZE, self.label_width - 6)
            canvas.drawString(2, y + 3, label)
            if row.link:
                canvas.linkRect("", row.link, (0, y, self.label_width, y + ROW_HEIGHT), relative=1)
            for column, group in enumerate(self.columns):
                x = self.label_width + column * self.column_width
                count = self.counts.get((group, row.code))
                if count is None:
                    self._draw_not_applicable(x, y)
                else:
                    self._draw_cell(x, y, count)
        canvas.restoreState()

    def _draw_header(self, top: float) -> None:
        canvas = self.canv
        canvas.setFont(SANS_BOLD, LABEL_SIZE)
        canvas.setFillColor(INK)
        for column, group in enumerate(self.columns):
            centre = self.label_width + (column + 0.5) * self.column_width
            if self.rotated:
                canvas.saveState()
                canvas.translate(centre + 2.5, top + 3)
                canvas.rotate(90)
                canvas.drawString(0, 0, fit_text(group, SANS_BOLD, LABEL_SIZE, 70))
                canvas.restoreState()
            else:
                canvas.drawCentredString(centre, top + 4, group)

    def _draw_cell(self, x: float, y: float, count: int) -> None:
        canvas = self.canv
        fill, text = colour_for(count, self.target)
        canvas.setFillColor(HexColor(fill))
        canvas.setStrokeColor(HexColor("#FFFFFF"))
        canvas.setLineWidth(0.8)
        canvas.rect(x, y, self.column_width, ROW_HEIGHT, stroke=1, fill=1)
        canvas.setFillColor(HexColor(text))
        canvas.setFont(SANS, NUMBER_SIZE)
        canvas.drawCentredString(x + self.column_width / 2, y + 2.8, str(count))

    def _draw_not_applicable(self, x: float, y: float) -> None:
        canvas = self.canv
        w, h = self.column_width, ROW_HEIGHT
        canvas.setFillColor(HexColor(NOT_APPLICABLE.fill))
        canvas.setStrokeColor(HexColor(NOT_APPLICABLE.border))
        canvas.setLineWidth(0.4)
        canvas.rect(x, y, w, h, stroke=1, fill=1)
        canvas.setStrokeColor(HexColor(NOT_APPLICABLE.hatch))
        canvas.setLineWidth(0.5)
        canvas.line(x + 2, y + 2, x + w - 2, y + h - 2)


class HeatmapLegend(Flowable):
    """The scale's steps at this target, plus the not-applicable swatch."""

    SWATCH = 26.0
    HEIGHT = 24.0

    def __init__(self, target: int, group_label: str) -> None:
        super().__init__()
        self.target = target
        self.group_label = group_label
        self.spaceBefore = 4
        self.spaceAfter = 10

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        self.height = self.HEIGHT
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setFont(SANS, 7.5)
        canvas.setFillColor(MUTED)
        caption = "Evidence items per cell:"
        canvas.drawString(0, 8, caption)
        x = stringWidth(caption, SANS, 7.5) + 6
        for label, fill, text in legend(self.target):
            canvas.setFillColor(HexColor(fill))
            canvas.setStrokeColor(HexColor("#FFFFFF"))
            canvas.rect(x, 4, self.SWATCH, ROW_HEIGHT, stroke=0, fill=1)
            canvas.setFillColor(HexColor(text))
            canvas.setFont(SANS, NUMBER_SIZE)
            canvas.drawCentredString(x + self.SWATCH / 2, 7, label)
            x += self.SWATCH + 2
        x += 10
        canvas.setFillColor(HexColor(NOT_APPLICABLE.fill))
        canvas.setStrokeColor(HexColor(NOT_APPLICABLE.border))
        canvas.setLineWidth(0.4)
        canvas.rect(x, 4, self.SWATCH, ROW_HEIGHT, stroke=1, fill=1)
        canvas.setStrokeColor(HexColor(NOT_APPLICABLE.hatch))
        canvas.line(x + 2, 6, x + self.SWATCH - 2, 4 + ROW_HEIGHT - 2)
        canvas.setFillColor(MUTED)
        canvas.setFont(SANS, 7.5)
        canvas.drawString(
            x + self.SWATCH + 4,
            7,
            fit_text(
                f"not linked to the {self.group_label.lower()} by the standard",
                SANS,
                7.5,
                self.width - x - self.SWATCH - 4,
            ),
        )
        canvas.restoreState()
