"""Plain, immutable views of portfolio data that services return.

Nothing here touches the database or Qt, so the PDF builder, the package
writer, the CLI and the UI can all consume the same values, in any thread.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from app.schema.portfolio import HintRecord, SourceRecord

if TYPE_CHECKING:
    from app.services.progress import ProgressSnapshot
    from app.services.signoff import SignoffOverview


@dataclass(frozen=True)
class CompetencyView:
    code: str
    kind: str  # knowledge | skill | behaviour | performance | ... (framework-defined)
    text: str
    name: str | None = None  # a short title where the framework gives one (DDaT skills)


@dataclass(frozen=True)
class GroupLinkView:
    competency: str
    level: str | None = None  # DDaT: awareness | working | practitioner | expert
    text: str | None = None


@dataclass(frozen=True)
class GroupView:
    code: str
    text: str
    name: str | None = None
    links: tuple[GroupLinkView, ...] = ()
    core: bool = True  # False: it belongs to the standard's ``options`` only
    options: tuple[int, ...] = ()

    @property
    def competency_codes(self) -> tuple[str, ...]:
        return tuple(link.competency for link in self.links)


@dataclass(frozen=True)
class OptionView:
    """One of a standard's options (its pathways), numbered from 1 in the standard's order."""

    n: int
    title: str


@dataclass(frozen=True)
class FrameworkSummary:
    key: str
    version: str
    title: str
    kind: str
    level: int | None
    competencies: int
    groups: int
    bundled: bool
    options: tuple[str, ...] = ()  # the standard's options' titles, numbered from 1


@dataclass(frozen=True)
class FrameworkView:
    key: str
    version: str
    title: str
    kind: str
    level: int | None
    group_label: str  # "Duty" for standards, "Role level" for DDaT, ...
    attribution: str
    source_url: str
    competencies: tuple[CompetencyView, ...]
    groups: tuple[GroupView, ...]
    options: tuple[OptionView, ...] = ()
    # the portfolio's chosen option: then groups and competencies are only the core
    # ones and that option's (what coverage counts)
    option: OptionView | None = None

    def competency(self, code: str) -> CompetencyView | None:
        return next((c for c in self.competencies if c.code == code), None)


@dataclass(frozen=True)
class TagView:
    code: str
    justification: str = ""
    framework: str = ""  # framework key; the portfolio's own framework when empty


@dataclass(frozen=True)
class AttachmentView:
    id: int
    name: str
    size: int
    sha256: str
    media_type: str


@dataclass(frozen=True)
class ItemSummary:
    """One row of the evidence list."""

    id: int
    ref: str
    title: str
    date: str  # ISO YYYY-MM-DD
    status: str  # draft | ready
    ksbs: tuple[str, ...]
    duties: tuple[str, ...]
    attachments: tuple[AttachmentView, ...]


@dataclass(frozen=True)
class ItemView(ItemSummary):
    body: str = ""
    created: str = ""  # ISO timestamps, UTC
    updated: str = ""
    ksb_tags: tuple[TagView, ...] = ()
    duty_tags: tuple[TagView, ...] = ()
    other_tags: tuple[TagView, ...] = ()  # tags against other frameworks

    @property
    def justifications(self) -> dict[str, str]:
        return {t.code: t.justification for t in (*self.ksb_tags, *self.duty_tags)}


@dataclass(frozen=True)
class PortfolioInfo:
    apprentice_name: str
    uln: str
    employer: str
    provider: str
    framework_key: str
    framework_version: str
    created: str
    updated: str
    option: OptionView | None = None  # the option of the standard the portfolio follows


@dataclass(frozen=True)
class CompetencyCoverage:
    code: str
    kind: str
    count: int  # items ready or later
    drafts: int
    met: bool
    items: tuple[str, ...]  # refs of the counted items


@dataclass(frozen=True)
class CellCoverage:
    group: str
    competency: str
    count: int


@dataclass(frozen=True)
class CoverageSummary:
    competencies: int
    met: int
    linked_cells: int
    covered_cells: int


@dataclass(frozen=True)
class CoverageReport:
    framework: str
    version: str
    target: int
    competencies: tuple[CompetencyCoverage, ...]
    cells: tuple[CellCoverage, ...]  # linked cells only
    summary: CoverageSummary
    groups: tuple[str, ...] = field(default=())  # group codes in framework order
    option: OptionView | None = None  # counted: the core duties and this option's

    def gaps(self) -> tuple[CompetencyCoverage, ...]:
        return tuple(c for c in self.competencies if not c.met)

    def cell(self, group: str, competency: str) -> CellCoverage | None:
        return next(
            (c for c in self.cells if c.group == group and c.competency == competency), None
        )


# An item's git provenance (and a KSB it suggests) is the very record portfolio.json carries.
SourceView = SourceRecord
SourceHint = HintRecord


@dataclass(frozen=True)
class PortfolioSnapshot:
    """Everything an export needs, read in one transaction."""

    info: PortfolioInfo
    framework: FrameworkView
    items: tuple[ItemView, ...]
    coverage: CoverageReport
    last_changed: str  # ISO timestamp of the newest change: the export's date
    fingerprint: str  # SHA-256 over the portfolio's content
    progress: ProgressSnapshot | None = None  # skills scans, off-the-job log, reviews
    signoff: SignoffOverview | None = None  # requests sent, statements imported
    sources: Mapping[str, SourceView] = field(default_factory=dict)  # by ref: git provenance
    # the work-based project (its scope and KSB mapping) once it is written, when the
    # standard's plan has one: app.services.project's Project and MappingRows
    project: Any = None
    project_mapping: tuple[Any, ...] = ()


@dataclass(frozen=True)
class Rendition:
    """An image re-encoded once, at print resolution, for placing in the PDF."""

    media_type: str  # image/jpeg | image/png
    width: int
    height: int
    data: bytes


# --- a deleted item, kept so that it can be put back (undo) -------------------------------------


@dataclass(frozen=True)
class TagSnapshot:
    """A tag by what it means (framework key and version, code), not by row id."""

    framework: str
    version: str
    code: str
    justification: str = ""


@dataclass(frozen=True)
class AttachmentSnapshot:
    """An attachment with its bytes (the blob may go once nothing else uses it)."""

    id: int
    name: str
    media_type: str
    position: int
    added: str
    sha256: str
    data: bytes = field(repr=False)
    rendition: Rendition | None = field(default=None, repr=False)


@dataclass(frozen=True)
class ItemSnapshot:
    """Everything that makes up one evidence item, to restore it exactly after a delete."""

    number: int
    ref: str
    title: str
    date: str
    status: str
    body: str
    created: str
    updated: str
    competencies: tuple[TagSnapshot, ...] = ()
    groups: tuple[TagSnapshot, ...] = ()
    attachments: tuple[AttachmentSnapshot, ...] = ()
    otj_entries: tuple[int, ...] = ()  # off-the-job log entries that named the item
    source: SourceView | None = None  # where an item imported from git came from
