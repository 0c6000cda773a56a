"""``coverage --json``: the documented shape of a coverage report (read by
``queries.compute_coverage``)."""

from __future__ import annotations

from app.services.queries import MAX_TARGET
from app.services.views import CoverageReport

__all__ = ["MAX_TARGET", "coverage_json"]


def coverage_json(report: CoverageReport) -> dict[str, object]:
    """The documented ``coverage --json`` shape."""
    return {
        "framework": report.framework,
        "version": report.version,
        "target": report.target,
        # the option followed: only the core duties and its own are counted
        "option": None
        if report.option is None
        else {"n": report.option.n, "title": report.option.title},
        "competencies": [
            {
                "code": c.code,
                "kind": c.kind,
                "count": c.count,
                "drafts": c.drafts,
                "met": c.met,
                "items": list(c.items),
            }
            for c in report.competencies
        ],
        "cells": [
            {"group": c.group, "competency": c.competency, "count": c.count} for c in report.cells
        ],
        "summary": {
            "competencies": report.summary.competencies,
            "met": report.summary.met,
            "linked_cells": report.summary.linked_cells,
            "covered_cells": report.summary.covered_cells,
        },
    }
