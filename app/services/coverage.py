"""Coverage: how many ready items evidence each competency, and the heatmap cells."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.services import queries
from app.services.queries import MAX_TARGET, raw_connection
from app.services.views import CoverageReport

if TYPE_CHECKING:  # coverage_json serves the command line, which reads without the ORM
    from sqlalchemy.orm import Session

__all__ = ["MAX_TARGET", "compute_coverage", "coverage_json"]


def compute_coverage(
    session: Session,
    framework_key: str | None = None,
    version: str | None = None,
    target: int = 1,
    *,
    with_items: bool = True,
    confirmed_by_employer: bool = False,
) -> CoverageReport:
    """Counts per competency (ready items; drafts apart) and per linked group×competency
    cell; ``with_items=False`` leaves out each competency's list of refs.

    ``confirmed_by_employer``: count only the claims the employer confirmed for the
    items' current versions (``signoff.employer_confirmed``)."""
    confirmed = None
    if confirmed_by_employer:
        from app.services import signoff

        confirmed = signoff.employer_confirmed(session)
    return queries.compute_coverage(
        raw_connection(session),
        framework_key,
        version,
        target,
        with_items=with_items,
        confirmed=confirmed,
    )


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
