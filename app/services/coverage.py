"""Coverage: how many ready items evidence each competency, and the heatmap cells."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import InvalidInputError
from app.models.orm import Competency, Group, GroupLink
from app.services import frameworks
from app.services.evidence import raw_connection
from app.services.views import (
    CellCoverage,
    CompetencyCoverage,
    CoverageReport,
    CoverageSummary,
)

MAX_TARGET = 1000
_REF_TEXT: list[str] = []  # "E001"… by item number: formatting 20,000 refs costs more than SQL


def _refs(ids_text: str) -> list[str]:
    """``"3,7,12"`` (ascending, from the covering index) → ``["E003", "E007", "E012"]``."""
    ids = [int(n) for n in ids_text.split(",")]
    if ids[-1] >= len(_REF_TEXT):
        _REF_TEXT.extend(f"E{n:03d}" for n in range(len(_REF_TEXT), ids[-1] + 1000))
    return [_REF_TEXT[n] for n in ids]


def compute_coverage(
    session: Session,
    framework_key: str | None = None,
    version: str | None = None,
    target: int = 1,
    *,
    with_items: bool = True,
) -> CoverageReport:
    """Counts per competency (ready items; drafts apart) and per linked group×competency cell.

    ``with_items=False`` leaves each competency's list of refs empty: the heatmap
    needs only the numbers, and skipping the lists makes a refresh ~10x cheaper.
    """
    if not 1 <= target <= MAX_TARGET:
        raise InvalidInputError(f"The target must be between 1 and {MAX_TARGET}, not {target}.")
    framework = (
        frameworks.portfolio_framework(session)
        if framework_key is None
        else frameworks.find_framework(session, framework_key, version)
    )
    competencies = session.execute(
        select(Competency.id, Competency.code, Competency.kind)
        .where(Competency.framework_id == framework.id)
        .order_by(Competency.position)
    ).all()
    groups = session.execute(
        select(Group.id, Group.code)
        .where(Group.framework_id == framework.id)
        .order_by(Group.position)
    ).all()

    # Both reads use the covering index (competency_id, ready, item_id); an item's id
    # is its number, so refs come straight from the index in order.
    ready: dict[int, list[str]] = {}
    ready_counts: dict[int, int] = {}
    drafts: dict[int, int] = {}
    # The one query that touches every tag row: straight from the driver (same
    # transaction), as the ORM's per-row handling would double its cost.
    tag_rows = raw_connection(session).execute(
        "SELECT competency_id, ready, count(*), "
        + ("group_concat(item_id, ',') " if with_items else "'' ")
        + "FROM item_competencies WHERE competency_id IN "
        "(SELECT id FROM competencies WHERE framework_id = ?) "
        "GROUP BY competency_id, ready",
        (framework.id,),
    )
    for competency_id, is_ready, count, refs in tag_rows:
        if is_ready:
            ready[competency_id] = _refs(refs) if with_items else []
            ready_counts[competency_id] = count
        else:
            drafts[competency_id] = count

    group_code = {gid: code for gid, code in groups}
    competency_code = {cid: code for cid, code, _ in competencies}
    linked = session.execute(
        select(GroupLink.group_id, GroupLink.competency_id, GroupLink.ready_count)
        .join(Group, Group.id == GroupLink.group_id)
        .where(Group.framework_id == framework.id)
        .order_by(Group.position, GroupLink.position)
    ).all()

    rows = []
    for cid, code, kind in competencies:
        count = ready_counts.get(cid, 0)
        rows.append(
            CompetencyCoverage(
                code=code,
                kind=kind,
                count=count,
                drafts=drafts.get(cid, 0),
                met=count >= target,
                items=tuple(ready.get(cid, ())),
            )
        )
    cells = tuple(
        CellCoverage(
            group=group_code[gid],
            competency=competency_code[cid],
            count=count,
        )
        for gid, cid, count in linked
    )
    return CoverageReport(
        framework=framework.key,
        version=framework.version,
        target=target,
        competencies=tuple(rows),
        cells=cells,
        summary=CoverageSummary(
            competencies=len(rows),
            met=sum(1 for r in rows if r.met),
            linked_cells=len(cells),
            covered_cells=sum(1 for c in cells if c.count > 0),
        ),
        groups=tuple(code for _, code in groups),
    )


def coverage_json(report: CoverageReport) -> dict[str, object]:
    """The documented ``coverage --json`` shape."""
    return {
        "framework": report.framework,
        "version": report.version,
        "target": report.target,
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
