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
    QResizeEvent,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from app.services.coverage_scale import NOT_APPLICABLE, SCALE, legend
from app.ui.heatmap_data import HeatmapData
from app.ui.labels import kind_label
from app.ui.notice_label import is_dark

MARGIN = 6
TOTALS_GAP = 6


def _tr(text: str) -> str:
    return QCoreApplication.translate("Heatmap", text)


def not_applicable_colours(palette: QPalette) -> tuple[QColor, QColor]:
    """(fill, hatch) for a not-applicable cell: the PDF's in light mode, muted in dark."""
    if is_dark(palette):
        return palette.color(QPalette.ColorRole.Base), palette.color(QPalette.ColorRole.Mid)
    return QColor(NOT_APPLICABLE.fill), QColor(NOT_APPLICABLE.hatch)


# In dark mode an empty (0) cell is a muted cream with light text: the pale cream of the light
# scale glows brighter than the cells with evidence, so evidence would read as the quieter state.
DARK_EMPTY_FILL = "#4F4A36"
DARK_EMPTY_TEXT = "#F4ECCF"


def met_fill() -> str:
    """The scale's "target met" colour, which marks a met competency's code."""
    return SCALE[2]


def themed_cell(fill: str, text: str, dark: bool) -> tuple[str, str]:
    """(fill, text) of a linked cell as drawn in this appearance."""
    if dark and fill == SCALE[0]:
        return DARK_EMPTY_FILL, DARK_EMPTY_TEXT
    return fill, text


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
        # smaller than its natural size down to a legible minimum (cells shrink to fit)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self._full_labels = True
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
        # a count gaining a digit needs wider cells (the cursor stays where it is)
        same_digits = self._data is not None and len(str(self._data.max_count())) == len(
            str(data.max_count())
        )
        self._data = data
        if not same_shape:
            self._current = (0, 0)
        if not (same_shape and same_digits):
            self._layout_metrics()
            self.updateGeometry()
        self._announce()
        self.update()

    def _layout_metrics(self) -> None:
        """The font's sizes: the natural (widest) layout and the narrowest one still legible."""
        fm = self.fontMetrics()
        self._ch_natural = fm.height() + 8
        self._ch_min = fm.height() + 2
        self._band = fm.height() + 6
        self._header_font = QFont(self.font())
        self._header_font.setPointSizeF(self.font().pointSizeF() * 0.85)
        header_fm = QFontMetrics(self._header_font)
        # cells fit a two-digit number, so all 51 ST0825 columns fit a laptop screen
        self._cw_natural = max(fm.horizontalAdvance("88") + 7, fm.height() + 4)
        # narrower, the numbers drop to the header's size: still two digits and a code on its side
        widest_count = "8" * len(str(self._data.max_count())) if self._data is not None else "88"
        self._cw_min = min(
            self._cw_natural,
            max(header_fm.horizontalAdvance(widest_count) + 6, header_fm.height() + 1),
        )
        codes = [c.code for c in self._data.columns] if self._data is not None else ["K25"]
        widest = max(header_fm.horizontalAdvance(code) for code in codes)
        # decided at the narrowest width, so the grid's height never changes with its width
        self._rotated = widest + 4 > self._cw_min  # long codes read bottom-to-top
        self._hh = widest + 10 if self._rotated else header_fm.height() + 8
        rows = range(len(self._data.rows)) if self._data is not None else range(0)
        total = fm.horizontalAdvance(_tr("Total")) + 16
        self._rh_full = max(
            [total] + [fm.horizontalAdvance(self._row_label(r, True)) + 16 for r in rows]
        )
        self._rh_short = max(
            [total] + [fm.horizontalAdvance(self._row_label(r, False)) + 16 for r in rows]
        )
        self._tw = max(fm.horizontalAdvance("88/88"), fm.horizontalAdvance(_tr("Covered"))) + 6
        self._fit(self.width(), self.height())

    def _fit(self, width: int, height: int) -> None:
        """Cell size and row labels for the widget's size: as large as the font likes, never
        larger than the widget, never smaller than a legible minimum (then the area scrolls)."""
        rows = max(1, self._data.row_count if self._data is not None else 1)
        self._ch = max(self._ch_min, min(self._ch_natural, (height - self._fixed_height()) // rows))
        columns = max(1, self._data.column_count if self._data is not None else 1)
        fixed = 2 * MARGIN + TOTALS_GAP + self._tw
        self._full_labels = (width - fixed - self._rh_full) // columns >= self._cw_min
        self._rh = self._rh_full if self._full_labels else self._rh_short
        self._cw = max(self._cw_min, min(self._cw_natural, (width - fixed - self._rh) // columns))
        fm = self.fontMetrics()
        self._cell_font = QFont(self.font())
        widest = "8" * len(str(self._data.max_count())) if self._data is not None else "88"
        if fm.horizontalAdvance(widest) + 6 > self._cw:
            self._cell_font = QFont(self._header_font)

    def _row_label(self, row: int, full: bool | None = None) -> str:
        assert self._data is not None
        group = self._data.rows[row]
        if full is None:
            full = self._full_labels
        if group.name and full:
            name = group.name if len(group.name) <= 18 else group.name[:17] + "…"
            return f"{group.code} {name}"
        return group.code

    def _width_for(self, row_header: int, cell: int) -> int:
        columns = self._data.column_count if self._data else 0
        return 2 * MARGIN + row_header + columns * cell + TOTALS_GAP + self._tw

    def _fixed_height(self) -> int:
        return 2 * MARGIN + self._band + self._hh + TOTALS_GAP

    def sizeHint(self) -> QSize:
        rows = self._data.row_count if self._data else 1
        height = self._fixed_height() + rows * self._ch_natural
        return QSize(self._width_for(self._rh_full, self._cw_natural), height)

    def minimumSizeHint(self) -> QSize:
        """The smallest legible grid: a scroll area scrolls only below this."""
        rows = self._data.row_count if self._data else 1
        height = self._fixed_height() + rows * self._ch_min
        return QSize(self._width_for(self._rh_short, self._cw_min), height)

    def content_width(self) -> int:
        """The width the grid draws at its current size (the totals column's right edge)."""
        return self._width_for(self._rh, self._cw)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._fit(self.width(), self.height())
        super().resizeEvent(event)

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
        for index, span in enumerate(data.kind_spans):
            left = self.header_rect(span.first).left()
            right = self.header_rect(span.last).right()
            band = QRect(left, MARGIN, right - left + 1, self._band)
            text = kind_label(span.kind)
            align = Qt.AlignmentFlag.AlignCenter
            last = index == len(data.kind_spans) - 1
            if last and painter.fontMetrics().horizontalAdvance(text) + 8 > band.width():
                # a few narrow columns (Behaviours): the name runs on over the totals column
                band.setRight(self.content_width() - 1)
                align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
                band.setLeft(left + 4)
            label = painter.fontMetrics().elidedText(
                text, Qt.TextElideMode.ElideRight, band.width() - 4
            )
            painter.drawText(band, align, label)
        painter.setFont(self.font())

        # column headers, row headers and the totals column
        current_row, current_column = self._current
        highlight = palette.color(QPalette.ColorRole.Highlight)
        met_colour = QColor(met_fill())
        met_tint = _alpha(met_colour, 70)
        for column, competency in enumerate(data.columns):
            rect = self.header_rect(column)
            if column == current_column:
                painter.fillRect(rect.adjusted(1, 1, -1, -1), _alpha(highlight, 60))
            met = data.totals[column].met
            if met:
                # a met competency is marked as done (a tint of the scale's "target met" colour
                # behind its code and a bar under it), so its regular-weight code reads as
                # achieved beside the bold gaps, not as a quieter, disabled column
                painter.fillRect(rect.adjusted(1, 1, -1, -1), met_tint)
                painter.fillRect(
                    QRect(rect.left() + 2, rect.bottom() - 2, rect.width() - 4, 3), met_colour
                )
            painter.setPen(text_colour)
            painter.setFont(self._header_font)
            font = painter.font()
            font.setBold(not met)
            painter.setFont(font)
            if self._rotated:
                painter.save()
                painter.translate(rect.center().x(), rect.bottom() - 5)
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
                painter.drawText(
                    QRect(totals_x, top, self._tw, self._ch),
                    Qt.AlignmentFlag.AlignCenter,
                    f"{data.met_count()}/{data.column_count}",
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
        dark = is_dark(palette)
        painter.setFont(self._cell_font)
        for row in range(data.row_count):
            for column in range(data.column_count):
                count = data.count(row, column)
                if count is None:
                    continue
                rect = self.cell_rect(row, column)
                if not rect.intersects(clip):
                    continue
                cell = data.cell(row, column)
                fill_name, ink_name = themed_cell(cell.fill, cell.text_colour, dark)
                fill = colours.get(fill_name) or colours.setdefault(fill_name, QColor(fill_name))
                ink = colours.get(ink_name) or colours.setdefault(ink_name, QColor(ink_name))
                painter.fillRect(rect, fill)
                painter.setPen(ink)
                painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(count))
        painter.setFont(self.font())
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
                painter.fillRect(rect, QColor(themed_cell(fill, "", is_dark(palette))[0]))
            painter.setPen(palette.color(QPalette.ColorRole.Mid))
            painter.drawRect(rect.adjusted(0, 0, -1, -1))
            painter.setPen(text_colour)
            width = fm.horizontalAdvance(text) + 8
            painter.drawText(
                QRect(x + swatch + 4, 2, width, swatch), Qt.AlignmentFlag.AlignVCenter, text
            )
            x += swatch + width + 8
        painter.end()
