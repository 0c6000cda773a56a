"""The coverage summary: totals by kind, the heatmap, and the gaps."""

from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import CondPageBreak, Flowable, PageBreak, Paragraph, Table

from app.export.context import REVIEW, ExportContext, clean, describe, plural
from app.export.flowables import Anchor
from app.export.heatmap import (
    ROW_HEIGHT,
    Heatmap,
    HeatmapLegend,
    HeatRow,
    columns_per_chunk,
    label_width_for,
)
from app.export.paragraphs import Para
from app.export.styles import (
    BODY,
    CELL,
    CELL_BOLD,
    CELL_CENTER,
    MUTED_SMALL,
    RULE,
    SECTION,
    SHADE,
    SUBSECTION,
    table_style,
)
from app.services.views import CompetencyCoverage

SPACED = ParagraphStyle("Spaced", parent=BODY, spaceBefore=10)
KIND_LABELS = {"knowledge": "Knowledge", "skill": "Skills", "behaviour": "Behaviours"}


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, clean(kind).capitalize() or "Other")


def coverage_section(ctx: ExportContext) -> list[Flowable]:
    report = ctx.snapshot.coverage
    framework = ctx.snapshot.framework
    summary = report.summary
    group_label = clean(framework.group_label) or "Group"
    items_word = "item" if report.target == 1 else "items"
    out: list[Flowable] = [
        Anchor("coverage", ctx.state, "Coverage summary"),
        Para("Coverage summary", SECTION),
        Para(
            f"<b>{summary.met} of {summary.competencies}</b> competencies have at least "
            f"{report.target} evidence {items_word} marked ready; "
            f"<b>{summary.covered_cells} of {summary.linked_cells}</b> links between "
            f"{escape(plural(group_label).lower())} and competencies have evidence. Counts include "
            "only items marked ready"
            + ("; drafts are shown separately." if show_drafts(ctx) else "."),
            BODY,
        ),
    ]
    if report.option is not None:
        out.append(
            Para(
                f"This portfolio follows option {report.option.n}, "
                f"<b>{escape(clean(report.option.title))}</b>: the core "
                f"{escape(plural(group_label).lower())} and that option's are counted, with "
                "the competencies they link.",
                BODY,
            )
        )
    out += _heatmap(ctx, group_label)
    out.append(Para("Totals by kind", SUBSECTION))
    out.append(_totals_table(report.competencies, report.target, drafts=show_drafts(ctx)))
    out += _gaps(ctx, group_label)
    out.append(PageBreak())
    return out


def show_drafts(ctx: ExportContext) -> bool:
    """Draft counts appear unless this is the assessor's copy without drafts: the assessor
    sees no trace of unfinished work; the review copy always shows them."""
    return ctx.options.audience == REVIEW or ctx.options.include_drafts


def _totals_table(
    competencies: tuple[CompetencyCoverage, ...], target: int, *, drafts: bool = True
) -> Table:
    kinds: dict[str, list[CompetencyCoverage]] = {}
    for c in competencies:
        kinds.setdefault(c.kind, []).append(c)
    header = ["", "Total", "Target met", "Below target", "Drafts only", "No evidence"]
    if not drafts:
        header.remove("Drafts only")
    rows: list[list[Paragraph]] = [[Para(h, CELL_BOLD) for h in header]]
    for kind, members in [*kinds.items(), ("all", list(competencies))]:
        figures = [
            len(members),
            sum(c.met for c in members),
            sum(1 for c in members if c.count > 0 and not c.met),
        ]
        if drafts:
            figures.append(sum(1 for c in members if c.count == 0 and c.drafts > 0))
            figures.append(sum(1 for c in members if c.count == 0 and c.drafts == 0))
        else:  # without drafts, a competency only drafts claim has no evidence
            figures.append(sum(1 for c in members if c.count == 0))
        label = "All" if kind == "all" else kind_label(kind)
        rows.append([Para(escape(label), CELL_BOLD)] + [Para(str(f), CELL_CENTER) for f in figures])
    widths = ["20%", *(["16%"] * 5 if drafts else ["20%"] * 4)]
    table = Table(rows, colWidths=widths, hAlign="LEFT", splitByRow=0)
    table.setStyle(
        table_style(
            [
                ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
                ("LINEABOVE", (0, -1), (-1, -1), 0.8, RULE),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    table.spaceBefore, table.spaceAfter = 4, 8
    return table


def _heatmap(ctx: ExportContext, group_label: str) -> list[Flowable]:
    framework = ctx.snapshot.framework
    report = ctx.snapshot.coverage
    if not framework.groups:
        return [
            Para(
                "This framework does not group its competencies, so there is no heatmap; "
                "the mapping matrix lists the evidence for each competency.",
                BODY,
            ),
        ]
    counted = {(c.group, c.competency): c.count for c in report.cells}
    counts = {
        (g.code, code): counted.get((g.code, code), 0)
        for g in framework.groups
        for code in g.competency_codes
    }
    rows = [
        HeatRow(c.code, clean(f"{c.code} {c.name}" if c.name else c.code, 60),
                ctx.ksb_keys.get(c.code))
        for c in framework.competencies
    ]  # fmt: skip
    columns = [g.code for g in framework.groups]
    label_width = label_width_for(rows, ctx.frame_width)
    per_chunk = columns_per_chunk(label_width, ctx.frame_width)
    rows_height = len(rows) * ROW_HEIGHT + 80  # caption, legend, column heads
    out: list[Flowable] = [
        CondPageBreak(min(rows_height, ctx.frame_height)),  # the whole map on one page if it can
        Para(
            f"<b>{escape(plural(group_label))} and competencies.</b> A row per competency, a "
            f"column per {escape(group_label.lower())}; each number counts the ready items "
            "that claim both.",
            MUTED_SMALL,
        ),
        HeatmapLegend(report.target, group_label),
    ]
    for start in range(0, len(columns), per_chunk):
        chunk = columns[start : start + per_chunk]
        out.append(Heatmap(rows, chunk, counts, report.target, label_width))
    return out


def _gaps(ctx: ExportContext, group_label: str) -> list[Flowable]:
    framework = ctx.snapshot.framework
    report = ctx.snapshot.coverage
    out: list[Flowable] = [
        Anchor("gaps", ctx.state, "Gaps", level=1),
        Para("Gaps", SUBSECTION),
    ]
    gaps = report.gaps()
    if not gaps:
        out.append(Para("Every competency has reached the target.", BODY))
    else:
        drafts = show_drafts(ctx)
        heads = ("Code", "Competency", "Ready", *(("Drafts",) if drafts else ()))
        rows = [[Para(h, CELL_BOLD) for h in heads]]
        for gap in gaps:
            competency = framework.competency(gap.code)
            text = describe(competency)
            rows.append(
                [
                    Para(_code_link(ctx, gap.code), CELL_BOLD),
                    Para(escape(text), CELL),
                    Para(str(gap.count), CELL_CENTER),
                    *([Para(str(gap.drafts), CELL_CENTER)] if drafts else []),
                ]
            )
        widths = ["10%", "70%", "10%", "10%"] if drafts else ["10%", "80%", "10%"]
        table = Table(rows, colWidths=widths, repeatRows=1)
        table.setStyle(
            table_style(
                [
                    ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        out += [
            Para(
                f"{len(gaps)} competencies have fewer than {report.target} ready "
                f"{'item' if report.target == 1 else 'items'}:",
                BODY,
            ),
            table,
        ]
    empty_links = [
        (g.code, [code for code in g.competency_codes if not _cell_count(ctx, g.code, code)])
        for g in framework.groups
    ]
    empty_links = [(g, codes) for g, codes in empty_links if codes]
    if empty_links:
        out.append(
            Para(
                f"Links between a {escape(group_label.lower())} and a competency with no "
                "ready evidence yet:",
                SPACED,
            )
        )
        for group, codes in empty_links:
            links = ", ".join(_code_link(ctx, code) for code in codes)
            out.append(Para(f"<b>{escape(clean(group))}</b>: {links}", CELL))
    return out


def _cell_count(ctx: ExportContext, group: str, code: str) -> int:
    cell = ctx.snapshot.coverage.cell(group, code)
    return cell.count if cell else 0


def _code_link(ctx: ExportContext, code: str) -> str:
    key = ctx.ksb_keys.get(code)
    text = escape(clean(code))
    return f'<a href="#{key}" color="#1F4E79">{text}</a>' if key else text
