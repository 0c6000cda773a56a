"""The coverage heatmap: a painted grid of groups × competencies.

Linked cells are coloured on the shared colour-blind-safe scale
(``app.services.coverage_scale``, the same as the PDF) and always print their
number; cells the framework does not link are hatched and empty; the totals
row and column give each competency's count and each group's covered links.
Hover for the texts, click (or Enter) to filter the evidence list to exactly
the counted items; arrow keys move between cells.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QCoreApplication, QEvent, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFocusEvent,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from app.services.coverage_scale import NOT_APPLICABLE, legend
from app.ui.heatmap_data import HeatmapData
from app.ui.labels import kind_label

MARGIN = 6
TOTALS_GAP = 6


def _tr(text: str) -> str:
    return QCoreApplication.translate("Heatmap", text)


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def not_applicable_colours(palette: QPalette) -> tuple[QColor, QColor]:
    """(fill, hatch) for a not-applicable cell: the PDF's in light mode, muted in dark."""
    if is_dark(palette):
        return palette.color(QPalette.ColorRole.Base), palette.color(QPalette.ColorRole.Mid)
    return QColor(NOT_APPLICABLE.fill), QColor(NOT_APPLICABLE.hatch)


def _items(count: int) -> str:
    return _tr("1 item") if count == 1 else _tr("{n} items").format(n=count)


def describe(data: HeatmapData, row: int, column: int) -> str:
    """A plain description of a cell: tooltips, the details panel, screen readers."""
    competency = data.columns[column]
    count = data.count(row, column)
    ctext = f"{competency.name} — {competency.text}" if competency.name else competency.text
    if row == data.totals_row:
        total = data.totals[column]
        met = _tr("meets the target of {n}") if total.met else _tr("is below the target of {n}")
        drafts = _tr(", plus {d} in draft").format(d=total.drafts) if total.drafts else ""
        return (
            f"{competency.code}: {_items(total.count)}{drafts}; {met.format(n=data.target)}.\n"
            f"{competency.code}: {ctext}"
        )
    group = data.rows[row]
    if count is None:
        head = _tr("{group} × {code}: not applicable ({key} does not link them).").format(
            group=group.code, code=competency.code, key=data.framework.key
        )
    else:
        head = f"{group.code} × {competency.code}: {_items(count)}."
        level = next((x.level for x in group.links if x.competency == competency.code), None)
        if level:
            head += " " + _tr("Required level: {level}.").format(level=level)
    gtext = f"{group.name} — {group.text}" if group.name else group.text
    return f"{head}\n{group.code}: {gtext}\n{competency.code}: {ctext}"


def tooltip_html(text: str) -> str:
    """Escaped rich text, so Qt wraps a long description to a readable width."""
    first, *rest = text.split("\n")
    body = "".join(f"<p>{escape(line)}</p>" for line in rest)
    return f"<qt><p><b>{escape(first)}</b></p>{body}</qt>"


class HeatmapGrid(QWidget):
    cellActivated = Signal(int, int)  # row, column (row == totals row: the competency)
    columnActivated = Signal(int)
    currentChanged = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._data: HeatmapData | None = None
        self._current: tuple[int, int] = (0, 0)
        self._hover: tuple[int, int] | None = None
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setAccessibleName(_tr("Coverage heatmap"))
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self._layout_metrics()

    # --- data and geometry ----------------------------------------------------------------------

    def data(self) -> HeatmapData | None:
        return self._data

    def set_data(self, data: HeatmapData) -> None:
        same_shape = (
            self._data is not None
            and self._data.framework.key == data.framework.key
            and self._data.row_count == data.row_count
        )
        self._data = data
        if not same_shape:
            self._current = (0, 0)
            self._layout_metrics()
            self.updateGeometry()
            self.resize(self.sizeHint())
        self._announce()
        self.update()

    def _layout_metrics(self) -> None:
        fm = self.fontMetrics()
        # cells fit a two-digit number, so all 51 ST0825 columns fit a laptop screen
        self._cw = max(fm.horizontalAdvance("88") + 7, fm.height() + 4)
        self._ch = fm.height() + 8
        self._band = fm.height() + 6
        self._header_font = QFont(self.font())
        self._header_font.setPointSizeF(self.font().pointSizeF() * 0.85)
        header_fm = QFontMetrics(self._header_font)
        codes = [c.code for c in self._data.columns] if self._data is not None else ["K25"]
        widest = max(header_fm.horizontalAdvance(code) for code in codes)
        self._rotated = widest + 4 > self._cw  # long codes read bottom-to-top
        self._hh = widest + 10 if self._rotated else header_fm.height() + 8
        labels = [_tr("Total")]
        if self._data is not None:
            labels += [self._row_label(r) for r in range(len(self._data.rows))]
        self._rh = max(fm.horizontalAdvance(text) for text in labels) + 16
        self._tw = max(fm.horizontalAdvance("88/88"), fm.horizontalAdvance(_tr("Covered"))) + 6

    def _row_label(self, row: int) -> str:
        assert self._data is not None
        group = self._data.rows[row]
        if group.name:
            name = group.name if len(group.name) <= 18 else group.name[:17] + "…"
            return f"{group.code} {name}"
        return group.code

    def sizeHint(self) -> QSize:
        columns = self._data.column_count if self._data else 0
        rows = self._data.row_count if self._data else 1
        width = 2 * MARGIN + self._rh + columns * self._cw + TOTALS_GAP + self._tw
        height = 2 * MARGIN + self._band + self._hh + rows * self._ch + TOTALS_GAP
        return QSize(width, height)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def cell_rect(self, row: int, column: int) -> QRect:
        x = MARGIN + self._rh + column * self._cw
        y = MARGIN + self._band + self._hh + row * self._ch
        if self._data is not None and row == self._data.totals_row:
            y += TOTALS_GAP
        return QRect(x, y, self._cw, self._ch)

    def header_rect(self, column: int) -> QRect:
        return QRect(MARGIN + self._rh + column * self._cw, MARGIN + self._band, self._cw, self._hh)

    def hit(self, pos: QPoint) -> tuple[str, int, int] | None:
        """("cell", row, column), ("header", -1, column) or None."""
        data = self._data
        if data is None or data.column_count == 0:
            return None
        column = (pos.x() - MARGIN - self._rh) // self._cw
        if not 0 <= column < data.column_count or pos.x() < MARGIN + self._rh:
            return None
        if self.header_rect(column).contains(pos):
            return ("header", -1, column)
        for row in range(data.row_count):
            if self.cell_rect(row, column).contains(pos):
                return ("cell", row, column)
        return None

    # --- painting -------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        data = self._data
        painter = QPainter(self)
        palette = self.palette()
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Base))
        if data is None:
            return
        text_colour = palette.color(QPalette.ColorRole.Text)
        grid_pen = QPen(palette.color(QPalette.ColorRole.Mid))
        grid_pen.setWidthF(1.0)
        na_fill, na_hatch = not_applicable_colours(palette)
        bold = QFont(self.font())
        bold.setBold(True)
        clip = event.rect()

        # the kinds band: Knowledge / Skills / Behaviours over their columns
        painter.setPen(text_colour)
        painter.setFont(bold)
        for span in data.kind_spans:
            left = self.header_rect(span.first).left()
            right = self.header_rect(span.last).right()
            band = QRect(left, MARGIN, right - left + 1, self._band)
            label = painter.fontMetrics().elidedText(
                kind_label(span.kind), Qt.TextElideMode.ElideRight, band.width() - 4
            )
            painter.drawText(band, Qt.AlignmentFlag.AlignCenter, label)
        painter.setFont(self.font())

        # column headers, row headers and the totals column
        current_row, current_column = self._current
        highlight = palette.color(QPalette.ColorRole.Highlight)
        for column, competency in enumerate(data.columns):
            rect = self.header_rect(column)
            if column == current_column:
                painter.fillRect(rect.adjusted(1, 1, -1, -1), _alpha(highlight, 60))
            painter.setPen(text_colour)
            painter.setFont(self._header_font)
            font = painter.font()
            font.setBold(not data.totals[column].met)
            painter.setFont(font)
            if self._rotated:
                painter.save()
                painter.translate(rect.center().x(), rect.bottom() - 4)
                painter.rotate(-90)
                painter.drawText(
                    QRect(0, -self._cw // 2, rect.height() - 8, self._cw),
                    Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                    competency.code,
                )
                painter.restore()
            else:
                painter.drawText(
                    rect,
                    Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom,
                    competency.code,
                )
        painter.setFont(self.font())
        totals_x = MARGIN + self._rh + data.column_count * self._cw + TOTALS_GAP
        header_y = MARGIN + self._band
        painter.drawText(
            QRect(totals_x, header_y, self._tw, self._hh),
            Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom,
            _tr("Covered"),
        )
        for row in range(data.row_count):
            top = self.cell_rect(row, 0).top()
            label_rect = QRect(MARGIN, top, self._rh - 6, self._ch)
            if row == current_row:
                painter.fillRect(label_rect, _alpha(highlight, 60))
            painter.setPen(text_colour)
            if row == data.totals_row:
                painter.setFont(bold)
                painter.drawText(
                    label_rect.adjusted(4, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, _tr("Total")
                )
                painter.setFont(self.font())
                met = data.met_count()
                painter.drawText(
                    QRect(totals_x, top, self._tw, self._ch),
                    Qt.AlignmentFlag.AlignCenter,
                    f"{met}/{data.column_count}",
                )
            else:
                painter.drawText(
                    label_rect.adjusted(4, 0, 0, 0),
                    Qt.AlignmentFlag.AlignVCenter,
                    self._row_label(row),
                )
                covered, linked = data.row_total(row)
                painter.drawText(
                    QRect(totals_x, top, self._tw, self._ch),
                    Qt.AlignmentFlag.AlignCenter,
                    f"{covered}/{linked}",
                )

        # the cells: every cell starts hatched (not applicable); linked ones are painted over
        hatch = QBrush(na_hatch, Qt.BrushStyle.BDiagPattern)
        for top_row, bottom_row in ((0, data.row_count - 2), (data.totals_row, data.totals_row)):
            if bottom_row < top_row:
                continue
            block = self.cell_rect(top_row, 0).united(
                self.cell_rect(bottom_row, data.column_count - 1)
            )
            painter.fillRect(block, na_fill)
            painter.fillRect(block, hatch)
        colours: dict[str, QColor] = {}
        for row in range(data.row_count):
            for column in range(data.column_count):
                count = data.count(row, column)
                if count is None:
                    continue
                rect = self.cell_rect(row, column)
                if not rect.intersects(clip):
                    continue
                cell = data.cell(row, column)
                fill = colours.get(cell.fill) or colours.setdefault(cell.fill, QColor(cell.fill))
                ink = colours.get(cell.text_colour) or colours.setdefault(
                    cell.text_colour, QColor(cell.text_colour)
                )
                painter.fillRect(rect, fill)
                painter.setPen(ink)
                painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(count))
        # the grid lines, drawn once across each block
        painter.setPen(grid_pen)
        left = self.cell_rect(0, 0).left()
        right = self.cell_rect(0, data.column_count - 1).right() + 1
        for top_row, bottom_row in ((0, data.row_count - 2), (data.totals_row, data.totals_row)):
            if bottom_row < top_row:
                continue
            top = self.cell_rect(top_row, 0).top()
            bottom = self.cell_rect(bottom_row, 0).bottom() + 1
            for row in range(top_row, bottom_row + 2):
                y = top + (row - top_row) * self._ch
                painter.drawLine(left, y, right, y)
            for column in range(data.column_count + 1):
                x = left + column * self._cw
                painter.drawLine(x, top, x, bottom)

        # separators between kinds, and the current / hovered cell
        painter.setPen(QPen(text_colour, 2))
        bottom = self.cell_rect(data.totals_row, 0).bottom()
        for span in data.kind_spans[1:]:
            x = self.header_rect(span.first).left()
            painter.drawLine(x, MARGIN, x, bottom)
        if self._hover is not None:
            painter.setPen(QPen(text_colour, 1, Qt.PenStyle.DotLine))
            painter.drawRect(self.cell_rect(*self._hover).adjusted(1, 1, -2, -2))
        focus_pen = QPen(highlight if self.hasFocus() else text_colour, 3)
        painter.setPen(focus_pen)
        painter.drawRect(self.cell_rect(*self._current).adjusted(1, 1, -2, -2))
        painter.end()

    # --- interaction ----------------------------------------------------------------------------

    def current(self) -> tuple[int, int]:
        return self._current

    def set_current(self, row: int, column: int) -> None:
        data = self._data
        if data is None or data.column_count == 0:
            return
        row = max(0, min(row, data.row_count - 1))
        column = max(0, min(column, data.column_count - 1))
        if (row, column) != self._current:
            self._current = (row, column)
            self._announce()
            self.update()

    def _announce(self) -> None:
        data = self._data
        if data is None or data.column_count == 0:
            return
        row, column = self._current
        self.setAccessibleDescription(describe(data, row, column))
        self.currentChanged.emit(row, column)

    def activate(self, row: int, column: int) -> None:
        self.set_current(row, column)
        self.cellActivated.emit(row, column)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        row, column = self._current
        key = Qt.Key(event.key())
        moves: dict[Qt.Key, tuple[int, int]] = {
            Qt.Key.Key_Left: (row, column - 1),
            Qt.Key.Key_Right: (row, column + 1),
            Qt.Key.Key_Up: (row - 1, column),
            Qt.Key.Key_Down: (row + 1, column),
            Qt.Key.Key_Home: (row, 0),
            Qt.Key.Key_End: (row, 10_000),
        }
        if key in moves:
            self.set_current(*moves[key])
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.activate(row, column)
        else:
            super().keyPressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        found = self.hit(event.position().toPoint())
        if found is None:
            return
        kind, row, column = found
        if kind == "header":
            self.set_current(self._current[0], column)
            self.columnActivated.emit(column)
        else:
            self.activate(row, column)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        found = self.hit(event.position().toPoint())
        hover = (found[1], found[2]) if found and found[0] == "cell" else None
        clickable = found is not None and (
            found[0] == "header"
            or (self._data is not None and self._data.count(found[1], found[2]) is not None)
        )
        self.setCursor(
            Qt.CursorShape.PointingHandCursor if clickable else Qt.CursorShape.ArrowCursor
        )
        if hover != self._hover:
            self._hover = hover
            self.update()

    def leaveEvent(self, event: QEvent) -> None:
        self._hover = None
        self.update()

    def focusInEvent(self, event: QFocusEvent) -> None:
        self.update()
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self.update()
        super().focusOutEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            found = self.hit(event.pos())
            if found is None or self._data is None:
                QToolTip.hideText()
                event.ignore()
                return True
            kind, row, column = found
            if kind == "header":
                row = self._data.totals_row
                rect = self.header_rect(column)
            else:
                rect = self.cell_rect(row, column)
            QToolTip.showText(
                event.globalPos(), tooltip_html(describe(self._data, row, column)), self, rect
            )
            return True
        return super().event(event)


def _alpha(colour: QColor, alpha: int) -> QColor:
    result = QColor(colour)
    result.setAlpha(alpha)
    return result


class LegendWidget(QWidget):
    """The colour scale at the current target, plus the not-applicable pattern."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._target = 1
        self.setAccessibleName(_tr("Heatmap legend"))
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def set_target(self, target: int) -> None:
        self._target = target
        steps = ", ".join(label for label, _, _ in legend(target))
        self.setAccessibleDescription(
            _tr("Items per cell, lightest to darkest: {steps}; hatched: not applicable.").format(
                steps=steps
            )
        )
        self.updateGeometry()
        self.update()

    def _entries(self) -> list[tuple[str, str | None, str]]:
        entries: list[tuple[str, str | None, str]] = [
            (label, fill, text) for label, fill, text in legend(self._target)
        ]
        entries.append((_tr("not applicable"), None, ""))
        return entries

    def sizeHint(self) -> QSize:
        fm = self.fontMetrics()
        swatch = fm.height() + 8
        width = sum(swatch + fm.horizontalAdvance(label) + 16 for label, _, _ in self._entries())
        width += fm.horizontalAdvance(_tr("Items:")) + 8
        return QSize(width, swatch + 4)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        palette = self.palette()
        fm = self.fontMetrics()
        swatch = fm.height() + 8
        text_colour = palette.color(QPalette.ColorRole.WindowText)
        na_fill, na_hatch = not_applicable_colours(palette)
        x = 0
        painter.setPen(text_colour)
        label = _tr("Items:")
        painter.drawText(
            QRect(x, 2, fm.horizontalAdvance(label) + 4, swatch),
            Qt.AlignmentFlag.AlignVCenter,
            label,
        )
        x += fm.horizontalAdvance(label) + 8
        for text, fill, _ in self._entries():
            rect = QRect(x, 2, swatch, swatch)
            if fill is None:
                painter.fillRect(rect, na_fill)
                painter.fillRect(rect, QBrush(na_hatch, Qt.BrushStyle.BDiagPattern))
            else:
                painter.fillRect(rect, QColor(fill))
            painter.setPen(palette.color(QPalette.ColorRole.Mid))
            painter.drawRect(rect.adjusted(0, 0, -1, -1))
            painter.setPen(text_colour)
            width = fm.horizontalAdvance(text) + 8
            painter.drawText(
                QRect(x + swatch + 4, 2, width, swatch), Qt.AlignmentFlag.AlignVCenter, text
            )
            x += swatch + width + 8
        painter.end()
