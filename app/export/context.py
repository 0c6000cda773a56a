"""What every part of the PDF builder shares: options, the items in order, bookmark keys."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from app.errors import PortfolioError
from app.export.flowables import BuildState
from app.export.markdown_html import strip_controls
from app.services.blob_source import BlobSource
from app.services.views import CompetencyView, ItemView, PortfolioSnapshot


class ExportCancelled(PortfolioError):
    """The user cancelled the export; nothing was written."""


ASSESSOR, REVIEW = "assessor", "review"
AUDIENCES = (ASSESSOR, REVIEW)
Audience = Literal["assessor", "review"]


@dataclass(frozen=True)
class PdfOptions:
    """What goes into one PDF.

    ``audience`` picks the copy: the assessor's copy (the default) holds the evidence,
    the mapping and the declaration; the review copy for the provider and employer adds
    the programme records (skills scans, the off-the-job log, progress reviews). Drafts
    are left out of either unless ``include_drafts``; when included, every page a draft
    occupies carries a DRAFT mark.
    """

    include_drafts: bool = False
    audience: Audience = "assessor"
    order: Literal["date", "ksb"] = "date"
    page_size: Literal["A4", "Letter"] = "A4"
    signer_fingerprint: str | None = None
    signed: bool = False  # the PDF is signed: the declaration carries the apprentice's signature


@dataclass(frozen=True)
class PdfResult:
    pages: int
    size: int  # bytes
    warnings: tuple[str, ...] = ()  # what the PDF could not show (cut text, missing glyphs)


# How far an item's rendering has been simplified after it failed to lay out.
FORMATTED, PLAIN_REFLECTION, NOTICE_ONLY = 0, 1, 2


@dataclass
class ExportContext:
    snapshot: PortfolioSnapshot
    blobs: BlobSource
    options: PdfOptions
    frame_width: float
    frame_height: float
    state: BuildState
    cancelled: Callable[[], bool] = lambda: False
    degraded: dict[str, int] = field(default_factory=dict)  # ref -> FORMATTED...
    items: tuple[ItemView, ...] = ()
    item_keys: dict[str, str] = field(default_factory=dict)  # ref -> bookmark
    ksb_keys: dict[str, str] = field(default_factory=dict)  # competency code -> bookmark
    group_keys: dict[str, str] = field(default_factory=dict)  # group code -> bookmark
    warnings: list[str] = field(default_factory=list)  # for PdfResult.warnings
    missing_glyphs: list[str] = field(default_factory=list)  # characters no font could show

    def __post_init__(self) -> None:
        framework = self.snapshot.framework
        self.items = ordered_items(self.snapshot, self.options)
        self.item_keys = {item.ref: f"item-{i}" for i, item in enumerate(self.items)}
        self.ksb_keys = {c.code: f"ksb-{i}" for i, c in enumerate(framework.competencies)}
        self.group_keys = {g.code: f"group-{i}" for i, g in enumerate(framework.groups)}

    def check_cancelled(self) -> None:
        if self.cancelled():
            raise ExportCancelled("The PDF export was cancelled; no file was written.")

    @property
    def standard_label(self) -> str:
        f = self.snapshot.framework
        option = f", option {f.option.n}: {f.option.title}" if f.option is not None else ""
        return clean(f"{f.title} ({f.key} v{f.version}{option})")

    @property
    def export_date(self) -> str:
        """The portfolio's last change, as a UK date ("2 March 2026")."""
        moment = parse_timestamp(self.snapshot.last_changed)
        return uk_date(moment) if moment else "date unknown"


def ordered_items(snapshot: PortfolioSnapshot, options: PdfOptions) -> tuple[ItemView, ...]:
    items = [i for i in snapshot.items if options.include_drafts or i.status != "draft"]
    if options.order == "ksb":
        position = {c.code: n for n, c in enumerate(snapshot.framework.competencies)}
        last = len(position)

        def first_ksb(item: ItemView) -> int:
            return min((position.get(code, last) for code in item.ksbs), default=last + 1)

        items.sort(key=lambda i: (first_ksb(i), i.date, i.ref))
    else:
        items.sort(key=lambda i: (i.date, i.ref))
    return tuple(items)


def parse_timestamp(value: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value.strip())
    except (ValueError, AttributeError):
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def uk_date(moment: datetime) -> str:
    """A date such as 2 March 2026, whatever the process locale (Qt may change it)."""
    return f"{moment.day} {_MONTHS[moment.month - 1]} {moment.year}"


def pdf_date(value: str) -> str:
    """A PDF date string (D:YYYYMMDDHHmmSS+00'00') for an ISO timestamp."""
    moment = parse_timestamp(value) or datetime(2000, 1, 1, tzinfo=UTC)
    return f"D:{moment:%Y%m%d%H%M%S}+00'00'"


def describe(competency: CompetencyView | None) -> str:
    """A competency's name and text, as much of them as the framework gives."""
    if competency is None:
        return ""
    parts = [clean(part) for part in (competency.name or "", competency.text) if part]
    return " — ".join(p for p in parts if p)


def plural(noun: str) -> str:
    """English plural of a framework's group label: Duty → Duties, Role level → Role levels."""
    if not noun:
        return noun
    if noun.endswith("y") and noun[-2:-1].lower() not in ("a", "e", "i", "o", "u"):
        return noun[:-1] + "ies"
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    return noun + "s"


def clean(text: str, limit: int | None = None) -> str:
    """User text ready for one line of display: no control characters, no newlines."""
    flat = " ".join(strip_controls(text).split())
    if limit is not None and len(flat) > limit:
        return flat[: limit - 1] + "…"
    return flat
