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

from reportlab.platypus import Flowable, PageBreak, Spacer, Table, TableStyle

from app.errors import InvalidInputError
from app.export.context import ExportContext, PdfOptions, PdfResult, clean
from app.export.flowables import Anchor, ContentsLine
from app.export.front import declaration
from app.export.item_section import evidence_section
from app.export.paragraphs import Para
from app.export.pdf import build_pdf
from app.export.pdf_progress import text
from app.export.styles import (
    BODY,
    CELL,
    CELL_BOLD,
    CELL_SMALL,
    COVER_TITLE,
    MUTED_SMALL,
    NOTICE,
    RULE,
    SECTION,
    SHADE,
    SUBSECTION,
    table_style,
)
from app.models.outputs import check_output
from app.services import assessment_plans, otj
from app.services.blob_source import SqliteBlobSource
from app.services.project import SCOPE_WORD_LIMIT, MappingRow, Project, get_project, mapping
from app.services.snapshot import take_snapshot

if TYPE_CHECKING:
    from app.models.db import Database

PACK_TITLE = "Work-based project: submission pack"


def export_project_pack(
    db: Database,
    out: Path,
    *,
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> PdfResult:
    """Write the submission pack of the open portfolio ``db`` to ``out`` (atomically)."""
    check_output(out, what="PDF", force=force, protected=[db.path])
    with db.reader() as session:
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
    blobs = SqliteBlobSource(db.path)
    try:
        return build_pdf(
            snapshot,
            blobs,
            out,
            PdfOptions(include_drafts=False),
            progress,
            cancelled,
            force=force,
            protected=[db.path],
            story=partial(pack_story, project=project, rows=rows),
        )
    finally:
        blobs.close()


def pack_story(ctx: ExportContext, project: Project, rows: list[MappingRow]) -> list[Flowable]:
    # the pack has no KSB matrix or duty list for an item's claims to link to
    ctx.ksb_keys.clear()
    ctx.group_keys.clear()
    return [
        *_summary(ctx, project),
        PageBreak(),
        *_weeks(project),
        PageBreak(),
        *_mapping(ctx, rows),
        *evidence_section(ctx),
        *declaration(ctx),
    ]


def _summary(ctx: ExportContext, project: Project) -> list[Flowable]:
    info = ctx.snapshot.info
    words = project.words
    out: list[Flowable] = [
        Anchor("pack", ctx.state, "Project summary"),
        Para(PACK_TITLE, COVER_TITLE),
        Para(text(project.title) or "<i>Untitled project</i>", SECTION),
        Para(
            text(
                f"{info.apprentice_name} · {ctx.standard_label} · {ctx.export_date}",
            ),
            MUTED_SMALL,
        ),
        Spacer(1, 8),
        Para(f"Project summary ({words} of {SCOPE_WORD_LIMIT} words)", SUBSECTION),
    ]
    if project.over_limit:
        out.append(
            Para(
                f"<b>Notice:</b> the summary is {words} words, over the {SCOPE_WORD_LIMIT}-word "
                "limit agreed at gateway.",
                NOTICE,
            )
        )
    out.append(Para(text(project.scope) or "<i>No summary written yet.</i>", BODY))
    out.append(Spacer(1, 10))
    out.append(Para(text(assessment_plans.PREVAIL), MUTED_SMALL))
    return out


def _weeks(project: Project) -> list[Flowable]:
    out: list[Flowable] = [
        Para("Week-by-week plan and log", SECTION),
    ]
    if not project.weeks:
        return [*out, Para("No weeks planned or logged yet.", BODY)]
    rows: list[list[Flowable | str]] = [
        [Para(h, CELL_BOLD) for h in ("Week", "Plan", "What I did", "Hours")]
    ]
    for w in project.weeks:
        rows.append(
            [
                Para(str(w.week), CELL),
                Para(text(w.plan, 2000), CELL),
                Para(text(w.log, 2000), CELL),
                Para(otj.format_minutes(w.minutes) if w.minutes else "–", CELL),
            ]
        )
    table = Table(rows, colWidths=["10%", "37%", "40%", "13%"], repeatRows=1, hAlign="LEFT")
    table.setStyle(_grid())
    out.append(table)
    out.append(Spacer(1, 6))
    out.append(Para(f"Total on the project: {otj.format_minutes(project.minutes)}.", BODY))
    return out


def _mapping(ctx: ExportContext, rows: list[MappingRow]) -> list[Flowable]:
    out: list[Flowable] = [
        Anchor("mapping", ctx.state, "KSB mapping"),
        Para("KSB mapping", SECTION),
        Para(
            "For each KSB the project assesses: the criteria that rest on it, the evidence "
            "items that show it with the page where each starts in this pack (select one to "
            "go there), and where else it is shown.",
            BODY,
        ),
    ]
    titles = {i.ref: i.title for i in ctx.items}
    table_rows: list[list[Flowable | str | list[Flowable]]] = [
        [Para(h, CELL_BOLD) for h in ("KSB", "Criteria", "Evidence (page)", "Where else")]
    ]
    theme = None
    spans: list[int] = []
    for row in rows:
        if row.theme != theme:
            theme = row.theme
            spans.append(len(table_rows))
            table_rows.append([Para(text(theme), CELL_BOLD), "", "", ""])
        evidence: list[Flowable] = [
            ContentsLine(
                clean(f"{ref} {titles.get(ref, '')}", 80), ctx.item_keys[ref], 1, ctx.state
            )
            for ref in row.items
            if ref in ctx.item_keys
        ]
        notes = [text(row.note, 1500)] if row.note else []
        notes += [text(a) for a in row.attachments[:10]]
        table_rows.append(
            [
                Para(f"<b>{text(row.ksb)}</b> {text(row.ksb_text, 300)}", CELL_SMALL),
                Para(text(", ".join(row.criteria)) or "–", CELL_SMALL),
                evidence or [Para("<i>none yet</i>", CELL_SMALL)],
                Para("<br/>".join(notes) or "–", CELL_SMALL),
            ]
        )
    table = Table(table_rows, colWidths=["34%", "14%", "30%", "22%"], repeatRows=1)
    style = _grid()
    for index in spans:
        style.add("SPAN", (0, index), (-1, index))
        style.add("BACKGROUND", (0, index), (-1, index), SHADE)
    table.setStyle(style)
    out.append(table)
    return out


def _grid() -> TableStyle:
    return table_style(
        [
            ("GRID", (0, 0), (-1, -1), 0.4, RULE),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ]
    )


__all__ = ["PACK_TITLE", "export_project_pack", "pack_story"]
