"""What the progress charts show, worked out once for the screen and the PDF.

Pure Python, like ``coverage_scale``: the desktop draws these with QPainter,
the PDF with reportlab, from the same series, axes and colours. Colours are
from the Okabe–Ito palette (distinct for every common colour-vision
deficiency), and every mark also differs in shape or line style, so colour is
never the only cue.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date as Date

from app.services.otj import OtjSummary
from app.services.skills_scan import SCALE, RoleComparison, Tracker

FIRST = "#E69F00"  # orange, hollow circle: the first scan
CURRENT = "#0072B2"  # blue, filled circle: the latest scan
REQUIRED = "#D55E00"  # vermillion, a tick: the role level's required rating
LOGGED = "#0072B2"  # blue, solid: hours logged
PACE = "#555555"  # grey, dashed: the steady pace to the required total
GAP = "#F3D9C6"  # pale vermillion band: 28 days or more with nothing logged
GRID = "#DDDDDD"
INK = "#1A1A1A"
MUTED = "#555555"

SCALE_LABELS = tuple(f"{value} {name}" for value, name in SCALE)


def nice_step(maximum: float, ticks: int = 5) -> float:
    """A round step (1, 2, 2.5 or 5 × 10ⁿ) giving about ``ticks`` ticks up to ``maximum``."""
    if maximum <= 0:
        return 1.0
    raw = maximum / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def axis(maximum: float, ticks: int = 5) -> tuple[float, list[float]]:
    """(top of the axis, tick values) for values from 0 to ``maximum``."""
    step = nice_step(maximum, ticks)
    top = step * max(1, math.ceil(maximum / step - 1e-9))
    return top, [step * i for i in range(round(top / step) + 1)]


# --- skills -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dumbbell:
    """One competency: where it started and where it is now, 0–4."""

    code: str
    label: str
    first: int | None
    current: int | None
    required: int | None = None  # against a role level
    evidence: int = 0

    def markers(self, against_role: bool) -> list[tuple[str, int]]:
        """The (kind, rating) markers the row shows, in drawing order: what the role
        needs, the first scan (not against a role), the current rating."""
        shown = [("required", self.required)]
        if not against_role:
            shown.append(("first", self.first))
        shown.append(("current", self.current))
        return [(kind, value) for kind, value in shown if value is not None]


def tracker_rows(tracker: Tracker, rated_only: bool = True) -> list[Dumbbell]:
    return [
        Dumbbell(r.code, r.label, r.first, r.current, None, r.evidence)
        for r in tracker.rows
        if not rated_only or r.current is not None
    ]


def role_rows(role: RoleComparison) -> list[Dumbbell]:
    return [Dumbbell(r.code, r.name, None, r.current, r.required, 0) for r in role.rows]


def history_points(tracker: Tracker) -> list[tuple[Date, float]]:
    """(scan date, mean rating) for each scan with ratings, oldest first."""
    return [(p.date, p.mean) for p in tracker.history if p.mean is not None]


# --- off-the-job hours --------------------------------------------------------------------------


@dataclass(frozen=True)
class OtjChart:
    """Cumulative hours logged against the steady pace, over the plan (or the log)."""

    first: Date
    last: Date
    logged: tuple[tuple[Date, float], ...]  # step points: (date, hours so far)
    pace: tuple[tuple[Date, float], ...]  # a straight line; empty without a plan
    required_hours: float | None
    top: float
    ticks: tuple[float, ...]
    gaps: tuple[tuple[Date, Date], ...]
    as_of: Date

    def x(self, day: Date) -> float:
        """``day`` as a fraction of the chart's width (0 at ``first``, 1 at ``last``)."""
        span = max(1, (self.last - self.first).days)
        return min(1.0, max(0.0, (day - self.first).days / span))

    def y(self, hours: float) -> float:
        return 0.0 if self.top <= 0 else min(1.0, max(0.0, hours / self.top))


def otj_chart(summary: OtjSummary) -> OtjChart | None:
    """None when there is nothing to draw (no plan and no entries)."""
    plan = summary.plan
    points = [(day, minutes / 60) for day, minutes in summary.cumulative]
    if plan is None and not points:
        return None
    if plan is not None:
        first, last = plan.start, plan.gateway
        required: float | None = (summary.required_minutes or 0) / 60
        pace: tuple[tuple[Date, float], ...] = ((plan.start, 0.0), (plan.gateway, required or 0.0))
    else:
        first, last = points[0][0], max(points[-1][0], summary.as_of)
        required = None
        pace = ()
    if last <= first:
        last = Date.fromordinal(first.toordinal() + 1)
    highest = max([h for _, h in points] + [required or 0.0, 1.0])
    top, ticks = axis(highest)
    logged = [(first, 0.0)] if not points or points[0][0] > first else []
    logged += [(d, h) for d, h in points if first <= d <= last]
    return OtjChart(
        first=first,
        last=last,
        logged=tuple(logged),
        pace=pace,
        required_hours=required,
        top=top,
        ticks=tuple(ticks),
        gaps=tuple((g.first, g.last) for g in summary.gaps),
        as_of=summary.as_of,
    )
