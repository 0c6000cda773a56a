"""The end-point-assessment portfolio PDF.

``build_pdf`` lays out a ``PortfolioSnapshot`` in one pass: the contents' page
numbers and the "of Y" in every footer are form XObjects filled in when the
document is saved. The file is written beside its destination and renamed into
place, so a failed or cancelled export leaves nothing behind. Same snapshot,
same bytes: reportlab runs in invariant mode and every date comes from the
portfolio's own last change.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from reportlab import rl_config
from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, PageBreak, PageTemplate

from app.errors import PortfolioError
from app.export.context import (
    NOTICE_ONLY,
    REVIEW,
    ExportCancelled,
    ExportContext,
    PdfOptions,
    PdfResult,
    clean,
    pdf_date,
    plural,
)
from app.export.coverage_section import coverage_section
from app.export.flowables import (
    BuildState,
    expand_deferred,
    fit_text,
    page_begins,
    page_form_name,
)
from app.export.fonts import (
    SANS,
    SANS_BOLD,
    describe_missing,
    draw_string,
    missing_glyphs,
    register_fonts,
)
from app.export.front import DOCUMENT_TITLE, contents, cover, declaration
from app.export.item_section import evidence_section, item_outline, placed_images
from app.export.matrix import matrix_section
from app.export.pdf_progress import contents_entries as progress_contents_entries
from app.export.pdf_progress import progress_sections
from app.export.reportlab_private import (
    QuickCopyFrame,
    add_internal_link,
    document_of,
    keep_with_start,
)
from app.export.signoff_pdf import contents_entries as witness_contents_entries
from app.export.signoff_pdf import witness_section
from app.export.styles import INK, MUTED, RULE
from app.models.outputs import check_output, staged_output
from app.services import signing
from app.services.blob_source import BlobSource, SqliteBlobSource
from app.services.progress import ProgressSnapshot
from app.services.snapshot import take_snapshot
from app.services.views import PortfolioSnapshot

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.models.db import Database

__all__ = [
    "ExportCancelled",
    "PdfOptions",
    "PdfResult",
    "build_pdf",
    "export_portfolio_pdf",
    "export_story_pdf",
    "placed_images",
]

log = logging.getLogger(__name__)

# Binary streams: ASCII85 makes the file a quarter larger and, without reportlab's
# optional C accelerator, costs more time than all the layout put together.
rl_config.useA85 = 0

StoryFn = Callable[[ExportContext], list[Flowable]]
PAGE_SIZES = {"A4": A4, "Letter": LETTER}
SIDE_MARGIN = 18 * mm
TOP_MARGIN = 20 * mm
BOTTOM_MARGIN = 18 * mm
MAX_LAYOUT_ATTEMPTS = 12


def export_portfolio_pdf(
    db: Database,
    out: Path,
    options: PdfOptions = PdfOptions(),  # noqa: B008 - frozen, so a safe default
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    *,
    force: bool = False,
    sign: bool = True,
) -> PdfResult:
    """The EPA portfolio PDF of the open portfolio ``db`` (``portfolio export pdf`` and
    File ▸ Export EPA Portfolio PDF): a snapshot, its attachments read from the file, and
    the signing key's fingerprint on the cover, so the assessor can match PDF and package.
    Unless ``sign`` is False the PDF is signed (PAdES) with the key derived from the
    apprentice's (``app.export.pdf_signing``), dated the portfolio's last change.

    ``out`` is never the portfolio, one of its companions or any SQLite file; an
    existing file is replaced only with ``force`` (``app.models.outputs``)."""
    check_output(out, what="PDF", force=force, protected=[db.path])
    key = signing.load_or_create_key()
    with db.reader() as session:
        snapshot = take_snapshot(session)
    blobs = SqliteBlobSource(db.path)
    try:
        return build_pdf(
            snapshot,
            blobs,
            out,
            options=replace(options, signer_fingerprint=key.fingerprint, signed=sign),
            progress=progress,
            cancelled=cancelled,
            force=force,
            protected=[db.path],
            sign=pdf_signer(key, snapshot) if sign else None,
        )
    finally:
        blobs.close()


def export_story_pdf(
    db: Database,
    out: Path,
    read: Callable[[Session], tuple[PortfolioSnapshot, StoryFn]],
    options: PdfOptions,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    *,
    force: bool = False,
) -> PdfResult:
    """Another document of the open portfolio ``db`` on the EPA PDF's pages (the project's
    submission pack, the discussion prep sheet): ``read(session)`` gives, in one read, the
    snapshot whose items it may lay out and its story. ``out`` as ``export_portfolio_pdf``."""
    check_output(out, what="PDF", force=force, protected=[db.path])
    with db.reader() as session:
        snapshot, story = read(session)
    blobs = SqliteBlobSource(db.path)
    try:
        return build_pdf(
            snapshot,
            blobs,
            out,
            options,
            progress,
            cancelled,
            force=force,
            protected=[db.path],
            story=story,
        )
    finally:
        blobs.close()


def build_pdf(
    snapshot: PortfolioSnapshot,
    blobs: BlobSource,
    out: Path,
    options: PdfOptions = PdfOptions(),  # noqa: B008 - frozen, so a safe default
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    *,
    force: bool = False,
    protected: Iterable[Path] = (),
    sign: Callable[[Path], None] | None = None,
    story: StoryFn | None = None,
) -> PdfResult:
    """Write the EPA portfolio PDF of ``snapshot`` to ``out``, atomically (see
    ``app.models.outputs.staged_output``: never over a database, an existing file only
    with ``force``). ``sign`` signs the finished file before it is moved into place.
    ``story`` lays out another document on the same pages (the project's submission
    pack); by default, the portfolio."""
    register_fonts()
    out = Path(out)
    with staged_output(out, what="PDF", force=force, protected=protected) as temp:
        return _build_into(
            temp, out, snapshot, blobs, options, progress, cancelled, sign, story or portfolio_story
        )


def pdf_signer(key: signing.SigningKey, snapshot: PortfolioSnapshot) -> Callable[[Path], None]:
    """Signs a PDF of ``snapshot`` in place as its apprentice, at its last change."""
    from app.export.pdf_signing import pdf_identity, sign_pdf_file, signing_time

    name = snapshot.info.apprentice_name
    return partial(
        sign_pdf_file,
        identity=pdf_identity(key, name),
        name=name,
        when=signing_time(snapshot.last_changed),
    )


def _build_into(
    temp: Path,
    out: Path,
    snapshot: PortfolioSnapshot,
    blobs: BlobSource,
    options: PdfOptions,
    progress: Callable[[int, int], None] | None,
    cancelled: Callable[[], bool] | None,
    sign: Callable[[Path], None] | None = None,
    story: StoryFn | None = None,
) -> PdfResult:
    total_steps = len(snapshot.items) + 1
    degraded: dict[str, int] = {}

    def report(done: int) -> None:
        if cancelled is not None and cancelled():
            raise ExportCancelled("The PDF export was cancelled; no file was written.")
        if progress is not None:
            progress(done, total_steps)

    report(0)
    for _attempt in range(MAX_LAYOUT_ATTEMPTS):
        state = BuildState(on_item=report)
        ctx = _context(snapshot, blobs, options, state, degraded, cancelled)
        try:
            with open(temp, "wb") as stream:
                _build_once(ctx, stream, story or portfolio_story)
            break
        except (PortfolioError, OSError):
            raise  # cancelled, or the disk refused: not something a retry mends
        except Exception as exc:
            _degrade_failed_item(state, degraded, exc)
    else:
        raise PortfolioError("The PDF could not be laid out; too many items failed.")
    report(total_steps - 1)
    if sign is not None:
        sign(temp)
    size = temp.stat().st_size
    _match_permissions(temp, out)
    if progress is not None:
        progress(total_steps, total_steps)
    return PdfResult(pages=state.total_pages, size=size, warnings=tuple(_warnings(ctx)))


def _warnings(ctx: ExportContext) -> list[str]:
    """What the finished PDF could not show, one sentence each."""
    found = list(dict.fromkeys(ctx.warnings))
    missing = ctx.missing_glyphs
    if missing:
        count = f"{len(missing)} character" + ("s" if len(missing) != 1 else "")
        found.append(
            f"{count} could not be shown (no font on this computer has them; they print as "
            f"empty boxes): {describe_missing(missing)}."
        )
    return found


def _degrade_failed_item(state: BuildState, degraded: dict[str, int], exc: Exception) -> None:
    """Simplify the item that broke the layout, or give up if it is not an item's fault."""
    ref = state.current_item
    if ref is None or degraded.get(ref, 0) >= NOTICE_ONLY:
        log.error("PDF layout failed outside any evidence item", exc_info=exc)
        raise PortfolioError("The PDF could not be laid out; please report this problem.") from exc
    degraded[ref] = degraded.get(ref, 0) + 1
    log.warning("evidence %s could not be laid out; simplifying it", ref, exc_info=exc)


def _match_permissions(temp: Path, out: Path) -> None:
    """A temporary file is private (0600); the PDF gets the usual 0644, or keeps the
    permissions of the file it replaces."""
    try:
        mode = out.stat().st_mode & 0o777 if out.exists() else 0o644
        os.chmod(temp, mode)
    except OSError:
        pass  # permissions are a courtesy; the export itself succeeded


def _context(
    snapshot: PortfolioSnapshot,
    blobs: BlobSource,
    options: PdfOptions,
    state: BuildState,
    degraded: dict[str, int],
    cancelled: Callable[[], bool] | None,
) -> ExportContext:
    width, height = PAGE_SIZES[options.page_size]
    return ExportContext(
        snapshot=snapshot,
        blobs=blobs,
        options=options,
        frame_width=width - 2 * SIDE_MARGIN - 12,  # Frame's own padding
        frame_height=height - TOP_MARGIN - BOTTOM_MARGIN - 12,
        state=state,
        cancelled=cancelled or (lambda: False),
        degraded=degraded,
    )


def _build_once(ctx: ExportContext, stream: BinaryIO, make_story: StoryFn) -> None:
    doc = _document(ctx, stream)
    story = make_story(ctx)
    ctx.check_cancelled()
    doc.build(story, canvasmaker=partial(_PortfolioCanvas, ctx=ctx))


def portfolio_story(ctx: ExportContext) -> list[Flowable]:
    """The EPA portfolio's flowables, cover to declaration."""
    story: list[Flowable] = []
    story += cover(ctx)
    story += contents(ctx, _contents_entries(ctx))
    story += coverage_section(ctx)
    story += matrix_section(ctx)
    story += _project_pages(ctx)
    story += evidence_section(ctx)
    story += witness_section(ctx)
    if (programme := _programme_records(ctx)) is not None:
        story += progress_sections(programme, ctx.state)
    story += declaration(ctx)
    return story


def _project_pages(ctx: ExportContext) -> list[Flowable]:
    """The work-based project's summary and KSB mapping, once its scope is written."""
    if ctx.snapshot.project is None:
        return []
    from app.export.project_section import project_mapping, project_summary

    return [
        PageBreak(),
        *project_summary(ctx, ctx.snapshot.project, key="project", title="Work-based project"),
        *project_mapping(ctx, list(ctx.snapshot.project_mapping), key="project-mapping"),
    ]


def _programme_records(ctx: ExportContext) -> ProgressSnapshot | None:
    """Skills scans, the off-the-job log and reviews: in the review copy only."""
    return ctx.snapshot.progress if ctx.options.audience == REVIEW else None


def _contents_entries(ctx: ExportContext) -> list[tuple[str, str, int]]:
    framework = ctx.snapshot.framework
    entries = [("Coverage summary", "coverage", 0), ("Gaps", "gaps", 1)]
    entries.append(("KSB mapping matrix", "matrix", 0))
    if framework.groups:
        entries.append((plural(clean(framework.group_label) or "Group"), "groups", 1))
    entries.append(("Evidence × KSB grid", "grid", 1))
    if ctx.snapshot.project is not None:
        entries.append(("Work-based project", "project", 0))
    entries.append(("Evidence", "evidence", 0))
    entries += [(item_outline(item), ctx.item_keys[item.ref], 1) for item in ctx.items]
    entries += witness_contents_entries(ctx)
    if (programme := _programme_records(ctx)) is not None:
        entries += progress_contents_entries(programme)
    entries.append(("Declaration", "declaration", 0))
    return entries


def _document(ctx: ExportContext, stream: BinaryIO) -> BaseDocTemplate:
    info, framework = ctx.snapshot.info, ctx.snapshot.framework
    page_size = PAGE_SIZES[ctx.options.page_size]
    name = clean(info.apprentice_name, 120)
    doc = _PortfolioDocument(
        stream,
        pagesize=page_size,
        leftMargin=SIDE_MARGIN,
        rightMargin=SIDE_MARGIN,
        topMargin=TOP_MARGIN,
        bottomMargin=BOTTOM_MARGIN,
        title=f"{DOCUMENT_TITLE}: {name}, {ctx.standard_label}",
        author=name,
        subject=clean(
            f"End-point assessment portfolio for the {framework.title} apprenticeship"
            + (f", level {framework.level}" if framework.level is not None else "")
        ),
        keywords=[
            "end-point assessment",
            "EPA portfolio",
            "apprenticeship",
            clean(framework.key),
            clean(framework.title),
        ],
        creator="Apprentice Portfolio",
        producer="Apprentice Portfolio (ReportLab)",
        invariant=1,
        pageCompression=1,
        lang="en-GB",
        displayDocTitle=True,
        initialFontName=SANS,
        keepTogetherClass=keep_with_start(ctx.frame_height),
    )
    frame = QuickCopyFrame(
        SIDE_MARGIN,
        BOTTOM_MARGIN,
        page_size[0] - 2 * SIDE_MARGIN,
        page_size[1] - TOP_MARGIN - BOTTOM_MARGIN,
        id="body",
    )
    furniture = _PageFurniture.for_context(ctx, page_size[0])
    doc.addPageTemplates(
        [
            PageTemplate(
                "page",
                [frame],
                onPage=partial(_decorate, furniture=furniture, state=ctx.state),
                onPageEnd=partial(_draft_mark, state=ctx.state),
            )
        ]
    )
    return doc


class _PortfolioDocument(BaseDocTemplate):
    """Makes each evidence item's flowables as the layout reaches it (``Deferred``)."""

    def filterFlowables(self, flowables: list[Flowable]) -> None:
        expand_deferred(flowables)


@dataclass(frozen=True)
class _PageFurniture:
    """The header and footer text, fitted once: it is the same on every page."""

    name: str
    standard: str
    footer: str

    @classmethod
    def for_context(cls, ctx: ExportContext, width: float) -> _PageFurniture:
        half = (width - 2 * SIDE_MARGIN) / 2 - 6
        fingerprint = clean(ctx.snapshot.fingerprint)[:16]
        return cls(
            name=fit_text(clean(ctx.snapshot.info.apprentice_name), SANS_BOLD, 8, half),
            standard=fit_text(ctx.standard_label, SANS, 8, half),
            footer=f"{ctx.export_date} · portfolio {fingerprint}…",
        )


def _decorate(
    canvas: Canvas, doc: BaseDocTemplate, furniture: _PageFurniture, state: BuildState
) -> None:
    """Header (apprentice, standard) and footer (Page X of Y, date, fingerprint)."""
    page_begins(state, canvas.getPageNumber())
    width, height = doc.pagesize
    left, right = SIDE_MARGIN, width - SIDE_MARGIN
    canvas.saveState()
    top = height - 12 * mm
    canvas.setFillColor(INK)
    draw_string(canvas, left, top, furniture.name, SANS_BOLD, 8)
    canvas.setFillColor(MUTED)
    draw_string(canvas, right, top, furniture.standard, SANS, 8, right=True)
    canvas.setFont(SANS, 8)
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.5)
    canvas.line(left, top - 4, right, top - 4)
    bottom = 10 * mm
    canvas.line(left, bottom + 10, right, bottom + 10)
    canvas.setFont(SANS, 7)
    canvas.drawRightString(right, bottom, furniture.footer)
    # "Page X of Y" is one form, drawn once Y is known: one run of text, so search and
    # copy read the line whole (not "Page 3 of" and "12" apart)
    canvas.translate(left, bottom)
    canvas.doForm(footer_form_name(canvas.getPageNumber()))
    canvas.restoreState()


def footer_form_name(page: int) -> str:
    return f"pageno--footer-{page}"


DRAFT_MARK = "DRAFT"
DRAFT_TINT = Color(0.8, 0.1, 0.1, alpha=0.14)
DRAFT_INK = Color(0.7, 0.1, 0.1)


def _draft_mark(canvas: Canvas, doc: BaseDocTemplate, state: BuildState) -> None:
    """A page a draft item occupies: a large diagonal DRAFT and a line in the header."""
    if canvas.getPageNumber() not in state.draft_pages:
        return
    width, height = doc.pagesize
    canvas.saveState()
    canvas.setFont(SANS_BOLD, 9)
    canvas.setFillColor(DRAFT_INK)
    canvas.drawCentredString(width / 2, height - 12 * mm - 14, f"{DRAFT_MARK}: not ready")
    canvas.translate(width / 2, height / 2)
    canvas.rotate(45)
    canvas.setFont(SANS_BOLD, 110)
    canvas.setFillColor(DRAFT_TINT)
    canvas.drawCentredString(0, -40, DRAFT_MARK)
    canvas.restoreState()


class _PortfolioCanvas(Canvas):
    """A canvas that dates the file from the portfolio and fills in deferred page numbers."""

    def __init__(self, *args: Any, ctx: ExportContext, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._ctx = ctx
        self._link_targets: dict[str, bytes] = {}
        stamp = pdf_date(ctx.snapshot.last_changed)
        self.setDateFormatter(lambda *_: stamp)
        self.showOutline()

    def linkRect(
        self,
        contents: str,
        destinationname: str,
        Rect: Any = None,
        addtopage: int = 1,
        name: str | None = None,
        relative: int = 1,
        thickness: float = 0,
        color: Any = None,
        dashArray: Any = None,
        **kw: Any,
    ) -> None:
        """Links to a bookmark: the common kind written quickly (``reportlab_private``)."""
        plain = not (contents or name or thickness or color or dashArray or kw) and addtopage
        if plain and add_internal_link(self, destinationname, Rect, relative, self._link_targets):
            return
        super().linkRect(
            contents, destinationname, Rect, addtopage, name, relative, thickness, color,
            dashArray, **kw,
        )  # fmt: skip

    def save(self) -> None:
        self._ctx.missing_glyphs = missing_glyphs(document_of(self))
        state = self._ctx.state
        state.total_pages = self.getPageNumber() - 1
        for number in range(1, state.total_pages + 1):
            self._page_number_form(
                footer_form_name(number), f"Page {number} of {state.total_pages}", align_right=False
            )
        for key in sorted(state.page_refs):
            page = state.pages.get(key)
            self._page_number_form(page_form_name(key), str(page) if page else "–")
        self._ctx.check_cancelled()
        super().save()

    def _page_number_form(self, name: str, text: str, align_right: bool = True) -> None:
        if align_right:
            self.beginForm(name, -60, -4, 60, 12)
        else:
            self.beginForm(name, 0, -4, 160, 12)
        size = 8 if not align_right else 8.5
        self.setFont(SANS, size)
        self.setFillColor(INK)
        if align_right:
            self.drawRightString(0, 0, text)
        else:
            self.drawString(0, 0, text)
        self.endForm()
