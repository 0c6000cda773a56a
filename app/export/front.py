"""The cover, the contents and the declaration page."""

from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer, Table

from app.export.context import ExportContext, clean
from app.export.flowables import Anchor, ContentsLine, SignatureLine
from app.export.fonts import MONO
from app.export.paragraphs import Para
from app.export.signoff_pdf import employer_lines, signed_lines
from app.export.styles import (
    BODY,
    CELL,
    CELL_BOLD,
    COVER_NAME,
    COVER_TITLE,
    MUTED_SMALL,
    RULE,
    SECTION,
    SUBSECTION,
    table_style,
)

DOCUMENT_TITLE = "End-point assessment portfolio"
COPY_LABELS = {
    "assessor": "The assessor's copy: evidence, mapping and declaration",
    "review": "Review copy for the provider and employer: adds the programme records "
    "(skills scans, off-the-job training, progress reviews)",
}
COVER_FIELD_LIMIT = 300  # characters: the cover is one page, whatever was typed


def cover(ctx: ExportContext) -> list[Flowable]:
    info, framework = ctx.snapshot.info, ctx.snapshot.framework
    drafts = sum(1 for item in ctx.items if item.status == "draft")
    evidence = f"{len(ctx.items)}"
    if drafts:
        evidence += f" ({drafts} still in draft)"
    elif not ctx.options.include_drafts:
        evidence += " (drafts not included)"
    rows: list[tuple[str, str, bool]] = [
        ("Apprentice", info.apprentice_name, False),
        ("Unique learner number", info.uln or "not recorded", False),
        ("Employer", info.employer or "not recorded", False),
        ("Training provider", info.provider or "not recorded", False),
        ("Apprenticeship standard", framework.title, False),
        ("Reference", framework.key, False),
        ("Version", framework.version, False),
        *(
            [("Option", f"{framework.option.n}: {framework.option.title}", False)]
            if framework.option is not None
            else []
        ),
        ("Level", str(framework.level) if framework.level is not None else "not stated", False),
        ("Evidence items", evidence, False),
        ("This copy", COPY_LABELS[ctx.options.audience], False),
        ("Date", ctx.export_date, False),
        ("Portfolio fingerprint (SHA-256)", ctx.snapshot.fingerprint, True),
    ]
    if ctx.options.signer_fingerprint:
        rows.append(("Signing key fingerprint (SHA-256)", ctx.options.signer_fingerprint, True))
    table = Table(
        [[Para(escape(label), CELL_BOLD), _value(value, mono)] for label, value, mono in rows],
        colWidths=["34%", "66%"],
        hAlign="LEFT",
    )
    table.setStyle(
        table_style(
            [
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    out: list[Flowable] = [
        Anchor("cover", ctx.state, "Cover"),
        Spacer(1, 40),
        Para(DOCUMENT_TITLE, COVER_TITLE),
        Para(escape(clean(info.apprentice_name, COVER_FIELD_LIMIT)) or "Apprentice", COVER_NAME),
        table,
        Spacer(1, 18),
        Para(
            "Evidence references (E001, …) and competency codes throughout this document "
            "are links: select one to go to that item or to its row in the mapping matrix. "
            "The fingerprint identifies exactly this content of the portfolio.",
            MUTED_SMALL,
        ),
    ]
    if framework.attribution:
        out.append(Para(escape(clean(framework.attribution)), MUTED_SMALL))
    out.append(PageBreak())
    return out


def _value(text: str, mono: bool) -> Paragraph:
    value = escape(clean(text, COVER_FIELD_LIMIT))
    if mono:
        # break the hex into halves so it wraps cleanly
        value = f'<font name="{MONO}" size="8">{value[:32]} {value[32:]}</font>'
    return Para(value, CELL)


def contents(ctx: ExportContext, entries: list[tuple[str, str, int]]) -> list[Flowable]:
    """The clickable contents: (title, bookmark key, level) for each entry."""
    lines = [
        ContentsLine(clean(title, 300), key, level, ctx.state) for title, key, level in entries
    ]
    return [
        Anchor("contents", ctx.state, "Contents"),
        Para("Contents", SECTION),
        *lines,
        PageBreak(),
    ]


APPRENTICE_STATEMENT = (
    "I confirm that the evidence in this portfolio is my own work, produced during my "
    "apprenticeship. Where other people contributed to a piece of work, I have said so "
    "and described my own part in it. I understand that the end-point assessment "
    "organisation may check the authenticity of this evidence."
)
EMPLOYER_STATEMENT = (
    "I confirm that, to the best of my knowledge, the evidence in this portfolio is the "
    "apprentice's own work, that it was carried out in our organisation during the "
    "apprenticeship, and that it fairly reflects their performance at work."
)


def declaration(ctx: ExportContext) -> list[Flowable]:
    info = ctx.snapshot.info
    return [
        PageBreak(),
        Anchor("declaration", ctx.state, "Declaration"),
        Para("Declaration of authenticity", SECTION),
        Para("Apprentice", SUBSECTION),
        Para(APPRENTICE_STATEMENT, BODY),
        *(
            signed_lines(ctx)
            if ctx.options.signed
            else [
                SignatureLine("Name", clean(info.apprentice_name)),
                SignatureLine("Signature"),
                SignatureLine("Date", width_share=0.5),
            ]
        ),
        Spacer(1, 24),
        Para("Employer", SUBSECTION),
        Para(EMPLOYER_STATEMENT, BODY),
        *employer_lines(ctx),
        SignatureLine("Name"),
        SignatureLine("Job title"),
        SignatureLine("Organisation", clean(info.employer)),
        SignatureLine("Signature"),
        SignatureLine("Date", width_share=0.5),
    ]
