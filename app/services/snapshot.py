"""A plain, complete snapshot of the portfolio for exports."""

from __future__ import annotations

from dataclasses import asdict, replace
from typing import Any

from sqlalchemy.orm import Session

from app.schema.portfolio import ProgrammeRecord
from app.services import (
    git_sources,
    portfolio,
    portfolio_json,
    progress,
    queries,
    signoff,
)
from app.services.portfolio_check import content_fingerprint
from app.services.views import FrameworkView, ItemView, PortfolioInfo, PortfolioSnapshot


def fingerprint(
    info_dict: dict[str, object],
    items: tuple[ItemView, ...],
    programme: ProgrammeRecord | None = None,
) -> str:
    """SHA-256 over the portfolio's content in canonical JSON: same content, same print.

    ``programme`` is ``portfolio_json.build_programme``'s object (None: no programme
    records). It joins the payload, without its timestamps, only when there are
    records, so a portfolio without them keeps the fingerprint it always had.
    """
    return content_fingerprint(
        info_dict,
        [
            {
                "ref": i.ref,
                "title": i.title,
                "date": i.date,
                "status": i.status,
                "body": i.body,
                "ksbs": [[t.code, t.justification] for t in i.ksb_tags],
                "duties": [[t.code, t.justification] for t in i.duty_tags],
                "other": [[t.framework, t.code, t.justification] for t in i.other_tags],
                "attachments": [[a.name, a.size, a.sha256] for a in i.attachments],
            }
            for i in items
        ],
        programme,
    )


def take_snapshot(session: Session, *, target: int = 1) -> PortfolioSnapshot:
    """Everything an export needs, read inside the caller's (read) transaction."""
    info = queries.portfolio_info(session)
    framework = queries.get_framework(session)
    items = tuple(queries.all_items(session))
    info_dict = _info_dict(info)
    return PortfolioSnapshot(
        info=info,
        framework=framework,
        items=items,
        coverage=queries.compute_coverage(session, target=target),
        last_changed=portfolio.last_changed(session),
        fingerprint=fingerprint(info_dict, items, portfolio_json.build_programme(session)),
        progress=progress.take_progress_snapshot(session, progress.export_date(session)),
        signoff=signoff.overview(session),
        sources=git_sources.sources_by_ref(session),
        **_project(session, framework, items),
    )


def _info_dict(info: PortfolioInfo) -> dict[str, object]:
    """The details as the fingerprint covers them: without their timestamps."""
    info_dict = asdict(info)
    info_dict.pop("created")
    info_dict.pop("updated")
    if info_dict.get("option") is None:  # a portfolio without an option keeps its print
        info_dict.pop("option", None)
    return info_dict


def assessors_copy(snapshot: PortfolioSnapshot) -> PortfolioSnapshot:
    """What the assessor's copy of a package carries: ``snapshot`` without its drafts and
    without the programme records (skills scans, the off-the-job log, reviews).

    Its fingerprint is the one the portfolio rebuilt from that copy has (the programme
    records join a fingerprint only when present), so the PDF's cover, ``portfolio.json``
    and an imported copy all agree.
    """
    items = tuple(i for i in snapshot.items if i.status != "draft")
    kept = {i.ref for i in items}
    return replace(
        snapshot,
        items=items,
        fingerprint=fingerprint(_info_dict(snapshot.info), items, None),
        progress=None,
        sources={ref: s for ref, s in snapshot.sources.items() if ref in kept},
        # the project mapping already names ready items only
    )


def _project(
    session: Session, framework: FrameworkView, items: tuple[ItemView, ...]
) -> dict[str, Any]:
    """The project's scope and mapping for the assessor's copy: only once it is written."""
    from app.services import assessment_plans, project

    current = project.get_project(session)
    plan = assessment_plans.plan_for_portfolio(session)
    if plan is None or not (current.title or current.scope.strip()):
        return {}
    rows = project.mapping_rows(plan, framework.competencies, items, current.notes)
    return {"project": current, "project_mapping": tuple(rows)}
