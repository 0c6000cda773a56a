"""Coverage: how many ready items evidence each competency, and the heatmap cells."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import InvalidInputError
from app.models.orm import Competency, Group, GroupLink, Item, ItemCompetency, ItemGroup
from app.services import frameworks
from app.services.views import (
    CellCoverage,
    CompetencyCoverage,
    CoverageReport,
    CoverageSummary,
)

MAX_TARGET = 1000


def _ref_order(ref: str) -> tuple[int, str]:
    return (len(ref), ref)


def compute_coverage(
    session: Session,
    framework_key: str | None = None,
    version: str | None = None,
    target: int = 1,
) -> CoverageReport:
    """Counts per competency (ready items; drafts apart) and per linked group×competency cell."""
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
    in_framework = select(Competency.id).where(Competency.framework_id == framework.id)

    ready: dict[int, list[str]] = {}
    drafts: dict[int, int] = {}
    for competency_id, status, count, refs in session.execute(
        select(
            ItemCompetency.competency_id,
            Item.status,
            func.count(),
            func.group_concat(Item.ref, ","),
        )
        .join(Item, Item.id == ItemCompetency.item_id)
        .where(ItemCompetency.competency_id.in_(in_framework))
        .group_by(ItemCompetency.competency_id, Item.status)
    ):
        if status == "draft":
            drafts[competency_id] = count
        else:
            ready.setdefault(competency_id, []).extend(refs.split(","))

    group_code = {gid: code for gid, code in groups}
    competency_code = {cid: code for cid, code, _ in competencies}
    linked = session.execute(
        select(GroupLink.group_id, GroupLink.competency_id)
        .join(Group, Group.id == GroupLink.group_id)
        .where(Group.framework_id == framework.id)
        .order_by(Group.position, GroupLink.position)
    ).all()
    cell_counts = dict(
        ((gid, cid), count)
        for gid, cid, count in session.execute(
            select(ItemGroup.group_id, ItemCompetency.competency_id, func.count())
            .join(ItemCompetency, ItemCompetency.item_id == ItemGroup.item_id)
            .join(Item, Item.id == ItemGroup.item_id)
            .join(
                GroupLink,
                (GroupLink.group_id == ItemGroup.group_id)
                & (GroupLink.competency_id == ItemCompetency.competency_id),
            )
            .where(Item.status != "draft", ItemGroup.group_id.in_(list(group_code)))
            .group_by(ItemGroup.group_id, ItemCompetency.competency_id)
        )
        .tuples()
        .all()
    )

    rows = []
    for cid, code, kind in competencies:
        refs = sorted(ready.get(cid, []), key=_ref_order)
        rows.append(
            CompetencyCoverage(
                code=code,
                kind=kind,
                count=len(refs),
                drafts=drafts.get(cid, 0),
                met=len(refs) >= target,
                items=tuple(refs),
            )
        )
    cells = tuple(
        CellCoverage(
            group=group_code[gid],
            competency=competency_code[cid],
            count=cell_counts.get((gid, cid), 0),
        )
        for gid, cid in linked
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
