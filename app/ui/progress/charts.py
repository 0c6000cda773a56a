"""The progress charts, painted natively with QPainter (no web engine).

They draw the series ``app.services.progress_charts`` works out, in its
colours, so the screen and the PDF show the same picture. Text and grid lines
take the palette's colours, so the charts read in light and dark themes alike;
each chart also carries a plain-text description for screen readers.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date as Date

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetrics, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import (
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from app.services import progress_charts as charts

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
FIRST_ROLE = Qt.ItemDataRole.UserRole + 10  # int | None: the first rating, for the delegate
CURRENT_ROLE = Qt.ItemDataRole.UserRole + 11
REQUIRED_ROLE = Qt.ItemDataRole.UserRole + 12


def short_date(day: Date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _ink(widget: QWidget) -> QColor:
    return widget.palette().color(QPalette.ColorRole.WindowText)


def _muted(widget: QWidget) -> QColor:
    colour = widget.palette().color(QPalette.ColorRole.WindowText)
    colour.setAlphaF(0.65)
    return colour


def _grid(widget: QWidget) -> QColor:
    colour = widget.palette().color(QPalette.ColorRole.WindowText)
    colour.setAlphaF(0.15)
    return colour


def _stripe(widget: QWidget) -> QColor:
    colour = widget.palette().color(QPalette.ColorRole.WindowText)
    colour.setAlphaF(0.05)
    return colour


def draw_marker(painter: QPainter, kind: str, x: float, y: float, radius: float = 4.5) -> None:
    """first: hollow orange circle; current: filled blue circle; required: vermillion tick."""
    painter.save()
    if kind == "first":
        painter.setPen(QPen(QColor(charts.FIRST), 2))
        painter.setBrush(QBrush(QColor("#FFFFFF")))
        painter.drawEllipse(QPointF(x, y), radius, radius)
    elif kind == "current":
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(QColor(charts.CURRENT)))
        painter.drawEllipse(QPointF(x, y), radius, radius)
    else:
        painter.setPen(QPen(QColor(charts.REQUIRED), 3))
        painter.drawLine(QPointF(x, y - radius * 1.6), QPointF(x, y + radius * 1.6))
    painter.restore()


class _Chart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(320)

    def _painter(self) -> QPainter:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), self.palette().color(QPalette.ColorRole.Base))
        return painter

    def _empty(self, painter: QPainter, text: str) -> None:
        painter.setPen(_muted(self))
        painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, text)


class HistoryChart(_Chart):
    """Mean rating at each scan, on the 0–4 scale."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.points: list[tuple[Date, float]] = []
        self.setFixedHeight(170)
        self.setAccessibleName(self.tr("Mean rating at each scan"))

    def set_points(self, points: Sequence[tuple[Date, float]]) -> None:
        self.points = list(points)
        self.setAccessibleDescription(
            "; ".join(f"{short_date(d)}: {m:.1f}" for d, m in self.points)
        )
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = self._painter()
        if not self.points:
            self._empty(painter, self.tr("Record a skills scan to see your ratings over time."))
            return
        metrics = QFontMetrics(self.font())
        left = max(metrics.horizontalAdvance(label) for label in charts.SCALE_LABELS) + 12
        top, bottom, right = 10.0, self.height() - metrics.height() - 8.0, self.width() - 12.0
        first, last = self.points[0][0], self.points[-1][0]
        span = max(1, (last - first).days)

        def px(day: Date) -> float:
            return left + 30 + (right - left - 60) * (day - first).days / span

        def py(value: float) -> float:
            return bottom - (bottom - top) * value / 4

        for value, label in enumerate(charts.SCALE_LABELS):
            painter.setPen(QPen(_grid(self), 1))
            painter.drawLine(QPointF(left, py(value)), QPointF(right, py(value)))
            painter.setPen(_muted(self))
            painter.drawText(
                QRectF(0, py(value) - 8, left - 6, 16),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                label,
            )
        painter.setPen(QPen(QColor(charts.CURRENT), 2))
        for (d0, m0), (d1, m1) in zip(self.points, self.points[1:], strict=False):
            painter.drawLine(QPointF(px(d0), py(m0)), QPointF(px(d1), py(m1)))
        for day, mean in self.points:
            draw_marker(painter, "current", px(day), py(mean))
            painter.setPen(_ink(self))
            painter.drawText(
                QRectF(px(day) - 40, py(mean) - 24, 80, 16),
                Qt.AlignmentFlag.AlignCenter,
                f"{mean:.1f}",
            )
            painter.setPen(_muted(self))
            painter.drawText(
                QRectF(px(day) - 60, bottom + 4, 120, metrics.height()),
                Qt.AlignmentFlag.AlignCenter,
                short_date(day),
            )


class DumbbellChart(_Chart):
    """Competencies on the 0–4 scale: first (hollow) to latest (filled); the tick is what a
    role level needs."""

    ROW = 22

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[charts.Dumbbell] = []
        self.required = False
        self.setAccessibleName(self.tr("Ratings chart"))
        self._resize()

    def set_rows(self, rows: Sequence[charts.Dumbbell], required: bool) -> None:
        self.rows = list(rows)
        self.required = required
        parts = []
        for r in self.rows:
            now = "-" if r.current is None else str(r.current)
            need = f", needs {r.required}" if r.required is not None else ""
            parts.append(f"{r.code}: {now}{need}")
        self.setAccessibleDescription("; ".join(parts))
        self._resize()
        self.update()

    def _resize(self) -> None:
        # a second header line, for the scale's names when they do not fit side by side
        self.setFixedHeight(int(self.ROW * (len(self.rows) + 2) + 28))

    @staticmethod
    def scale_layout(step: float, widths: Sequence[float]) -> str:
        """How the scale's names fit ``step`` apart: "one line", "two lines" (alternate
        names a line lower, so each has two steps) or "digits" (numbers only)."""
        widest = max(widths)
        if widest + 8 <= step:
            return "one line"
        if widest + 8 <= 2 * step:
            return "two lines"
        return "digits"

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = self._painter()
        if not self.rows:
            self._empty(painter, self.tr("No ratings yet."))
            return
        metrics = QFontMetrics(self.font())
        label_w = min(self.width() * 0.45, 320.0)
        left = label_w + 16 + metrics.horizontalAdvance(charts.SCALE_LABELS[0]) / 2
        right = self.width() - metrics.horizontalAdvance(charts.SCALE_LABELS[-1]) / 2 - 8.0
        step = (right - left) / 4
        legend_y = 12.0
        x = 4.0
        legend = [("current", self.tr("now") if self.required else self.tr("latest scan"))]
        if self.required:
            legend.append(("required", self.tr("what the role needs")))
        else:
            legend.insert(0, ("first", self.tr("first scan")))
        for kind, label in legend:
            draw_marker(painter, kind, x + 6, legend_y)
            painter.setPen(_muted(self))
            painter.drawText(QPointF(x + 16, legend_y + metrics.ascent() / 2 - 1), label)
            x += 30 + metrics.horizontalAdvance(label)
        header = 28.0
        fit = self.scale_layout(
            step, [metrics.horizontalAdvance(name) for name in charts.SCALE_LABELS]
        )
        lines = 1 if fit == "one line" else 2
        for value, name in enumerate(charts.SCALE_LABELS):
            cx = left + value * step
            painter.setPen(_muted(self))
            width = step if fit == "one line" else 2 * step
            line = value % 2 if fit == "two lines" else 0
            shown = name if fit != "digits" else str(value)
            painter.drawText(
                QRectF(cx - width / 2, header + line * self.ROW, width, self.ROW),
                Qt.AlignmentFlag.AlignCenter,
                shown,
            )
            painter.setPen(QPen(_grid(self), 1))
            tick_top = header + (line + 1) * self.ROW if fit == "two lines" else header + self.ROW
            painter.drawLine(QPointF(cx, tick_top), QPointF(cx, self.height()))
        header += (lines - 1) * self.ROW
        for index, row in enumerate(self.rows):
            top = header + self.ROW * (index + 1)
            y = top + self.ROW / 2
            if index % 2 == 0:
                painter.fillRect(QRectF(0, top, self.width(), self.ROW), _stripe(self))
            painter.setPen(_ink(self))
            code = row.code.rpartition(":")[2]
            bold = painter.font()
            bold.setBold(True)
            painter.setFont(bold)
            painter.drawText(QRectF(4, top, 48, self.ROW), Qt.AlignmentFlag.AlignVCenter, code)
            bold.setBold(False)
            painter.setFont(bold)
            label = metrics.elidedText(row.label, Qt.TextElideMode.ElideRight, int(label_w - 56))
            painter.drawText(
                QRectF(54, top, label_w - 54, self.ROW), Qt.AlignmentFlag.AlignVCenter, label
            )
            if row.first is not None and row.current is not None and not self.required:
                painter.setPen(QPen(_muted(self), 1.5))
                painter.drawLine(
                    QPointF(left + row.first * step, y), QPointF(left + row.current * step, y)
                )
            for kind, value in row.markers(self.required):
                draw_marker(painter, kind, left + value * step, y)
            if row.current is None:
                painter.setPen(_muted(self))
                painter.drawText(
                    QRectF(left + 8, top, step * 2, self.ROW),
                    Qt.AlignmentFlag.AlignVCenter,
                    self.tr("not rated"),
                )


class OtjChart(_Chart):
    """Cumulative countable hours against the straight steady pace, with gaps shaded."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chart: charts.OtjChart | None = None
        self.setFixedHeight(260)
        self.setAccessibleName(self.tr("Off-the-job hours against the steady pace"))

    def set_chart(self, chart: charts.OtjChart | None) -> None:
        self.chart = chart
        if chart is not None and chart.logged:
            logged = chart.logged[-1][1]
            required = "" if chart.required_hours is None else f" of {chart.required_hours:.0f} h"
            self.setAccessibleDescription(f"{logged:.1f} h logged{required}")
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(600, 260)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = self._painter()
        ch = self.chart
        if ch is None:
            self._empty(painter, self.tr("Set your plan and log training to see your progress."))
            return
        metrics = QFontMetrics(self.font())
        left = metrics.horizontalAdvance("0000 h") + 14.0
        top, right = 30.0, self.width() - 16.0
        bottom = self.height() - metrics.height() - 10.0

        def px(day: Date) -> float:
            return left + (right - left) * ch.x(day)

        def py(hours: float) -> float:
            return bottom - (bottom - top) * ch.y(hours)

        x = left
        legend = [("logged", self.tr("hours logged"))]
        if ch.pace:
            legend.append(("pace", self.tr("steady pace to the required total")))
        if ch.gaps:
            legend.append(("gap", self.tr("gap: 28 days or more with nothing logged")))
        for kind, label in legend:
            if kind == "gap":
                painter.fillRect(QRectF(x, 6, 18, 12), QColor(charts.GAP))
            else:
                pen = QPen(
                    QColor(charts.LOGGED if kind == "logged" else charts.PACE),
                    2.5 if kind == "logged" else 1.5,
                )
                if kind == "pace":
                    pen.setStyle(Qt.PenStyle.DashLine)
                painter.setPen(pen)
                painter.drawLine(QPointF(x, 12), QPointF(x + 18, 12))
            painter.setPen(_muted(self))
            painter.drawText(QPointF(x + 24, 12 + metrics.ascent() / 2 - 1), label)
            x += 40 + metrics.horizontalAdvance(label)

        for first, last in ch.gaps:
            painter.fillRect(
                QRectF(px(first), top, max(2.0, px(last) - px(first)), bottom - top),
                QColor(charts.GAP),
            )
        for tick in ch.ticks:
            painter.setPen(QPen(_grid(self), 1))
            painter.drawLine(QPointF(left, py(tick)), QPointF(right, py(tick)))
            painter.setPen(_muted(self))
            painter.drawText(
                QRectF(0, py(tick) - 8, left - 6, 16),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                f"{tick:g} h",
            )
        painter.setPen(_muted(self))
        label_y = bottom + 4
        painter.drawText(
            QRectF(left, label_y, 200, metrics.height()),
            Qt.AlignmentFlag.AlignLeft,
            short_date(ch.first),
        )
        painter.drawText(
            QRectF(right - 200, label_y, 200, metrics.height()),
            Qt.AlignmentFlag.AlignRight,
            short_date(ch.last),
        )
        if ch.first < ch.as_of < ch.last:
            pen = QPen(_muted(self), 1)
            pen.setStyle(Qt.PenStyle.DotLine)
            painter.setPen(pen)
            painter.drawLine(QPointF(px(ch.as_of), top), QPointF(px(ch.as_of), bottom))
            painter.drawText(
                QRectF(px(ch.as_of) - 60, label_y, 120, metrics.height()),
                Qt.AlignmentFlag.AlignCenter,
                self.tr("today"),
            )
        if ch.pace:
            pen = QPen(QColor(charts.PACE), 1.5)
            pen.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(pen)
            (d0, h0), (d1, h1) = ch.pace
            painter.drawLine(QPointF(px(d0), py(h0)), QPointF(px(d1), py(h1)))
        if ch.logged:
            painter.setPen(QPen(QColor(charts.LOGGED), 2.5))
            previous = 0.0
            point = QPointF(px(ch.logged[0][0]), py(0))
            for day, hours in ch.logged:
                corner = QPointF(px(day), py(previous))
                painter.drawLine(point, corner)
                point = QPointF(px(day), py(hours))
                painter.drawLine(corner, point)
                previous = hours
            end = min(max(ch.as_of, ch.logged[-1][0]), ch.last)
            painter.drawLine(point, QPointF(px(end), py(previous)))


class DumbbellDelegate(QStyledItemDelegate):
    """A first→latest rating bar in a table cell (the tracker's Progress column)."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        widget = option.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawPrimitive(
                QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, widget
            )
        first = index.data(FIRST_ROLE)
        current = index.data(CURRENT_ROLE)
        rect = QRectF(option.rect).adjusted(10, 0, -10, 0)
        step = rect.width() / 4
        y = rect.center().y()
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        grid = option.palette.color(QPalette.ColorRole.Text)
        grid.setAlphaF(0.18)
        painter.setPen(QPen(grid, 1))
        for value in range(5):
            x = rect.left() + value * step
            painter.drawLine(QPointF(x, y - 5), QPointF(x, y + 5))
        if first is not None and current is not None:
            line = option.palette.color(QPalette.ColorRole.Text)
            line.setAlphaF(0.6)
            painter.setPen(QPen(line, 1.5))
            painter.drawLine(
                QPointF(rect.left() + first * step, y), QPointF(rect.left() + current * step, y)
            )
        if first is not None:
            draw_marker(painter, "first", rect.left() + first * step, y, 4)
        if current is not None:
            draw_marker(painter, "current", rect.left() + current * step, y, 4)
        painter.restore()

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        return QSize(140, 22)
