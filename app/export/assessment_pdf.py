"""The assessment record PDF: the assessor's judgement and comment on every KSB of a package.

Same embedded fonts as the EPA portfolio (DejaVu Sans), every piece of user
text escaped, invariant output, written beside its destination and renamed
into place.
"""

from __future__ import annotations

import re
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from app.export.fonts import MONO, SANS, SANS_BOLD, register_fonts
from app.models.outputs import staged_output
from app.services.assessment import (
    EVIDENCED,
    NOT_EVIDENCED,
    NOT_YET_SEEN,
    Assessment,
    Judgement,
)
from app.services.views import CoverageReport, FrameworkView

LABELS = {NOT_YET_SEEN: "Not yet seen", EVIDENCED: "Evidenced", NOT_EVIDENCED: "Not evidenced"}
_JUDGEMENT_COLOURS = {
    NOT_YET_SEEN: colors.HexColor("#6B6B6B"),
    EVIDENCED: colors.HexColor("#1B6E3A"),
    NOT_EVIDENCED: colors.HexColor("#A33B20"),
}
_INK = colors.HexColor("#1F1F1F")
_MUTED = colors.HexColor("#5A5A5A")
_RULE = colors.HexColor("#C8C8C8")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=SANS, fontSize=9.5, leading=13, textColor=_INK)
    return {
        "body": base,
        "title": ParagraphStyle("title", parent=base, fontName=SANS_BOLD, fontSize=20, leading=26),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=12, leading=16),
        "heading": ParagraphStyle(
            "heading", parent=base, fontName=SANS_BOLD, fontSize=12, leading=16, spaceBefore=10
        ),
        "label": ParagraphStyle("label", parent=base, fontName=SANS_BOLD),
        "mono": ParagraphStyle("mono", parent=base, fontName=MONO, fontSize=8, leading=11),
        "muted": ParagraphStyle("muted", parent=base, fontSize=8.5, leading=11.5, textColor=_MUTED),
        "code": ParagraphStyle("code", parent=base, fontName=SANS_BOLD, alignment=TA_LEFT),
    }


def _text(value: str) -> str:
    """User text as safe Paragraph markup: escaped, control characters gone, lines kept."""
    cleaned = _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    return escape(cleaned).replace("\n", "<br/>")


def build_assessment_pdf(
    assessment: Assessment,
    framework: FrameworkView,
    coverage: CoverageReport | None,
    out: Path,
    *,
    force: bool = False,
) -> int:
    """Write the record of ``assessment`` to ``out``; return the number of pages.

    Atomic, never over a database, an existing file only with ``force``
    (``app.models.outputs``)."""
    register_fonts()
    out = Path(out)
    with staged_output(out, what="assessment record", force=force) as temp:
        return _write_record(assessment, framework, coverage, temp)


def _write_record(
    assessment: Assessment,
    framework: FrameworkView,
    coverage: CoverageReport | None,
    temp: Path,
) -> int:
    styles = _styles()
    package = assessment.package
    doc = SimpleDocTemplate(
        str(temp),
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"Assessment record — {_CONTROL.sub('', package.apprentice_name)}",
        author=_CONTROL.sub("", assessment.assessor) or "Assessor",
        subject=f"{package.framework_key} v{package.framework_version}",
        creator="Apprentice Portfolio",
        invariant=1,
    )
    story = _story(assessment, framework, coverage, styles)
    footer = f"Assessment record — {_CONTROL.sub('', package.apprentice_name)[:80]}"
    doc.build(story, canvasmaker=_numbered_canvas(footer))
    return int(doc.page)


def _story(
    assessment: Assessment,
    framework: FrameworkView,
    coverage: CoverageReport | None,
    styles: dict[str, ParagraphStyle],
) -> list[Flowable]:
    package = assessment.package
    codes = tuple(c.code for c in framework.competencies)
    counts = assessment.counts(codes)
    details = [
        ("Apprentice", package.apprentice_name, False),
        ("Unique learner number", package.uln or "not recorded", False),
        ("Standard", f"{framework.title} ({framework.key} v{framework.version})", False),
        ("Package", package.package_name, False),
        ("Portfolio last changed", package.created, False),
        ("Package SHA-256 (manifest)", package.sha256, True),
        ("Signed by key (SHA-256)", package.signer, True),
        ("Portfolio fingerprint", package.portfolio_fingerprint, True),
        ("Assessor", assessment.assessor or "not recorded", False),
        ("Record last updated", assessment.updated or "no judgements yet", False),
    ]
    table = Table(
        [
            [
                Paragraph(escape(label), styles["label"]),
                Paragraph(_text(value), styles["mono" if mono else "body"]),
            ]
            for label, value, mono in details
        ],
        colWidths=["32%", "68%"],
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, _RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    summary = ", ".join(
        f"{counts[j]} {LABELS[j].lower()}" for j in (EVIDENCED, NOT_EVIDENCED, NOT_YET_SEEN)
    )
    story: list[Flowable] = [
        Paragraph("Assessment record", styles["title"]),
        Paragraph(_text(package.apprentice_name), styles["subtitle"]),
        Spacer(1, 8),
        table,
        Spacer(1, 10),
        Paragraph(f"{len(codes)} competencies: {escape(summary)}.", styles["body"]),
        Paragraph(
            "The assessor's judgements are kept apart from the signed package, which they do "
            "not change. Evidence references are the items tagged with each competency.",
            styles["muted"],
        ),
    ]
    evidence = {c.code: c for c in coverage.competencies} if coverage is not None else {}
    kind = ""
    for competency in framework.competencies:
        if competency.kind != kind:
            kind = competency.kind
            story.append(Paragraph(escape(kind.capitalize()), styles["heading"]))
        judged = assessment.judgement(competency.code)
        refs = evidence[competency.code].items if competency.code in evidence else ()
        story.append(_competency_block(competency.code, competency.text, judged, refs, styles))
    return story


def _competency_block(
    code: str,
    text: str,
    judged: Judgement,
    refs: tuple[str, ...],
    styles: dict[str, ParagraphStyle],
) -> Flowable:
    colour = _JUDGEMENT_COLOURS[judged.judgement]
    head = Table(
        [
            [
                Paragraph(escape(code), styles["code"]),
                Paragraph(
                    f'<font color="{colour.hexval()}"><b>{escape(LABELS[judged.judgement])}</b>'
                    "</font>",
                    styles["body"],
                ),
                Paragraph(
                    "Evidence: " + (escape(", ".join(refs)) if refs else "none tagged"),
                    styles["muted"],
                ),
            ]
        ],
        colWidths=["12%", "24%", "64%"],
        hAlign="LEFT",
    )
    head.setStyle(
        TableStyle(
            [
                ("LINEABOVE", (0, 0), (-1, 0), 0.6, _RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (0, 0), 0),
            ]
        )
    )
    parts: list[Flowable] = [head, Paragraph(_text(text), styles["muted"])]
    if judged.comment.strip():
        # a paragraph, not a table cell: a long comment must be free to run over pages
        parts.append(Paragraph(_text(judged.comment), styles["body"]))
    # KeepTogether moves a block to the next page; one taller than a page still splits
    return KeepTogether([*parts, Spacer(1, 4)])


def _numbered_canvas(footer: str) -> type[Canvas]:
    class NumberedCanvas(Canvas):
        """Draws "Page X of Y": each page places a form that is filled in at save,
        once the page count is known (public reportlab calls only)."""

        def showPage(self) -> None:
            self.saveState()
            self.setFont(SANS, 8)
            self.setFillColor(_MUTED)
            self.drawString(18 * mm, 10 * mm, footer)
            self.translate(A4[0] - 18 * mm, 10 * mm)
            self.doForm(f"page-of-{self.getPageNumber()}")
            self.restoreState()
            super().showPage()

        def save(self) -> None:
            total = self.getPageNumber() - 1
            for number in range(1, total + 1):
                self.beginForm(f"page-of-{number}", -160, -4, 0, 12)
                self.setFont(SANS, 8)
                self.setFillColor(_MUTED)
                self.drawRightString(0, 0, f"Page {number} of {total}")
                self.endForm()
            super().save()

    return NumberedCanvas
