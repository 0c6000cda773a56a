"""The KSB mapping matrix, the groups (duties) table and the evidence × KSB grid."""

from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.platypus import Flowable, PageBreak, Table

from app.export.context import ExportContext, clean, plural
from app.export.coverage_section import kind_label
from app.export.flowables import Anchor
from app.export.grid import REF_WIDTH, ClaimGrid, GridRow
from app.export.paragraphs import Para, listing_paragraph
from app.export.styles import (
    CELL,
    CELL_BOLD,
    CELL_SMALL,
    LINK,
    MUTED_SMALL,
    RULE,
    SECTION,
    SHADE,
    SUBSECTION,
    table_style,
)
from app.services.views import CompetencyView, ItemView

MIN_GRID_COLUMN = 16.5
CLAIMED, CLAIMED_DRAFT = "●", "○"


def matrix_section(ctx: ExportContext) -> list[Flowable]:
    framework = ctx.snapshot.framework
    claims = _claims(ctx)
    out: list[Flowable] = [
        Anchor("matrix", ctx.state, "KSB mapping matrix"),
        Para("KSB mapping matrix", SECTION),
        Para(
            "Every competency of the standard with the evidence that claims it. Select a "
            "reference to open that evidence item"
            + ("; drafts are shown in italics." if ctx.options.include_drafts else "."),
            MUTED_SMALL,
        ),
    ]
    kinds: dict[str, list[CompetencyView]] = {}
    for competency in framework.competencies:
        kinds.setdefault(competency.kind, []).append(competency)
    for number, (kind, members) in enumerate(kinds.items()):
        label = kind_label(kind)
        out.append(Anchor(f"matrix-kind-{number}", ctx.state, label, level=1))
        out.append(Para(escape(label), SUBSECTION))
        out.append(_competency_table(ctx, label, members, claims))
    if framework.groups:
        out += _groups_table(ctx)
    out.append(PageBreak())
    out += _grid(ctx)
    return out


def _claims(ctx: ExportContext) -> dict[str, list[ItemView]]:
    """Items (in document order) that claim each competency code."""
    claims: dict[str, list[ItemView]] = {}
    for item in ctx.items:
        for code in dict.fromkeys(item.ksbs):
            claims.setdefault(code, []).append(item)
    return claims


def ref_links(ctx: ExportContext, items: list[ItemView]) -> Flowable:
    """Each item's reference, a link to its pages (drafts in italics), or a dash."""
    if not items:
        return Para("—", CELL)
    entries = [(clean(item.ref), ctx.item_keys[item.ref], item.status == "draft") for item in items]
    return listing_paragraph(entries, CELL, LINK)


def _competency_table(
    ctx: ExportContext,
    label: str,
    members: list[CompetencyView],
    claims: dict[str, list[ItemView]],
) -> Table:
    rows = [[Para(h, CELL_BOLD) for h in ("Code", escape(label), "Evidence")]]
    for competency in members:
        key = ctx.ksb_keys[competency.code]
        text = clean(competency.text)
        if competency.name:
            text = f"<b>{escape(clean(competency.name))}</b> — {escape(text)}"
        else:
            text = escape(text)
        rows.append(
            [
                Para(f'<a name="{key}"/>{escape(clean(competency.code))}', CELL_BOLD),
                Para(text, CELL),
                ref_links(ctx, claims.get(competency.code, [])),
            ]
        )
    table = Table(rows, colWidths=["9%", "61%", "30%"], repeatRows=1, splitInRow=1)
    table.setStyle(_TABLE_STYLE)
    return table


def _groups_table(ctx: ExportContext) -> list[Flowable]:
    framework = ctx.snapshot.framework
    label = clean(framework.group_label) or "Group"
    by_group: dict[str, list[ItemView]] = {}
    for item in ctx.items:
        for code in dict.fromkeys(item.duties):
            by_group.setdefault(code, []).append(item)
    rows = [[Para(h, CELL_BOLD) for h in ("Code", escape(label), "Competencies", "Evidence")]]
    for group in framework.groups:
        text = clean(group.text)
        if group.name:
            text = f"{clean(group.name)} — {text}"
        codes = [(clean(c), ctx.ksb_keys.get(c), False) for c in group.competency_codes]
        rows.append(
            [
                Para(
                    f'<a name="{ctx.group_keys[group.code]}"/>{escape(clean(group.code))}',
                    CELL_BOLD,
                ),
                Para(escape(text), CELL),
                listing_paragraph(codes, CELL_SMALL, LINK) if codes else Para("—", CELL_SMALL),
                ref_links(ctx, by_group.get(group.code, [])),
            ]
        )
    table = Table(rows, colWidths=["9%", "46%", "22%", "23%"], repeatRows=1, splitInRow=1)
    table.setStyle(_TABLE_STYLE)
    return [
        Anchor("groups", ctx.state, plural(label), level=1),
        Para(escape(plural(label)), SUBSECTION),
        table,
    ]


def _grid(ctx: ExportContext) -> list[Flowable]:
    competencies = list(ctx.snapshot.framework.competencies)
    out: list[Flowable] = [
        Anchor("grid", ctx.state, "Evidence × KSB grid", level=1),
        Para("Evidence × KSB grid", SUBSECTION),
        Para(
            f"{CLAIMED} claimed by a ready item"
            + (f", {CLAIMED_DRAFT} claimed by a draft. " if ctx.options.include_drafts else ". ")
            + "Each row is an evidence item; select its reference to open it.",
            MUTED_SMALL,
        ),
    ]
    if not ctx.items:
        out.append(Para("There are no evidence items yet.", CELL))
        return out
    per_table = max(1, int((ctx.frame_width - REF_WIDTH) // MIN_GRID_COLUMN))
    for chunk in _chunks(competencies, per_table):
        out.append(_grid_table(ctx, chunk))
    return out


def _chunks(competencies: list[CompetencyView], size: int) -> list[list[CompetencyView]]:
    """Groups of at most ``size`` columns, starting a new group with a new kind when it helps."""
    chunks: list[list[CompetencyView]] = []
    current: list[CompetencyView] = []
    for index, competency in enumerate(competencies):
        new_kind = bool(current) and current[-1].kind != competency.kind
        rest_of_kind = sum(
            1 for c in competencies[index:] if c.kind == competency.kind
        )  # would this kind still fit here whole?
        if len(current) >= size or (new_kind and len(current) + rest_of_kind > size):
            chunks.append(current)
            current = []
        current.append(competency)
    if current:
        chunks.append(current)
    return chunks


def _grid_table(ctx: ExportContext, chunk: list[CompetencyView]) -> ClaimGrid:
    rows = []
    totals = [0] * len(chunk)
    for item in ctx.items:
        claimed = set(item.ksbs)
        mark = CLAIMED_DRAFT if item.status == "draft" else CLAIMED
        marks = tuple(mark if c.code in claimed else "" for c in chunk)
        for n, value in enumerate(marks):
            totals[n] += bool(value)
        rows.append(
            GridRow(clean(item.ref), ctx.item_keys[item.ref], item.status == "draft", marks)
        )
    return ClaimGrid([clean(c.code) for c in chunk], rows, totals)


_TABLE_STYLE = table_style(
    [
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
)
