"""The work-based project's submission pack: the project summary (scope), the
week-by-week plan and log, the KSB mapping table with each evidence item's page in this
pack, the mapped evidence items themselves, and the declaration.

Laid out by the EPA PDF builder (``build_pdf(story=...)``): the same fonts, header,
"Page X of Y" footer, links and escaping of user text; the mapped items are laid out
exactly as in the assessor's copy. Drafts are never in it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from reportlab.platypus import Flowable, PageBreak

from app.errors import InvalidInputError
from app.export.context import ExportContext, PdfOptions, PdfResult
from app.export.front import declaration
from app.export.item_section import evidence_section
from app.export.pdf import StoryFn, export_story_pdf
from app.export.project_section import (
    PACK_TITLE,
    project_mapping,
    project_summary,
    project_weeks,
)
from app.services import assessment_plans
from app.services.project import MappingRow, Project, get_project, mapping
from app.services.snapshot import take_snapshot

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.models.db import Database
    from app.services.views import PortfolioSnapshot


def export_project_pack(
    db: Database,
    out: Path,
    *,
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> PdfResult:
    """Write the submission pack of the open portfolio ``db`` to ``out`` (atomically)."""

    def read(session: Session) -> tuple[PortfolioSnapshot, StoryFn]:
        if assessment_plans.plan_for_portfolio(session) is None:
            raise InvalidInputError(
                "This portfolio's standard has no assessment plan, so there is no project "
                "mapping to export; see 'portfolio plan list'."
            )
        snapshot = take_snapshot(session)
        project = get_project(session)
        rows = mapping(session)
        mapped = {ref for row in rows for ref in row.items}
        snapshot = replace(snapshot, items=tuple(i for i in snapshot.items if i.ref in mapped))
        return snapshot, partial(pack_story, project=project, rows=rows)

    options = PdfOptions(include_drafts=False)
    return export_story_pdf(db, out, read, options, progress, cancelled, force=force)


def pack_story(ctx: ExportContext, project: Project, rows: list[MappingRow]) -> list[Flowable]:
    # the pack has no KSB matrix or duty list for an item's claims to link to
    ctx.ksb_keys.clear()
    ctx.group_keys.clear()
    return [
        *project_summary(ctx, project),
        PageBreak(),
        *project_weeks(project),
        PageBreak(),
        *project_mapping(ctx, rows),
        *evidence_section(ctx),
        *declaration(ctx),
    ]


__all__ = ["PACK_TITLE", "export_project_pack", "pack_story"]
