"""Sign-off in the EPA PDF: a Confirmations block in each item, the Witness statements
section, and the signed lines of the declaration page.

Everything a signer wrote is user text: escaped, never interpreted as markup; a
witness statement is rendered from Markdown with raw HTML off, like a reflection.
"""

from __future__ import annotations

import logging
from xml.sax.saxutils import escape

from reportlab.platypus import Flowable, KeepTogether, PageBreak, Spacer, Table

from app.export.context import ExportContext, clean
from app.export.flowables import Anchor
from app.export.markdown_flow import markdown_flowables, plain_text_flowables
from app.export.paragraphs import Para
from app.export.styles import (
    BODY,
    CELL,
    CELL_MONO,
    LABEL,
    MUTED_SMALL,
    RULE,
    SECTION,
    SHADE,
    SUBSECTION,
    table_style,
)
from app.services.signoff import Confirmation, Statement
from app.services.views import ItemView

log = logging.getLogger(__name__)

WITNESS_KEY = "witness-statements"
NAME_LIMIT = 300


def _date(stamp: str) -> str:
    return escape(clean(stamp[:10]))


def _signer(c: Confirmation | Statement) -> str:
    extra = ", ".join(clean(p, NAME_LIMIT) for p in (c.role, c.organisation) if p.strip())
    name = clean(c.name, NAME_LIMIT)
    return escape(f"{name} ({extra})" if extra else name)


def _fingerprint(fingerprint: str) -> str:
    return f"{fingerprint[:32]} {fingerprint[32:]}"


def item_confirmations(ctx: ExportContext, item: ItemView) -> list[Confirmation]:
    view = ctx.snapshot.signoff
    return [c for c in view.confirmations() if c.ref == item.ref] if view else []


def confirmations_part(ctx: ExportContext, item: ItemView) -> list[Flowable]:
    """Who confirmed or declined which claims of this item, when, with which key."""
    found = item_confirmations(ctx, item)
    if not found:
        return []
    rows: list[list[list[Flowable]]] = []
    for c in found:
        lines = [f"<b>{_signer(c)}</b> signed on {_date(c.signed)}"]
        if c.confirmed:
            lines.append(f"Confirmed: {escape(', '.join(c.confirmed))}")
        if c.declined:
            lines.append(f"Declined: {escape(', '.join(c.declined))}")
        if c.comment.strip():
            lines.append(f"Comment: “{escape(clean(c.comment, 5000))}”")
        if not c.current:
            lines.append(
                "<i>Given for an earlier version: the item changed on "
                f"{_date(c.changed)} after it was sent for sign-off.</i>"
            )
        cell: list[Flowable] = [Para("<br/>".join(lines), CELL)]
        cell.append(Para(f"Key {_fingerprint(c.fingerprint)}", CELL_MONO))
        rows.append([cell])  # one cell holding both paragraphs
    table = Table(rows, colWidths=[ctx.frame_width], repeatRows=0)
    table.setStyle(
        table_style(
            [
                ("BACKGROUND", (0, 0), (-1, -1), SHADE),
                ("LINEBELOW", (0, 0), (-1, -2), 0.4, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return [KeepTogether([Para("Confirmations", LABEL), table])]


def witness_section(ctx: ExportContext) -> list[Flowable]:
    """Every signed witness statement, in the signer's own words."""
    view = ctx.snapshot.signoff
    shown = {item.ref for item in ctx.items}
    statements = [
        s for s in (view.statements if view else ()) if any(c.ref in shown for c in s.items)
    ]
    if not statements:
        return []
    out: list[Flowable] = [
        PageBreak(),
        Anchor(WITNESS_KEY, ctx.state, "Witness statements"),
        Para("Witness statements", SECTION),
        Para(
            "Statements signed by the people who saw the work, each with their own key. "
            "What each confirmed per item is shown with the item.",
            MUTED_SMALL,
        ),
    ]
    for s in statements:
        refs = ", ".join(c.ref for c in s.items if c.ref in shown)
        out.append(Para(f"{_signer(s)}", SUBSECTION))
        out.append(
            Para(
                f"Signed on {_date(s.signed)} · about {escape(refs)} · key "
                f"{_fingerprint(s.fingerprint)}",
                MUTED_SMALL,
            )
        )
        if s.statement.strip():
            try:
                out += markdown_flowables(s.statement)
            except Exception:
                log.exception("could not format a witness statement")
                out += plain_text_flowables(s.statement)
        else:
            out.append(Para("No statement written; see the confirmations with each item.", BODY))
    return out


def contents_entries(ctx: ExportContext) -> list[tuple[str, str, int]]:
    return [("Witness statements", WITNESS_KEY, 0)] if witness_section_needed(ctx) else []


def witness_section_needed(ctx: ExportContext) -> bool:
    view = ctx.snapshot.signoff
    shown = {item.ref for item in ctx.items}
    return bool(view) and any(
        c.ref in shown for s in (view.statements if view else ()) for c in s.items
    )


def employer_confirmations(ctx: ExportContext) -> list[Statement]:
    """Statements signed by someone of the apprentice's employer that confirm a claim of
    an item this PDF shows (not one about drafts alone when drafts are left out)."""
    view = ctx.snapshot.signoff
    employer = " ".join(ctx.snapshot.info.employer.split()).casefold()
    if not view or not employer:
        return []
    shown = {item.ref for item in ctx.items}
    return [
        s
        for s in view.statements
        if " ".join(s.organisation.split()).casefold() == employer
        and any(c.confirmed and c.ref in shown for c in s.items)
    ]


def signed_lines(ctx: ExportContext) -> list[Flowable]:
    """The apprentice's digital signature, in place of the empty signature lines."""
    info = ctx.snapshot.info
    fingerprint = ctx.options.signer_fingerprint or ""
    return [
        Para(
            f"<b>Signed digitally</b> by {escape(clean(info.apprentice_name, NAME_LIMIT))} on "
            f"{_date(ctx.snapshot.last_changed)}. This PDF carries a PAdES signature made "
            "with a certificate bound to the apprentice's key:",
            BODY,
        ),
        Para(f"Key {_fingerprint(fingerprint)}", CELL_MONO),
    ]


def employer_lines(ctx: ExportContext) -> list[Flowable]:
    """Who from the employer confirmed evidence, with their keys (none: empty list)."""
    out: list[Flowable] = []
    shown = {item.ref for item in ctx.items}
    for s in employer_confirmations(ctx):
        confirmed = sum(len(c.confirmed) for c in s.items if c.ref in shown)
        refs = ", ".join(c.ref for c in s.items if c.confirmed and c.ref in shown)
        out.append(
            Para(
                f"<b>Confirmed digitally</b> by {_signer(s)} on {_date(s.signed)}: "
                f"{confirmed} claim{'s' if confirmed != 1 else ''} of {escape(refs)}.",
                BODY,
            )
        )
        out.append(Para(f"Key {_fingerprint(s.fingerprint)}", CELL_MONO))
        out.append(Spacer(1, 8))
    return out
