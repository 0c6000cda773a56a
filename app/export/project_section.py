"""The work-based project's pages: its summary (scope) with the word count, the weekly
plan and log, and the KSB mapping table whose evidence references give the page where
each item starts in the same PDF (filled in when the document is saved). Used by the
submission pack and, without the weekly log, by the assessor's copy of the portfolio."""

from __future__ import annotations

from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from app.export.context import ExportContext, clean
from app.export.flowables import Anchor, ContentsLine
from app.export.paragraphs import Para
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
from app.services import assessment_plans, otj
from app.services.project import SCOPE_WORD_LIMIT, MappingRow, Project

PACK_TITLE = "Work-based project: submission pack"


def project_summary(
    ctx: ExportContext, project: Project, key: str = "pack", title: str = PACK_TITLE
) -> list[Flowable]:
    info = ctx.snapshot.info
    words = project.words
    out: list[Flowable] = [
        Anchor(key, ctx.state, "Work-based project" if key != "pack" else "Project summary"),
        Para(title, COVER_TITLE if key == "pack" else SECTION),
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


def project_weeks(project: Project) -> list[Flowable]:
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
    table.setStyle(grid())
    out.append(table)
    out.append(Spacer(1, 6))
    out.append(Para(f"Total on the project: {otj.format_minutes(project.minutes)}.", BODY))
    return out


def project_mapping(
    ctx: ExportContext, rows: list[MappingRow], key: str = "mapping"
) -> list[Flowable]:
    in_pack = key == "mapping"
    out: list[Flowable] = [
        Anchor(
            key,
            ctx.state,
            "KSB mapping" if in_pack else "Project KSB mapping",
            level=0 if in_pack else 1,
        ),
        Para(
            "KSB mapping" if in_pack else "Project KSB mapping", SECTION if in_pack else SUBSECTION
        ),
        Para(
            "For each KSB the project assesses: the criteria that rest on it, the evidence "
            "items that show it with the page where each starts in this document (select one to "
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
    style = grid()
    for index in spans:
        style.add("SPAN", (0, index), (-1, index))
        style.add("BACKGROUND", (0, index), (-1, index), SHADE)
    table.setStyle(style)
    out.append(table)
    return out


def grid() -> TableStyle:
    return table_style(
        [
            ("GRID", (0, 0), (-1, -1), 0.4, RULE),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ]
    )
