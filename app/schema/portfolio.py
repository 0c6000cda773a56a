"""``portfolio.json`` (``apprentice-portfolio-json/1``): the whole portfolio as one document.

The package writer builds these records from the database and encodes them; ``import
package``, ``verify`` and review mode decode the very same records. Limits are the
``Meta`` constraints on each field; what spans fields (an item's ref is its number,
codes are not repeated, every link points at something the document carries) is in
``check``. Framework documents ride along as plain objects: the framework schema checks
them (``app.services.frameworks.check_document``), the same check ``frameworks import``
uses.
"""

from __future__ import annotations

import re
from datetime import date as Date
from typing import Annotated, Any

import msgspec
from msgspec import Meta

from app.schema.assessment_records import AssessmentRecord
from app.schema.base import (
    CODE_PATTERN,
    MAX_WEEK_MINUTES,
    MAX_WHOLE,
    IsoDate,
    Record,
    SchemaError,
    Sha256,
    Stamp,
    canonical,
    check_format,
    decode,
    dotted,
    nonblank,
    once,
    one_of,
    pattern,
    text,
    whole,
)

FORMAT = "apprentice-portfolio-json/1"

# --- what the app allows anywhere (services import these) ---------------------------------------

STATUSES = ("draft", "ready")
MAX_TITLE = 500
MAX_ATTACHMENT_BYTES = 512 * 1024 * 1024
RULE_2022 = "2022-weekly"
RULE_2025 = "2025-fixed"
RULES = (RULE_2022, RULE_2025)
MAX_ENTRY_MINUTES = 24 * 60
MAX_DESCRIPTION = 200_000
# Stored key → label. The keys are the CSV's values (labels are accepted too).
ACTIVITIES: dict[str, str] = {
    "taught-session": "Taught session",
    "e-learning": "E-learning",
    "shadowing": "Shadowing",
    "mentoring": "Mentoring",
    "self-study": "Self-study",
    "industry-visit": "Industry visit",
    "writing-assignments": "Writing assignments",
    "practical-training": "Practical training",
    "workshop": "Workshop or seminar",
    "simulation": "Simulation exercise",
    "competition": "Competition",
    "other": "Other",
}
ROLES = ("apprentice", "employer", "provider", "other")
MAX_NOTES = 1_000_000  # a review's notes, an action's owner, a confirmation's role
MAX_NOTE = 200_000  # a skills scan's note and a rating's note

# --- the document's own limits: far beyond a real portfolio, well short of a bomb ---------------

MAX_ITEMS = 100_000
MAX_FRAMEWORKS = 64
MAX_TAGS_PER_ITEM = 1_000
MAX_ATTACHMENTS_PER_ITEM = 1_000
MAX_SHORT_TEXT = 10_000
MAX_BODY = 20_000_000  # a reflection, in characters
MAX_SCANS = 10_000
MAX_RATINGS_PER_SCAN = 10_000
MAX_CONFIRMATIONS_PER_SCAN = 1_000
MAX_OTJ_ENTRIES = 200_000
MAX_LINKS_PER_ENTRY = 1_000
MAX_REVIEWS = 10_000
MAX_PEOPLE_PER_REVIEW = 1_000
MAX_ACTIONS_PER_REVIEW = 1_000
MAX_REVIEW_MINUTES = 100_000 * 60
MAX_PLAN_DAYS = 10 * 366
MAX_AGREED_MONTHS = 12  # an agreed other review frequency (2025/26 rule 92.1)
MAX_NAME = 10_000  # names are kept under 500 characters when typed; a margin for older files
MAX_TYPED_NAME = 500
MAX_ACTION = 5_000

Code = Annotated[str, pattern(CODE_PATTERN, "is not a code", 32)]
Version = Annotated[str, pattern(CODE_PATTERN, "is not a version number", 32)]
Id = Annotated[int, whole(1, MAX_WHOLE)]
Ref = Annotated[str, pattern(r"^E\d{3,9}$", "must be an evidence ref such as E001")]
Kind = Annotated[str, one_of(("competency", "group"))]
TypedName = Annotated[str, nonblank(MAX_TYPED_NAME)]  # a person's name as typed


def uln_check_digit_ok(uln: str) -> bool:
    """The Learning Records Service's check on a 10-digit ULN: the first digit is not 0,
    and the digits weighted 10, 9, … 1 sum to a remainder of 10 when divided by 11."""
    if not re.fullmatch(r"\d{10}", uln):
        return False
    weighted = sum(int(digit) * (10 - n) for n, digit in enumerate(uln))
    return uln[0] != "0" and weighted % 11 == 10


# --- evidence -----------------------------------------------------------------------------------


class Tag(Record):
    code: Code
    justification: Annotated[str, text(MAX_NOTES)]


class OtherTag(Record):
    """A tag against a framework other than the portfolio's own."""

    framework: Code
    version: Version
    kind: Kind
    code: Code
    justification: Annotated[str, text(MAX_NOTES)]


class AttachmentRecord(Record):
    name: Annotated[str, nonblank(1_000)]
    size: Annotated[int, whole(0, MAX_ATTACHMENT_BYTES)]
    sha256: Sha256
    media_type: Annotated[str, nonblank(128)]
    added: Stamp


MAX_SOURCE_COMMITS = 10_000
MAX_HINTS = 200
CommitId = Annotated[str, pattern(r"^[0-9a-f]{40}$", "must be a commit id (40 hex digits)")]


class HintRecord(Record, kw_only=False):
    """A KSB a git source suggests, with its reasons (``changed ci.yml → K1``): never a
    claim until it is ticked."""

    code: Code
    reasons: Annotated[tuple[Annotated[str, text(1_000)], ...], Meta(max_length=20)] = ()


class SourceRecord(Record):
    """Where an item imported from a git repository came from (its provenance)."""

    kind: Annotated[str, one_of(("merge", "tag", "day"))]
    repository: Annotated[str, nonblank(1_000)]
    commits: Annotated[tuple[CommitId, ...], Meta(min_length=1, max_length=MAX_SOURCE_COMMITS)]
    remote_url: Annotated[str, text(4_000)] = ""
    branch: Annotated[str, text(1_000)] = ""
    tag: Annotated[str, text(1_000)] = ""
    author: Annotated[str, text(1_000)] = ""
    hints: Annotated[tuple[HintRecord, ...], Meta(max_length=MAX_HINTS)] = ()
    imported: Stamp = ""


class ItemRecord(Record):
    ref: Annotated[str, text(16)]
    number: Annotated[int, whole(1, 10**9 - 1)]
    title: Annotated[str, nonblank(MAX_TITLE)]
    date: IsoDate
    status: Annotated[str, one_of(STATUSES)]
    body: Annotated[str, text(MAX_BODY)]
    created: Stamp
    updated: Stamp
    ksbs: Annotated[tuple[Tag, ...], Meta(max_length=MAX_TAGS_PER_ITEM)]
    duties: Annotated[tuple[Tag, ...], Meta(max_length=MAX_TAGS_PER_ITEM)]
    other_tags: Annotated[tuple[OtherTag, ...], Meta(max_length=MAX_TAGS_PER_ITEM)]
    attachments: Annotated[tuple[AttachmentRecord, ...], Meta(max_length=MAX_ATTACHMENTS_PER_ITEM)]
    # items imported from git: written only for them, so other documents keep their bytes
    source: SourceRecord | None = None


# --- the portfolio's details and frameworks -----------------------------------------------------


class FrameworkRef(Record):
    key: Code
    version: Version
    # the option of the standard the portfolio follows (a number in its document's
    # "options"); left out for a standard without options
    option: Annotated[int, whole(1, 50)] | None = None


class DetailsRecord(Record):
    apprentice_name: Annotated[str, nonblank(MAX_SHORT_TEXT)]
    uln: Annotated[str, pattern(r"^(\d{10})?\Z", "must be 10 digits")]
    employer: Annotated[str, text(MAX_SHORT_TEXT)]
    provider: Annotated[str, text(MAX_SHORT_TEXT)]
    framework: FrameworkRef
    next_item_number: Annotated[int, whole(1, 10**9)]
    created: Stamp
    updated: Stamp

    @property
    def framework_key(self) -> str:
        return self.framework.key

    @property
    def framework_version(self) -> str:
        return self.framework.version


class FrameworkRecord(Record):
    """A framework document the portfolio uses, carried whole (see ``frameworks``)."""

    key: Code
    version: Version
    bundled: bool
    document: dict[str, Any]


# --- programme records --------------------------------------------------------------------------


class CompetencyRef(msgspec.Struct, frozen=True, kw_only=True):
    """A competency of any framework the document carries: key, version and code."""

    framework: Code
    version: Version
    code: Code


class RatingRecord(Record):
    framework: Code
    version: Version
    code: Code
    rating: Annotated[int, whole(0, 4)]  # the DDaT scale
    agreed: Annotated[int, whole(0, 4)] | None  # the employer's rating, where it differs
    note: Annotated[str, text(MAX_NOTE)]

    @property
    def competency(self) -> CompetencyRef:
        return CompetencyRef(framework=self.framework, version=self.version, code=self.code)


class ConfirmationRecord(Record):
    name: Annotated[str, nonblank(MAX_NAME)]
    role: Annotated[str, text(MAX_NOTES)]
    date: IsoDate


class ScanRecord(Record):
    id: Id
    date: IsoDate
    note: Annotated[str, text(MAX_NOTE)]
    created: Stamp
    updated: Stamp
    ratings: Annotated[tuple[RatingRecord, ...], Meta(max_length=MAX_RATINGS_PER_SCAN)]
    confirmations: Annotated[
        tuple[ConfirmationRecord, ...], Meta(max_length=MAX_CONFIRMATIONS_PER_SCAN)
    ]


class RoleLevelRecord(Record):
    level: Code | None  # a DDaT role level (group) code, such as L3
    updated: Stamp


class PlanRecord(Record):
    start: IsoDate
    gateway: IsoDate
    contracted_minutes: Annotated[int, whole(1, MAX_WEEK_MINUTES)]  # per week
    rule: Annotated[str, one_of(RULES)]
    fixed_minutes: Annotated[int, whole(1, 10**9)] | None
    leave_weeks: Annotated[float, Meta(ge=0, extra={"says": "must be a number of weeks"})] | None
    updated: Stamp
    # 2025/26 funding rules (optional: older packages have none of these)
    rpl_minutes: Annotated[int, whole(0, 10**9)] = 0
    minimum_source: Annotated[str, text(500)] = ""
    minimum_date: IsoDate | None = None
    review_months: Annotated[int, whole(1, MAX_AGREED_MONTHS)] | None = None
    review_reason: Annotated[str, text(2000)] = ""


class EntryRecord(Record):
    id: Id
    date: IsoDate
    minutes: Annotated[int, whole(1, MAX_ENTRY_MINUTES)]
    activity: Annotated[str, one_of(tuple(ACTIVITIES))]
    description: Annotated[str, text(MAX_DESCRIPTION)]
    created: Stamp
    updated: Stamp
    competencies: Annotated[tuple[CompetencyRef, ...], Meta(max_length=MAX_LINKS_PER_ENTRY)]
    items: Annotated[tuple[Ref, ...], Meta(max_length=MAX_LINKS_PER_ENTRY)]


class ParticipantRecord(Record):
    role: Annotated[str, one_of(ROLES)]
    name: Annotated[str, nonblank(MAX_NAME)]


class ActionRecord(Record):
    id: Id
    text: Annotated[str, nonblank(MAX_ACTION)]
    owner: Annotated[str, text(MAX_NOTES)]
    due: IsoDate | None
    done: bool


class ReviewRecord(Record):
    id: Id
    date: IsoDate
    notes: Annotated[str, text(MAX_NOTES)]
    otj_minutes: Annotated[int, whole(0, MAX_REVIEW_MINUTES)] | None
    created: Stamp
    updated: Stamp
    participants: Annotated[tuple[ParticipantRecord, ...], Meta(max_length=MAX_PEOPLE_PER_REVIEW)]
    actions: Annotated[tuple[ActionRecord, ...], Meta(max_length=MAX_ACTIONS_PER_REVIEW)]


class OtjRecord(Record):
    plan: PlanRecord | None
    entries: Annotated[tuple[EntryRecord, ...], Meta(max_length=MAX_OTJ_ENTRIES)]


class ProgrammeRecord(Record):
    """Skills scans, the off-the-job plan and log, progress reviews, the chosen role level."""

    role_level: RoleLevelRecord | None
    scans: Annotated[tuple[ScanRecord, ...], Meta(max_length=MAX_SCANS)]
    otj: OtjRecord
    reviews: Annotated[tuple[ReviewRecord, ...], Meta(max_length=MAX_REVIEWS)]

    @property
    def plan(self) -> PlanRecord | None:
        return self.otj.plan

    @property
    def entries(self) -> tuple[EntryRecord, ...]:
        return self.otj.entries

    @property
    def empty(self) -> bool:
        return not (self.role_level or self.scans or self.plan or self.entries or self.reviews)

    def competencies(self) -> list[tuple[str, CompetencyRef]]:
        """(where, competency) of every link to a competency, for checking the frameworks."""
        found = [
            (f"programme.scans[{n}]", r.competency)
            for n, scan in enumerate(self.scans)
            for r in scan.ratings
        ]
        found += [
            (f"programme.otj.entries[{n}]", ref)
            for n, entry in enumerate(self.entries)
            for ref in entry.competencies
        ]
        return found

    def content(self) -> dict[str, Any]:
        """This object without its timestamps: what the content fingerprint covers."""

        def strip(value: Any) -> Any:
            if isinstance(value, dict):
                return {k: strip(v) for k, v in value.items() if k not in _STAMPS}
            if isinstance(value, list):
                return [strip(v) for v in value]
            return value

        result: dict[str, Any] = strip(msgspec.to_builtins(self))
        return result


NO_PROGRAMME = ProgrammeRecord(
    role_level=None, scans=(), otj=OtjRecord(plan=None, entries=()), reviews=()
)
_STAMPS = frozenset({"created", "updated"})


# --- the document -------------------------------------------------------------------------------


class PortfolioDocument(Record):
    format: str
    fingerprint: Annotated[str, text(64)]  # the portfolio's content fingerprint (PDF cover)
    signer: Annotated[str, text(64)] | None  # the fingerprint of the key that signed the package
    last_changed: Stamp
    portfolio: DetailsRecord
    frameworks: Annotated[tuple[FrameworkRecord, ...], Meta(max_length=MAX_FRAMEWORKS)]
    items: Annotated[tuple[ItemRecord, ...], Meta(max_length=MAX_ITEMS)]
    # written only when the portfolio has programme records: files without it are still /1
    programme: ProgrammeRecord | None = None
    # imported assessment plans, the project workspace, discussion notes (when any)
    assessment: AssessmentRecord | None = None

    @property
    def details(self) -> DetailsRecord:
        return self.portfolio

    @property
    def records(self) -> ProgrammeRecord:
        """The programme records (empty when the document has none)."""
        return self.programme or NO_PROGRAMME

    def attachment_digests(self) -> set[str]:
        return {a.sha256 for item in self.items for a in item.attachments}

    def framework(self, key: str, version: str) -> FrameworkRecord | None:
        return next((f for f in self.frameworks if (f.key, f.version) == (key, version)), None)


class _RefOnly(msgspec.Struct):
    ref: Any = None
    number: Any = None


class _Refs(msgspec.Struct):
    items: list[_RefOnly] = []


encode = canonical  # the same portfolio always gives the same ``portfolio.json``


def decode_document(data: bytes) -> PortfolioDocument:
    """``portfolio.json`` bytes, decoded and checked; ``SchemaError`` names the first problem.

    Framework documents are left to the caller (``frameworks.check_document``).
    """
    check_format(data, FORMAT, "portfolio.json")
    document = decode(data, PortfolioDocument, name="portfolio.json", place=_placer(data))
    check(document)
    return document


def _placer(data: bytes) -> Any:
    """Paths as a user reads them: an item by its ref (``E003.date``) once its ref is sound."""
    refs: list[str | None] | None = None

    def place(path: list[str | int]) -> str:
        nonlocal refs
        if len(path) >= 3 and path[0] == "items" and isinstance(path[1], int):
            if path[2] in ("ref", "number"):
                return dotted(path)
            if refs is None:
                refs = _item_refs(data)
            if path[1] < len(refs) and refs[path[1]] is not None:
                return dotted([str(refs[path[1]]), *path[2:]])
        return dotted(path)

    return place


def _item_refs(data: bytes) -> list[str | None]:
    try:
        found = msgspec.json.decode(data, type=_Refs).items
    except (msgspec.DecodeError, msgspec.ValidationError, RecursionError):
        return []
    return [
        i.ref
        if isinstance(i.number, int) and isinstance(i.ref, str) and i.ref == _ref(i.number)
        else None
        for i in found
    ]


def _ref(number: int) -> str:
    return f"E{number:03d}"


# --- checks across fields -----------------------------------------------------------------------


def check(document: PortfolioDocument) -> None:
    """Everything a constraint cannot say: raise ``SchemaError`` naming the first problem."""
    details = document.details
    if details.uln and not uln_check_digit_ok(details.uln):
        raise SchemaError(
            f"portfolio.uln {details.uln} fails the Unique Learner Number check digit "
            "(mistyped, or made up)"
        )
    once(
        [(f.key, f.version) for f in document.frameworks],
        "portfolio.json lists the framework {} twice",
        lambda kv: f"{kv[0]} v{kv[1]}",
    )
    carried = {(f.key, f.version) for f in document.frameworks}
    if (details.framework_key, details.framework_version) not in carried:
        raise SchemaError(
            f"the portfolio follows {details.framework_key} v{details.framework_version}, "
            "which is not among its frameworks"
        )
    for n, item in enumerate(document.items):
        _check_item(item, n, carried, details.framework)
    refs = [i.ref for i in document.items]
    once(refs, "portfolio.json lists {} twice")
    if refs and max(i.number for i in document.items) >= details.next_item_number:
        raise SchemaError("portfolio.next_item_number must be above every item's number")
    sizes: dict[str, int] = {}
    for item in document.items:
        for attachment in item.attachments:
            if sizes.setdefault(attachment.sha256, attachment.size) != attachment.size:
                raise SchemaError(
                    f"two attachments with SHA-256 {attachment.sha256} differ in size"
                )
    if document.programme is not None:
        _check_programme(document.programme, carried, set(refs))
    if document.assessment is not None:
        _check_assessment(document.assessment)


def _check_item(item: ItemRecord, n: int, carried: set[tuple[str, str]], own: FrameworkRef) -> None:
    if item.ref != _ref(item.number):
        raise SchemaError(f"items[{n}].ref must be E followed by its number ({item.number:03d})")
    where = item.ref
    if _real_date(item.date) is None:
        raise SchemaError(f"{where}.date is not a date (YYYY-MM-DD)")
    # one row per item and competency (or duty): a tag on the portfolio's own framework
    # among other_tags is the same row as its ksbs or duties entry
    tags = [(own.key, own.version, "competency", t.code) for t in item.ksbs]
    tags += [(own.key, own.version, "group", t.code) for t in item.duties]
    tags += [(t.framework, t.version, t.kind, t.code) for t in item.other_tags]
    once(tags, f"{where} is tagged {{}} twice", lambda tag: _tag_name(tag, own))
    for tag in item.other_tags:
        if (tag.framework, tag.version) not in carried:
            raise SchemaError(
                f"items[{n}] is tagged against {tag.framework} v{tag.version}, "
                "which is not among its frameworks"
            )


def _check_programme(
    programme: ProgrammeRecord, carried: set[tuple[str, str]], refs: set[str]
) -> None:
    for where, competency in programme.competencies():
        if (competency.framework, competency.version) not in carried:
            raise SchemaError(
                f"{where} names {competency.framework} v{competency.version}, "
                "which is not among its frameworks"
            )
    once([s.id for s in programme.scans], "portfolio.json lists skills scan {} twice")
    for n, scan in enumerate(programme.scans):
        where = f"programme.scans[{n}]"
        _exists(scan.date, f"{where}.date")
        once(
            [r.competency for r in scan.ratings],
            f"skills scan {scan.id} rates {{}} twice",
            _competency,
        )
        for m, confirmation in enumerate(scan.confirmations):
            _exists(confirmation.date, f"{where}.confirmations[{m}].date")
    if programme.plan is not None:
        _check_plan(programme.plan, "programme.otj.plan")
    once(
        [e.id for e in programme.entries],
        "portfolio.json lists off-the-job entry {} twice",
    )
    for n, entry in enumerate(programme.entries):
        where = f"programme.otj.entries[{n}]"
        _exists(entry.date, f"{where}.date")
        linked = f"off-the-job entry {entry.id} is linked to {{}} twice"
        once(list(entry.competencies), linked, _competency)
        once(list(entry.items), linked)
        for ref in entry.items:
            if ref not in refs:
                raise SchemaError(f"{where} is linked to {ref}, which is not among its items")
    once(
        [r.id for r in programme.reviews],
        "portfolio.json lists progress review {} twice",
    )
    once(
        [a.id for r in programme.reviews for a in r.actions],
        "portfolio.json lists review action {} twice",
    )
    for n, review in enumerate(programme.reviews):
        where = f"programme.reviews[{n}]"
        _exists(review.date, f"{where}.date")
        for m, action in enumerate(review.actions):
            if action.due is not None:
                _exists(action.due, f"{where}.actions[{m}].due")


def _check_plan(plan: PlanRecord, where: str) -> None:
    start = _exists(plan.start, f"{where}.start")
    gateway = _exists(plan.gateway, f"{where}.gateway")
    days = (gateway - start).days
    if not 0 < days <= MAX_PLAN_DAYS:
        raise SchemaError(f"{where}.gateway must come after the start, within ten years")
    if plan.rule == RULE_2025 and plan.fixed_minutes is None:
        raise SchemaError(f"{where}.fixed_minutes is needed by the rule {RULE_2025}")
    if plan.leave_weeks is not None and not plan.leave_weeks < days / 7:
        raise SchemaError(f"{where}.leave_weeks must be a number of weeks inside the plan")


def _real_date(value: str) -> Date | None:
    try:
        return Date.fromisoformat(value)
    except ValueError:
        return None


def _exists(value: str, where: str) -> Date:
    found = _real_date(value)
    if found is None:
        raise SchemaError(f"{where} is not a date that exists")
    return found


def _check_assessment(assessment: AssessmentRecord) -> None:
    """One row per imported plan (by its key), project week, project note and theme."""
    keys = [_plan_key(text) for text in assessment.plans]
    once(
        [key for key in keys if key is not None],
        "portfolio.json carries the assessment plan {} twice",
    )
    project = assessment.project
    if project is not None:
        once(
            [w.week for w in project.weeks],
            "portfolio.json lists project week {} twice",
        )
        once(
            [n.code for n in project.notes],
            "portfolio.json lists the project note on {} twice",
        )
    once(
        [d.theme for d in assessment.discussion],
        "portfolio.json lists the discussion notes on {} twice",
    )


class _PlanKey(msgspec.Struct):
    key: Any = None


def _plan_key(text: str) -> str | None:
    """An imported plan's key, where it has one (a plan that is not one is refused, in
    its own words, when the portfolio is rebuilt)."""
    try:
        key = msgspec.json.decode(text, type=_PlanKey).key
    except (msgspec.DecodeError, msgspec.ValidationError, RecursionError):
        return None
    return key if isinstance(key, str) else None


def _tag_name(tag: tuple[str, str, str, str], own: FrameworkRef) -> str:
    framework, version, _kind, code = tag
    if (framework, version) == (own.key, own.version):
        return code
    return f"{code} of {framework} v{version}"


def _competency(ref: CompetencyRef) -> str:
    return f"{ref.code} ({ref.framework} v{ref.version})"
