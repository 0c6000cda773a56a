"""The EPA portfolio's programme sections: skills scans and progress, off-the-job
training, and progress reviews.

``progress_sections(progress, state)`` returns the flowables; ``contents_entries``
the lines to add to the contents page. The charts are the ones the desktop
draws (``app.services.progress_charts``), as vector graphics. User text is
escaped before it reaches a Paragraph, and clipped where a table cell could
not hold it; every figure comes from the snapshot, so the same data gives the
same pages.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date as Date
from xml.sax.saxutils import escape

from reportlab.lib.colors import Color, HexColor
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import CondPageBreak, Flowable, PageBreak, Paragraph, Spacer, Table

from app.export.context import clean
from app.export.flowables import Anchor, BuildState, fit_text
from app.export.fonts import SANS, SANS_BOLD
from app.export.markdown_html import strip_controls
from app.export.styles import (
    BODY,
    CELL,
    CELL_BOLD,
    CELL_SMALL,
    MUTED_SMALL,
    NOTICE,
    RULE,
    SECTION,
    SHADE,
    SUBSECTION,
    table_style,
)
from app.services import progress_charts as charts
from app.services.otj import ACTIVITIES, OtjSummary, format_minutes
from app.services.progress import ProgressSnapshot
from app.services.signoff import ReviewSignoff
from app.services.skills_scan import rating_name

CELL_LIMIT = 600  # characters of user text in one table cell: a row cannot split
NOTES_LIMIT = 20_000  # characters of review notes printed; the app keeps them all
LABEL_SIZE = 7.0
ROW = 12.0

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def contents_entries(progress: ProgressSnapshot) -> list[tuple[str, str, int]]:
    """(title, bookmark key, level) for the contents page, matching the sections built."""
    if progress.empty:
        return []
    return [
        ("Skills scan and progress", "progress-skills", 0),
        ("Off-the-job training", "progress-otj", 0),
        ("Progress reviews", "progress-reviews", 0),
    ]


def progress_sections(progress: ProgressSnapshot, state: BuildState) -> list[Flowable]:
    """The three sections, each starting on a new page; nothing when nothing was recorded."""
    if progress.empty:
        return []
    return [
        *skills_section(progress, state),
        PageBreak(),
        *otj_section(progress, state),
        PageBreak(),
        *reviews_section(progress, state),
        PageBreak(),
    ]


def text(value: str, limit: int | None = None) -> str:
    """User text, safe inside a Paragraph: controls dropped, markup escaped, newlines kept."""
    value = strip_controls(value.replace("\r\n", "\n").replace("\r", "\n"))
    if limit is not None and len(value) > limit:
        value = value[: limit - 1] + "…"
    return escape(value).replace("\n", "<br/>")


def uk(day: Date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _table(rows: list[list[Flowable | str]], widths: Sequence[float | str]) -> Table:
    table = Table(rows, colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    table.setStyle(
        table_style(
            [
                ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _head(*labels: str) -> list[Flowable | str]:
    return [Paragraph(escape(label), CELL_BOLD) for label in labels]


def _cell(value: str, limit: int = CELL_LIMIT) -> Paragraph:
    return Paragraph(text(value, limit), CELL)


# --- skills -------------------------------------------------------------------------------------


def skills_section(progress: ProgressSnapshot, state: BuildState) -> list[Flowable]:
    tracker, scans, role = progress.tracker, progress.scans, progress.role
    out: list[Flowable] = [
        Anchor("progress-skills", state, "Skills scan and progress"),
        Paragraph("Skills scan and progress", SECTION),
    ]
    if not scans:
        out.append(Paragraph("No skills scan has been recorded.", BODY))
        return out
    first, last = scans[0], scans[-1]
    out.append(
        Paragraph(
            f"{len(scans)} skills scan{'s' if len(scans) != 1 else ''}, from the initial "
            f"assessment on {uk(first.date)} to {uk(last.date)}. Each competency is rated on the "
            "DDaT scale: 0 new to me, 1 awareness, 2 working, 3 practitioner, 4 expert. Where "
            "the employer confirmed a scan with a different rating, the agreed rating is used. "
            f"Mean rating: <b>{tracker.overall_first or 0:.1f}</b> at the first scan, "
            f"<b>{tracker.overall_current or 0:.1f}</b> now; {tracker.improved} "
            "competencies have moved up.",
            BODY,
        )
    )
    if len(tracker.history) > 1:
        out.append(Paragraph("Mean rating at each scan", SUBSECTION))
        out.append(HistoryChart(charts.history_points(tracker)))
    out.append(Paragraph(f"Against the DDaT role level {escape(role.level)}", SUBSECTION))
    out.append(
        Paragraph(
            f"{escape(clean(role.title))}: <b>{role.met} of {len(role.rows)}</b> skills at or "
            "above the level the role needs, by the latest ratings.",
            BODY,
        )
    )
    out.append(RatingLegend(required=True))
    out.append(DumbbellChart(charts.role_rows(role), required=True))
    if role.gaps:
        rows: list[list[Flowable | str]] = [_head("Skill", "Needs", "Now", "Gap")]
        for g in role.gaps:
            now = "not rated" if g.current is None else f"{g.current} {rating_name(g.current)}"
            rows.append(
                [
                    _cell(f"{g.code} {g.name}"),
                    _cell(f"{g.required} {g.required_level}"),
                    _cell(now),
                    _cell(str(g.gap)),
                ]
            )
        out.append(Spacer(1, 6))
        out.append(_table(rows, ["52%", "18%", "18%", "12%"]))
    rated = charts.tracker_rows(tracker)
    if rated:
        out.append(CondPageBreak(120))
        out.append(Paragraph("First and latest ratings, with evidence", SUBSECTION))
        out.append(RatingLegend(required=False))
        out.append(DumbbellChart(rated, required=False, evidence=True))
    unrated = [r.code for r in tracker.rows if r.current is None]
    if unrated:
        out.append(Paragraph(f"Not yet rated: {escape(', '.join(unrated))}.", MUTED_SMALL))
    out.append(Paragraph("Scans", SUBSECTION))
    rows = [_head("Date", "Ratings", "Mean", "Confirmed by")]
    for s in scans:
        mean = sum(r.effective for r in s.ratings) / len(s.ratings) if s.ratings else 0
        who = "; ".join(
            f"{c.name}{', ' + c.role if c.role else ''} ({uk(c.date)})" for c in s.confirmations
        )
        label = f"{uk(s.date)}{' (initial assessment)' if s.initial else ''}"
        rows.append(
            [
                _cell(label),
                _cell(str(len(s.ratings))),
                _cell(f"{mean:.1f}"),
                _cell(who or "not confirmed"),
            ]
        )
    out.append(_table(rows, ["30%", "12%", "10%", "48%"]))
    noted = [(s, r) for s in scans for r in s.ratings if r.note.strip()]
    if noted:
        out.append(Paragraph("Notes on ratings", SUBSECTION))
        rows = [_head("Scan", "Code", "Rating", "Note")]
        for s, r in noted:
            agreed = f" (agreed {r.agreed})" if r.agreed is not None else ""
            rows.append(
                [_cell(uk(s.date)), _cell(r.code), _cell(f"{r.rating}{agreed}"), _cell(r.note)]
            )
        out.append(_table(rows, ["18%", "20%", "14%", "48%"]))
    return out


class _Legend(Flowable):
    """A one-line key to a chart: each entry's marker, then its label in muted text."""

    label_at = 11.0  # where a label starts after its marker's left edge
    spacing = 7.0  # between one label's end and the next marker

    def entries(self) -> list[tuple[str, str]]:
        """(label, kind of marker), in order."""
        raise NotImplementedError

    def draw_marker(self, c: Canvas, kind: str, x: float) -> None:
        raise NotImplementedError

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width, self.height = availWidth, 14
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        c.saveState()
        c.setFont(SANS, 7.5)
        x = 0.0
        for label, kind in self.entries():
            self.draw_marker(c, kind, x)
            c.setFillColor(HexColor(charts.MUTED))
            c.drawString(x + self.label_at, 2.5, label)
            x += self.label_at + self.spacing + stringWidth(label, SANS, 7.5)
        c.restoreState()


class RatingLegend(_Legend):
    def __init__(self, required: bool) -> None:
        super().__init__()
        self.required = required

    def entries(self) -> list[tuple[str, str]]:
        entries = [("now" if self.required else "latest scan", "current")]
        if self.required:
            entries.append(("what the role needs", "required"))
        else:
            entries.insert(0, ("first scan", "first"))
        return entries

    def draw_marker(self, c: Canvas, kind: str, x: float) -> None:
        _marker(c, kind, x + 4, 5)


def _marker(canvas: Canvas, kind: str, x: float, y: float) -> None:
    if kind == "first":
        canvas.setStrokeColor(HexColor(charts.FIRST))
        canvas.setFillColor(HexColor("#FFFFFF"))
        canvas.setLineWidth(1.4)
        canvas.circle(x, y, 3, stroke=1, fill=1)
    elif kind == "current":
        canvas.setFillColor(HexColor(charts.CURRENT))
        canvas.setStrokeColor(HexColor(charts.CURRENT))
        canvas.circle(x, y, 3, stroke=0, fill=1)
    else:
        canvas.setStrokeColor(HexColor(charts.REQUIRED))
        canvas.setLineWidth(2)
        canvas.line(x, y - 4.5, x, y + 4.5)


class DumbbellChart(Flowable):
    """Rows of competencies on the 0–4 scale: first (hollow) to latest (filled), and the
    level a role needs (a tick). Splits across pages with the scale repeated."""

    HEADER = 14.0

    def __init__(
        self, rows: Sequence[charts.Dumbbell], required: bool, evidence: bool = False
    ) -> None:
        super().__init__()
        self.rows = list(rows)
        self.required = required
        self.evidence = evidence
        self.spaceAfter = 6

    def _label_width(self, avail: float) -> float:
        return min(avail * 0.42, 230.0)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        self.height = self.HEADER + ROW * len(self.rows)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        fits = int((availHeight - self.HEADER) // ROW)
        if fits < 3 or fits >= len(self.rows):
            return []
        return [
            DumbbellChart(part, self.required, self.evidence)
            for part in (self.rows[:fits], self.rows[fits:])
        ]

    def draw(self) -> None:
        c = self.canv
        c.saveState()
        label_w = self._label_width(self.width)
        evidence_w = 40.0 if self.evidence else 0.0
        left = label_w + 8
        right = self.width - evidence_w - 8
        step = (right - left) / 4
        top = self.height - self.HEADER
        c.setFont(SANS, 6.5)
        for value, name in enumerate(
            ("0 new", "1 awareness", "2 working", "3 practitioner", "4 expert")
        ):
            x = left + value * step
            c.setFillColor(HexColor(charts.MUTED))
            c.drawCentredString(x, top + 4, name)
            c.setStrokeColor(HexColor(charts.GRID))
            c.setLineWidth(0.5)
            c.line(x, 0, x, top)
        if self.evidence:
            c.setFillColor(HexColor(charts.MUTED))
            c.drawRightString(self.width, top + 4, "evidence")
        for index, row in enumerate(self.rows):
            y = top - (index + 0.5) * ROW
            if index % 2 == 0:
                c.setFillColor(Color(0, 0, 0, alpha=0.035))
                c.rect(0, y - ROW / 2, self.width, ROW, stroke=0, fill=1)
            c.setFillColor(HexColor(charts.INK))
            c.setFont(SANS_BOLD, LABEL_SIZE)
            code = clean(row.code.rpartition(":")[2])
            c.drawString(0, y - 2.5, code)
            code_w = max(stringWidth(code, SANS_BOLD, LABEL_SIZE) + 4, 26)
            c.setFont(SANS, LABEL_SIZE)
            c.drawString(
                code_w, y - 2.5, fit_text(clean(row.label), SANS, LABEL_SIZE, label_w - code_w)
            )
            if row.first is not None and row.current is not None:
                c.setStrokeColor(HexColor(charts.MUTED))
                c.setLineWidth(1)
                c.line(left + row.first * step, y, left + row.current * step, y)
            for kind, value in row.markers(self.required):
                _marker(c, kind, left + value * step, y)
            if row.current is None:
                c.setFillColor(HexColor(charts.MUTED))
                c.setFont(SANS, 6.5)
                c.drawString(left + 4, y - 2.3, "not rated")
            if self.evidence:
                c.setFillColor(HexColor(charts.INK))
                c.setFont(SANS, LABEL_SIZE)
                c.drawRightString(self.width - 4, y - 2.5, str(row.evidence))
        c.restoreState()


class HistoryChart(Flowable):
    """Mean rating at each scan, 0–4, over time."""

    def __init__(self, points: Sequence[tuple[Date, float]], height: float = 110) -> None:
        super().__init__()
        self.points = list(points)
        self.chart_height = height
        self.spaceAfter = 6

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width, self.height = availWidth, self.chart_height
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        c.saveState()
        left, bottom, right, top = 70.0, 16.0, self.width - 20, self.height - 6
        first, last = self.points[0][0], self.points[-1][0]
        span = max(1, (last - first).days)

        def px(day: Date) -> float:  # inset, so the first and last labels clear the axes
            return left + 24 + (right - left - 48) * (day - first).days / span

        def py(value: float) -> float:
            return bottom + (top - bottom) * value / 4

        c.setFont(SANS, 6.5)
        for value, label in enumerate(charts.SCALE_LABELS):
            c.setStrokeColor(HexColor(charts.GRID))
            c.setLineWidth(0.5)
            c.line(left, py(value), right, py(value))
            c.setFillColor(HexColor(charts.MUTED))
            c.drawRightString(left - 4, py(value) - 2.3, label)
        c.setStrokeColor(HexColor(charts.CURRENT))
        c.setLineWidth(1.5)
        path = c.beginPath()
        for i, (day, mean) in enumerate(self.points):
            (path.lineTo if i else path.moveTo)(px(day), py(mean))
        c.drawPath(path, stroke=1, fill=0)
        for day, mean in self.points:
            _marker(c, "current", px(day), py(mean))
            c.setFillColor(HexColor(charts.INK))
            c.setFont(SANS, 6.5)
            c.drawCentredString(px(day), bottom - 10, uk(day))
            c.drawCentredString(px(day), py(mean) + 5, f"{mean:.1f}")
        c.restoreState()


# --- off-the-job training -----------------------------------------------------------------------


def _otj_figures(s: OtjSummary) -> list[tuple[str, str]]:
    plan = s.plan
    rows: list[tuple[str, str]] = []
    if plan is None:
        rows.append(("Plan", "not set: no required total or pace can be shown"))
    else:
        weeks = (plan.gateway - plan.start).days / 7
        rows.append(
            ("Plan", f"{uk(plan.start)} to the gateway on {uk(plan.gateway)} ({weeks:.1f} weeks)")
        )
        rows.append(("Contracted hours", f"{format_minutes(plan.contracted_minutes)} a week"))
        if plan.rule == "2022-weekly":
            rows.append(
                (
                    "Rule",
                    "2022/23 funding rules: 6 hours a week at 30 or more contracted hours, pro "
                    f"rata below (6 × hours ÷ 30) = {format_minutes(s.weekly_minutes or 0)} a "
                    f"week, over {s.training_weeks or 0:.1f} weeks ({weeks:.1f} planned less "
                    f"{s.leave_weeks or 0:.1f} weeks' statutory leave)",
                )
            )
        else:
            rows.append(
                (
                    "Rule",
                    "starts from 1 August 2025: the fixed minimum of off-the-job hours set "
                    "for the standard",
                )
            )
        rows.append(("Required", format_minutes(s.required_minutes or 0)))
    rows.append(("Logged (countable)", format_minutes(s.logged_minutes)))
    if s.expected_minutes is not None and s.weeks_ahead is not None:
        state = (
            f"{s.weeks_ahead:.1f} weeks ahead"
            if s.weeks_ahead >= 0
            else f"{-s.weeks_ahead:.1f} weeks behind"
        )
        rows.append(
            (f"Steady pace by {uk(s.as_of)}", f"{format_minutes(s.expected_minutes)}: {state}")
        )
    if s.needed_minutes_per_week is not None and not s.met:
        rows.append(
            ("Needed from now", f"{format_minutes(round(s.needed_minutes_per_week))} a week")
        )
    if s.after_gateway_minutes:
        rows.append(
            ("After the gateway", f"{format_minutes(s.after_gateway_minutes)}, not countable")
        )
    if s.before_start_minutes:
        rows.append(
            ("Before the start", f"{format_minutes(s.before_start_minutes)}, not countable")
        )
    return rows


def otj_section(progress: ProgressSnapshot, state: BuildState) -> list[Flowable]:
    s = progress.otj
    out: list[Flowable] = [
        Anchor("progress-otj", state, "Off-the-job training"),
        Paragraph("Off-the-job training", SECTION),
        Paragraph(
            f"Figures as on {uk(s.as_of)}, the date of the portfolio's last change. Hours "
            "logged after the gateway date, or before the start, do not count towards the "
            "required total.",
            BODY,
        ),
    ]
    table = Table(
        [[Paragraph(escape(k), CELL_BOLD), Paragraph(escape(v), CELL)] for k, v in _otj_figures(s)],
        colWidths=["30%", "70%"],
        hAlign="LEFT",
    )
    table.setStyle(
        table_style(
            [("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE), ("VALIGN", (0, 0), (-1, -1), "TOP")]
        )
    )
    out.append(table)
    chart = charts.otj_chart(s)
    if chart is not None:
        out.append(Paragraph("Hours logged against the steady pace", SUBSECTION))
        out.append(OtjLegend(bool(chart.pace), bool(chart.gaps)))
        out.append(OtjChartFlowable(chart))
    if s.gaps:
        out.append(
            Paragraph(
                "<b>Gaps</b> (28 days or more with no learning logged): "
                + "; ".join(f"{uk(g.first)} to {uk(g.last)} ({g.days} days)" for g in s.gaps)
                + ".",
                NOTICE,
            )
        )
    if s.by_activity:
        out.append(Paragraph("Hours by activity", SUBSECTION))
        rows: list[list[Flowable | str]] = [_head("Activity", "Hours", "Share")]
        for key, minutes in s.by_activity:
            share = minutes / s.logged_minutes * 100 if s.logged_minutes else 0
            rows.append(
                [
                    _cell(ACTIVITIES.get(key, key)),
                    _cell(format_minutes(minutes)),
                    _cell(f"{share:.0f}%"),
                ]
            )
        out.append(_table(rows, ["50%", "30%", "20%"]))
    if progress.entries:
        out.append(CondPageBreak(100))
        out.append(Paragraph("The log", SUBSECTION))
        rows = [_head("Date", "Time", "Activity", "What was done", "KSBs, evidence")]
        plan = s.plan
        for e in progress.entries:
            flag = ""
            if plan is not None and e.date > plan.gateway:
                flag = " (after the gateway: not countable)"
            elif plan is not None and e.date < plan.start:
                flag = " (before the start: not countable)"
            rows.append(
                [
                    _cell(uk(e.date)),
                    _cell(format_minutes(e.minutes)),
                    _cell(e.activity_label),
                    Paragraph(text(e.description, CELL_LIMIT) + escape(flag), CELL_SMALL),
                    Paragraph(escape(" ".join((*e.competencies, *e.items))), CELL_SMALL),
                ]
            )
        out.append(_table(rows, ["15%", "12%", "15%", "38%", "20%"]))
    else:
        out.append(Paragraph("No off-the-job training has been logged.", BODY))
    return out


class OtjLegend(_Legend):
    label_at = 18.0
    spacing = 10.0

    def __init__(self, pace: bool, gaps: bool) -> None:
        super().__init__()
        self.pace = pace
        self.gaps = gaps

    def entries(self) -> list[tuple[str, str]]:
        items = [("hours logged", "logged")]
        if self.pace:
            items.append(("steady pace to the required total", "pace"))
        if self.gaps:
            items.append(("gap: 28 days or more with nothing logged", "gap"))
        return items

    def draw_marker(self, c: Canvas, kind: str, x: float) -> None:
        if kind == "gap":
            c.setFillColor(HexColor(charts.GAP))
            c.rect(x, 1, 14, 9, stroke=0, fill=1)
        else:
            c.setStrokeColor(HexColor(charts.LOGGED if kind == "logged" else charts.PACE))
            c.setLineWidth(1.6 if kind == "logged" else 1)
            c.setDash(3, 2) if kind == "pace" else c.setDash()
            c.line(x, 5, x + 14, 5)
            c.setDash()


class OtjChartFlowable(Flowable):
    """Cumulative countable hours (a step line) against the straight steady pace."""

    def __init__(self, chart: charts.OtjChart, height: float = 170) -> None:
        super().__init__()
        self.chart = chart
        self.chart_height = height
        self.spaceAfter = 8

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width, self.height = availWidth, self.chart_height
        return self.width, self.height

    def draw(self) -> None:
        ch, c = self.chart, self.canv
        c.saveState()
        left, bottom, right, top = 40.0, 18.0, self.width - 10, self.height - 6

        def px(day: Date) -> float:
            return left + (right - left) * ch.x(day)

        def py(hours: float) -> float:
            return bottom + (top - bottom) * ch.y(hours)

        c.setFillColor(HexColor(charts.GAP))
        for first, last in ch.gaps:
            c.rect(
                px(first), bottom, max(1.0, px(last) - px(first)), top - bottom, stroke=0, fill=1
            )
        c.setFont(SANS, 6.5)
        for tick in ch.ticks:
            c.setStrokeColor(HexColor(charts.GRID))
            c.setLineWidth(0.5)
            c.line(left, py(tick), right, py(tick))
            c.setFillColor(HexColor(charts.MUTED))
            c.drawRightString(left - 4, py(tick) - 2.3, f"{tick:g} h")
        c.setFillColor(HexColor(charts.MUTED))
        c.drawString(left, bottom - 11, uk(ch.first))
        c.drawRightString(right, bottom - 11, uk(ch.last))
        if ch.first < ch.as_of < ch.last:
            c.setStrokeColor(HexColor(charts.MUTED))
            c.setLineWidth(0.5)
            c.setDash(1, 2)
            c.line(px(ch.as_of), bottom, px(ch.as_of), top)
            c.setDash()
            c.drawCentredString(px(ch.as_of), bottom - 11, uk(ch.as_of))
        if ch.pace:
            c.setStrokeColor(HexColor(charts.PACE))
            c.setLineWidth(1)
            c.setDash(3, 2)
            (d0, h0), (d1, h1) = ch.pace
            c.line(px(d0), py(h0), px(d1), py(h1))
            c.setDash()
        c.setStrokeColor(HexColor(charts.LOGGED))
        c.setLineWidth(1.6)
        path = c.beginPath()
        previous = 0.0
        for i, (day, hours) in enumerate(ch.logged):
            if i == 0:
                path.moveTo(px(day), py(previous))
            else:
                path.lineTo(px(day), py(previous))
            path.lineTo(px(day), py(hours))
            previous = hours
        end = min(max(ch.as_of, ch.logged[-1][0]), ch.last) if ch.logged else ch.first
        if ch.logged:
            path.lineTo(px(end), py(previous))
        c.drawPath(path, stroke=1, fill=0)
        c.restoreState()


# --- reviews ------------------------------------------------------------------------------------


def _day(iso: str) -> str:
    """A signing time as the PDF writes dates (as given when it is not an ISO date)."""
    try:
        return uk(Date.fromisoformat(iso[:10]))
    except ValueError:
        return escape(iso[:40])


def _signatures(found: ReviewSignoff | None) -> Flowable:
    """Who signed the review (name, date, key), or an UNSIGNED notice."""
    signed = found.signed if found is not None else ()
    if not signed:
        asked = ", ".join(found.asked) if found is not None and found.asked else ""
        note = f" (asked: {escape(clean(asked))})" if asked else ""
        earlier = [s for s in (found.signatures if found else ()) if s.decision == "signed"]
        if earlier:
            note += "; signed for an earlier version by " + "; ".join(
                escape(clean(s.signer)) for s in earlier
            )
        return Paragraph(
            f"<b>UNSIGNED</b>: nobody has signed this review with their key yet{note}.", NOTICE
        )
    lines = [
        f"{escape(clean(s.signer))}, signed {_day(s.signed)}, key {escape(s.fingerprint)}"
        for s in signed
    ]
    return Paragraph("<b>Signed by:</b> " + "; ".join(lines), BODY)


def reviews_section(progress: ProgressSnapshot, state: BuildState) -> list[Flowable]:
    status = progress.review_status
    out: list[Flowable] = [
        Anchor("progress-reviews", state, "Progress reviews"),
        Paragraph("Progress reviews", SECTION),
    ]
    if status.due is not None:
        if status.overdue:
            out.append(
                Paragraph(
                    f"<b>The next progress review is overdue</b>: it was due on {uk(status.due)}, "
                    "12 weeks after the last one.",
                    NOTICE,
                )
            )
        else:
            out.append(
                Paragraph(
                    f"The next progress review is due by {uk(status.due)} (reviews are held at "
                    "least every 12 weeks).",
                    BODY,
                )
            )
    if not progress.reviews:
        out.append(Paragraph("No progress review has been recorded.", BODY))
        return out
    for r in reversed(progress.reviews):  # newest first: what an assessor reads first
        out.append(Paragraph(f"Review on {uk(r.date)}", SUBSECTION))
        people = "; ".join(f"{clean(p.name)} ({p.role})" for p in r.participants)
        lines = [f"<b>Taking part:</b> {escape(people)}"]
        if r.otj_minutes is not None:
            lines.append(f"<b>Off-the-job hours reviewed:</b> {format_minutes(r.otj_minutes)}")
        for line in lines:
            out.append(Paragraph(line, BODY))
        out.append(_signatures(progress.review_signoffs.get(r.id)))
        if r.notes.strip():
            out.append(Paragraph(text(r.notes, NOTES_LIMIT), BODY))
        if r.actions:
            rows: list[list[Flowable | str]] = [_head("Action", "Owner", "Due", "Status")]
            for a in r.actions:
                late = a.due is not None and not a.done and a.due < progress.as_of
                rows.append(
                    [
                        _cell(a.text),
                        _cell(a.owner or "—", 200),
                        _cell(uk(a.due) if a.due else "—"),
                        _cell("done" if a.done else "late" if late else "open"),
                    ]
                )
            out.append(_table(rows, ["52%", "20%", "16%", "12%"]))
    return out
