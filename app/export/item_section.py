"""One section per evidence item: claims with justifications, reflection, images, files."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from xml.sax.saxutils import escape

from reportlab.platypus import Flowable, KeepTogether, PageBreak, Paragraph, Table

from app.export.context import (
    NOTICE_ONLY,
    PLAIN_REFLECTION,
    ExportContext,
    PdfOptions,
    clean,
    describe,
    ordered_items,
    plural,
)
from app.export.flowables import Anchor, Deferred, DraftEnd, ItemMarker
from app.export.images import image_flowables
from app.export.markdown_flow import markdown_flowables, plain_text_flowables
from app.export.markdown_html import MAX_REFLECTION_CHARS
from app.export.paragraphs import Para, linked_paragraph
from app.export.paragraphs import paragraphs as chunked
from app.export.signoff_pdf import confirmations_part
from app.export.styles import (
    BODY,
    CELL,
    CELL_BOLD,
    CELL_MONO,
    CELL_SMALL,
    CLAIM,
    ITEM_META,
    ITEM_TITLE,
    JUSTIFICATION,
    LABEL,
    LINK,
    NO_JUSTIFICATION,
    NOTICE,
    RULE,
    SECTION,
    SHADE,
    table_style,
)
from app.services.renditions import is_image
from app.services.views import ItemView, PortfolioSnapshot, TagView
from app.wording import human_size

log = logging.getLogger(__name__)

TITLE_LIMIT = 1000  # characters shown in an item's heading
NAME_LIMIT = 300  # characters of a file name shown (file systems allow 255)
STATUS_LABELS = {"draft": "Draft", "ready": "Ready"}


def evidence_section(ctx: ExportContext) -> list[Flowable]:
    out: list[Flowable] = [
        PageBreak(),
        Anchor("evidence", ctx.state, "Evidence"),
        Para("Evidence", SECTION),
    ]
    if not ctx.items:
        out.append(Para("There are no evidence items to include.", BODY))
    for index, item in enumerate(ctx.items):
        if index:
            out.append(PageBreak())
        out.append(Deferred(partial(_deferred_item, ctx, item, index)))
    return out


def _deferred_item(ctx: ExportContext, item: ItemView, index: int) -> list[Flowable]:
    ctx.check_cancelled()
    ctx.state.current_item = item.ref  # a failure from here on belongs to this item
    return item_flowables(ctx, item, index)


def item_flowables(ctx: ExportContext, item: ItemView, index: int) -> list[Flowable]:
    """The item's pages; a part that cannot be rendered is replaced by a notice."""
    draft = item.status == "draft"
    marker = ItemMarker(
        ctx.item_keys[item.ref], ctx.state, item_outline(item), item.ref, index, draft=draft
    )
    head = [marker, *_heading(item)]
    tail: list[Flowable] = [DraftEnd(ctx.state)] if draft else []
    level = ctx.degraded.get(item.ref, 0)
    if level >= NOTICE_ONLY:
        return [*head, _notice(_NOT_LAID_OUT), *_safe(partial(_attachments, item), item), *tail]
    body: list[Flowable] = []
    for part in (_claims_part, _reflection_part, _source_part, _images_part):
        body += _safe(partial(part, ctx, item, level), item)
    body += _safe(partial(_attachments, item), item)
    body += _safe(partial(confirmations_part, ctx, item), item)
    return head + body + tail


def item_outline(item: ItemView) -> str:
    return clean(f"{item.ref} {item.title}", 120)


_NOT_LAID_OUT = (
    "This item could not be laid out in the PDF. Its text and files are unchanged in the "
    "portfolio; open it in the app to see them."
)


def _safe(build: Callable[[], list[Flowable]], item: ItemView) -> list[Flowable]:
    """One failing part of one item costs that part, not the export."""
    try:
        return build()
    except Exception:
        log.exception("could not render part of %s", item.ref)
        return [_notice(_PART_FAILED)]


_PART_FAILED = "Part of this item could not be shown in the PDF; it is unchanged in the portfolio."


def _notice(text: str) -> Paragraph:
    return Para(f"<b>Notice:</b> {escape(text)}", NOTICE)


def _heading(item: ItemView) -> list[Flowable]:
    status = STATUS_LABELS.get(item.status, clean(item.status).capitalize())
    meta = [f"Date: {escape(clean(item.date))}", f"Status: {escape(status)}"]
    if item.updated and item.updated[:10] != item.date:
        meta.append(f"Last updated: {escape(clean(item.updated[:10]))}")
    title = escape(clean(item.title, TITLE_LIMIT)) or "<i>Untitled</i>"
    return [
        Para(f"{escape(clean(item.ref))} · {title}", ITEM_TITLE),
        Para(" · ".join(meta), ITEM_META),
    ]


def _claims_part(ctx: ExportContext, item: ItemView, level: int) -> list[Flowable]:
    framework = ctx.snapshot.framework
    out: list[Flowable] = []
    duties = _tags(item.duties, item.duty_tags)
    if duties:
        label = clean(framework.group_label) or "Group"
        out.append(Para(f"{escape(plural(label))} claimed", LABEL))
        groups = {g.code: g for g in framework.groups}
        for tag in duties:
            group = groups.get(tag.code)
            key = ctx.group_keys.get(tag.code)
            out += _claim(tag, group.text if group else "", key)
    ksbs = _tags(item.ksbs, item.ksb_tags)
    if ksbs:
        order = {c.code: n for n, c in enumerate(framework.competencies)}
        ksbs.sort(key=lambda t: order.get(t.code, len(order)))
        out.append(Para("Knowledge, skills and behaviours claimed", LABEL))
        for tag in ksbs:
            competency = framework.competency(tag.code)
            out += _claim(tag, describe(competency), ctx.ksb_keys.get(tag.code))
    if item.other_tags:
        out.append(Para("Also mapped to other frameworks", LABEL))
        for tag in item.other_tags:
            out += _claim(tag, "", None, prefix=f"{tag.framework} ")
    return out


def _tags(codes: tuple[str, ...], tags: tuple[TagView, ...]) -> list[TagView]:
    by_code = {t.code: t for t in tags}
    ordered = [by_code.get(code, TagView(code)) for code in dict.fromkeys(codes)]
    ordered += [t for t in tags if t.code not in set(codes)]
    return ordered


def _claim(tag: TagView, text: str, key: str | None, prefix: str = "") -> list[Flowable]:
    parts: list[tuple[str, bool, str | None]] = [(clean(prefix + tag.code), True, key)]
    if text:
        parts.append((f" — {clean(text, 400)}", False, None))
    line = linked_paragraph(parts, CLAIM, LINK)
    justification = clean(tag.justification) if tag.justification else ""
    if justification:
        # keep the apprentice's paragraphs
        paragraphs = [p for p in tag.justification.split("\n\n") if p.strip()]
        body = [f for p in paragraphs for f in chunked(escape(clean(p)), JUSTIFICATION)]
    else:
        body = [Para("No justification given.", NO_JUSTIFICATION)]
    return [line, *body]


SOURCE_COMMITS_SHOWN = 30


def _source_part(ctx: ExportContext, item: ItemView, level: int) -> list[Flowable]:
    """Where an item imported from git came from: repository, branch or tag, author, commits."""
    source = ctx.snapshot.sources.get(item.ref)
    if source is None:
        return []
    repository = escape(clean(source.repository, 200))
    if source.remote_url:
        repository += f" ({escape(clean(source.remote_url, 300))})"
    branch = escape(clean(source.branch, 200)) or "a branch"
    work = {
        "merge": f"a branch merged into {branch}",
        "tag": f"the release {escape(clean(source.tag, 200))}",
        "day": f"a day's commits on {branch}",
    }.get(source.kind, escape(clean(source.kind, 20)))
    lines = [f"Repository: {repository}", f"Work: {work}"]
    if source.author:
        lines.append(f"Author: {escape(clean(source.author, 300))}")
    shown = ", ".join(sha[:12] for sha in source.commits[:SOURCE_COMMITS_SHOWN])
    more = len(source.commits) - SOURCE_COMMITS_SHOWN
    count = "commit" if len(source.commits) == 1 else "commits"
    lines.append(
        f"{len(source.commits)} {count}: <font name='{CELL_MONO.fontName}'>{shown}</font>"
        + (f" and {more} more" if more > 0 else "")
    )
    return [Para("Source", LABEL), Para("<br/>".join(lines), ITEM_META)]


def _reflection_part(ctx: ExportContext, item: ItemView, level: int) -> list[Flowable]:
    if not item.body.strip():
        return []
    out: list[Flowable] = [Para("Reflection", LABEL)]
    if level >= PLAIN_REFLECTION:
        out.append(
            _notice(
                "This reflection could not be laid out with its formatting, so it is shown "
                "as typed."
            )
        )
        return out + plain_text_flowables(item.body)
    try:
        out += markdown_flowables(item.body)
    except Exception:
        log.exception("could not format the reflection of %s", item.ref)
        out.append(_notice("This reflection could not be formatted, so it is shown as typed."))
        out += plain_text_flowables(item.body)
        return out
    if len(item.body) > MAX_REFLECTION_CHARS:
        rest = len(item.body) - MAX_REFLECTION_CHARS
        out.append(
            _notice(
                f"The reflection is cut here: the PDF shows its first "
                f"{MAX_REFLECTION_CHARS:,} characters; the other {rest:,} are in the portfolio."
            )
        )
        ctx.warnings.append(
            f"{clean(item.ref)}'s reflection is cut at {MAX_REFLECTION_CHARS:,} characters in "
            f"the PDF ({rest:,} more are in the portfolio)."
        )
    return out


def _images_part(ctx: ExportContext, item: ItemView, level: int) -> list[Flowable]:
    images = [a for a in item.attachments if is_image(a.media_type)]
    if not images:
        return []
    out: list[Flowable] = []
    for attachment in images:
        try:
            rendition = ctx.blobs.rendition(attachment.sha256)
        except Exception:
            log.exception("could not read the rendition of %s", attachment.sha256)
            rendition = None
        parts = image_flowables(attachment, rendition, ctx.frame_height * 0.7)
        if not out:  # the label stays with the first picture
            parts.insert(0, Para("Images", LABEL))
        out.append(KeepTogether(parts))
    return out


def placed_images(snapshot: PortfolioSnapshot, options: PdfOptions) -> list[str]:
    """The SHA-256 of each image the PDF places, in the order it places them.

    Renditions made in this order are ready as the layout reaches them.
    """
    digests = (
        a.sha256
        for item in ordered_items(snapshot, options)
        for a in item.attachments
        if is_image(a.media_type)
    )
    return list(dict.fromkeys(digests))


def _attachments(item: ItemView) -> list[Flowable]:
    if not item.attachments:
        return []
    rows: list[list[Paragraph]] = [
        [Para(h, CELL_BOLD) for h in ("Name", "Type", "Size", "SHA-256")]
    ]
    for a in item.attachments:
        digest = escape(clean(a.sha256))
        rows.append(
            [
                Para(escape(clean(a.name, NAME_LIMIT)), CELL),
                Para(escape(clean(a.media_type)), CELL_SMALL),
                Para(human_size(a.size), CELL_SMALL),
                Para(f"{digest[:32]} {digest[32:]}", CELL_MONO),
            ]
        )
    table = Table(rows, colWidths=["35%", "16%", "11%", "38%"], repeatRows=1, splitInRow=1)
    table.setStyle(
        table_style(
            [
                ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return [Para("Attachments", LABEL), table]
