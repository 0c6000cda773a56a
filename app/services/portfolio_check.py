"""``portfolio.json`` read without a database: the one reader, content hashes, and the
fingerprint the portfolio rebuilt from a document would have.

``parse_document`` is the one reader: ``verify``, ``import package`` and review mode
all accept exactly what it accepts. ``rebuilt_fingerprint`` tells ``verify`` what
``import package`` would read back from the database it builds (its items in number
order, its tags in their framework's order, the frameworks this app bundles used as
installed), and ``signoff_restores`` whether its sign-off records go back in, so that
a package whose portfolio plainly rebuilds is not rebuilt just to be checked; where
they cannot tell, they say so and the caller rebuilds (``app.export.package.restore_into``).

No SQLAlchemy, no Qt: ``portfolio verify`` imports this (tests/test_cli_imports.py).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

import msgspec

from app.errors import InvalidInputError
from app.schema import framework as framework_schema
from app.schema import portfolio as schema
from app.schema.assessment_records import AssessmentRecord
from app.schema.base import SchemaError
from app.schema.framework import FrameworkDocument
from app.schema.portfolio import (
    CompetencyRef,
    ItemRecord,
    PortfolioDocument,
    ProgrammeRecord,
    encode,
)
from app.schema.signoff import SignoffRecords, VerifiedResponse

# --- reading ------------------------------------------------------------------------------------


def parse_document(data: bytes) -> PortfolioDocument:
    """Validate ``portfolio.json`` bytes completely; refuse with one sentence naming the place.

    The records and their limits are the schema's (``app.schema.portfolio``); every
    framework document it carries passes the one framework check (``frameworks import``'s).
    """
    try:
        document = schema.decode_document(data)
        for n, record in enumerate(document.frameworks):
            where = f"frameworks[{n}]"
            carried = framework_schema.from_builtins(record.document, f"{where}.document")
            if (carried.key, carried.version) != (record.key, record.version):
                raise SchemaError(
                    f"{where} names {record.key} v{record.version} but its document is "
                    "another framework"
                )
            _check_option(document, carried)
    except SchemaError as exc:
        problem = str(exc)  # a problem of the file as a whole names the file already
        if not problem.startswith("portfolio.json"):
            problem = f"portfolio.json is not valid: {problem}"
        raise InvalidInputError(f"{problem}.") from exc
    return document


def _check_option(document: PortfolioDocument, carried: FrameworkDocument) -> None:
    """The option the portfolio follows is one its standard (``carried``, if it is) lists."""
    ref = document.details.framework
    follows = (ref.key, ref.version) == (carried.key, carried.version)
    if follows and ref.option is not None and carried.option(ref.option) is None:
        raise SchemaError(
            f"the portfolio follows option {ref.option} of {ref.key} v{ref.version}, "
            "which has no such option"
        )


# --- content hashes -----------------------------------------------------------------------------

# What a signed statement confirms: the item's content, not its status or timestamps.
CONTENT_KEYS = ("title", "date", "body", "ksbs", "duties", "other_tags")


def content_record(record: ItemRecord | Mapping[str, Any]) -> dict[str, Any]:
    """The content part of an ``item_record``: title, date, body, claims with their
    justifications, and the attachments' SHA-256s."""
    fields = record if isinstance(record, Mapping) else msgspec.to_builtins(record)
    content = {key: fields[key] for key in CONTENT_KEYS}
    content["attachments"] = [a["sha256"] for a in fields["attachments"]]
    return content


def content_hash(record: ItemRecord | Mapping[str, Any]) -> str:
    """The SHA-256 of an item's content record in ``portfolio.json``'s canonical bytes."""
    return hash_content(content_record(record))


def hash_content(content: Mapping[str, Any]) -> str:
    """The SHA-256 of a content record (as ``content_record`` makes it, or as a sign-off
    request carries it) in ``portfolio.json``'s canonical bytes."""
    return hashlib.sha256(encode(content)).hexdigest()


# --- the content fingerprint --------------------------------------------------------------------


def content_fingerprint(
    info: Mapping[str, object],
    items: Sequence[Mapping[str, object]],
    programme: ProgrammeRecord | None = None,
) -> str:
    """SHA-256 over the portfolio's content in canonical JSON: same content, same print.

    ``info`` is the details without their timestamps (and without ``option`` when the
    portfolio follows none); ``items`` each item's ref, title, date, status, body, tags
    and attachments as ``app.services.snapshot.fingerprint`` lists them. ``programme``
    joins the payload, without its timestamps, only when there are records, so a
    portfolio without them keeps the fingerprint it always had.
    """
    payload: dict[str, object] = {"portfolio": dict(info), "items": list(items)}
    if programme is not None:
        payload["programme"] = programme.content()
    canonical = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class _Installed:
    """A framework as a rebuilt portfolio holds it: code -> position, competencies and groups."""

    def __init__(self, doc: FrameworkDocument) -> None:
        self.doc = doc
        self.competencies = {c.code: n for n, c in enumerate(doc.competencies)}
        self.groups = {g.code: n for n, g in enumerate(doc.groups)}


def _installed(document: PortfolioDocument) -> dict[tuple[str, str], _Installed]:
    """The frameworks a portfolio rebuilt from ``document`` holds: every bundled one as
    installed, and the document's own copy of any other (``restore_document``)."""
    from app.services import library

    found = {(d.key, d.version): _Installed(d) for d in library.bundled()}
    for record in document.frameworks:
        if (record.key, record.version) not in found:
            doc = framework_schema.from_builtins(record.document)  # parse_document checked it
            found[(record.key, record.version)] = _Installed(doc)
    return found


def rebuilt_fingerprint(document: PortfolioDocument) -> str | None:
    """The content fingerprint of the portfolio ``import package`` would rebuild from
    ``document`` (``parse_document``'s), read back as ``take_snapshot`` reads it; None
    where this cannot tell without building it: a tag its framework lacks (the rebuild
    refuses it, in its own words), two other-framework tags that read back in no set
    order, a role level or programme competency its frameworks lack, and assessment
    records the restore would refuse."""
    if document.assessment is not None and not _assessment_restores(document.assessment):
        return None
    installed = _installed(document)
    details = document.details
    own_ref = (details.framework_key, details.framework_version)
    own = installed[own_ref]  # parse_document: the document carries it
    info: dict[str, object] = {
        "apprentice_name": details.apprentice_name,
        "uln": details.uln,
        "employer": details.employer,
        "provider": details.provider,
        "framework_key": details.framework_key,
        "framework_version": details.framework_version,
    }
    n = details.framework.option
    if n is not None:
        option = own.doc.option(n)
        info["option"] = {"n": n, "title": option.title if option else f"Option {n}"}
    items = []
    for record in sorted(document.items, key=lambda i: i.number):
        # tags as the rebuild stores them: one per competency or group, the last
        # justification given for it kept (restore_document's dictionaries)
        tags: dict[tuple[tuple[str, str], str, str], str] = {}
        for tag in record.ksbs:
            tags[(own_ref, "competency", tag.code)] = tag.justification
        for tag in record.duties:
            tags[(own_ref, "group", tag.code)] = tag.justification
        for other in record.other_tags:
            kind = "competency" if other.kind == "competency" else "group"
            tags[((other.framework, other.version), kind, other.code)] = other.justification
        ksbs: list[tuple[int, list[str]]] = []
        duties: list[tuple[int, list[str]]] = []
        others: list[list[str]] = []
        for (ref, kind, code), why in tags.items():
            framework = installed.get(ref)
            positions = None
            if framework is not None:
                positions = framework.competencies if kind == "competency" else framework.groups
            if positions is None or code not in positions:
                return None  # the rebuild refuses it, naming it
            if ref == own_ref:
                (ksbs if kind == "competency" else duties).append((positions[code], [code, why]))
            else:
                others.append([ref[0], code, why])
        if len({(key, code) for key, code, _why in others}) != len(others):
            return None  # read back in the database's order, not one set here
        items.append(
            {
                "ref": record.ref,
                "title": record.title,
                "date": record.date,
                "status": record.status,
                "body": record.body,
                "ksbs": [tag for _, tag in sorted(ksbs, key=lambda p: p[0])],
                "duties": [tag for _, tag in sorted(duties, key=lambda p: p[0])],
                "other": sorted(others, key=lambda t: (t[0], t[1])),
                "attachments": [[a.name, a.size, a.sha256] for a in record.attachments],
            }
        )
    programme = document.programme
    if programme is None or programme.empty:
        return content_fingerprint(info, items, None)
    rebuilt = _rebuilt_programme(programme, installed, {i.ref: i.number for i in document.items})
    if rebuilt is None:
        return None
    return content_fingerprint(info, items, rebuilt)


def _assessment_restores(record: AssessmentRecord) -> bool:
    """True when ``assessment_records.restore_assessment`` stores these records without
    refusing: every plan decodes as an assessment plan, and no plan key, project week,
    mapping note or discussion theme is given twice (each is unique in the database).
    They are not part of the content fingerprint."""
    from app.schema.assessment_plan import decode_plan

    keys: list[object] = []
    for text in record.plans:
        try:
            keys.append(decode_plan(text.encode("utf-8"), "an assessment plan").key)
        except Exception:  # the restore refuses it (or fails), in its own words
            return False
    project = record.project
    unique: list[list[object]] = [keys, [d.theme for d in record.discussion]]
    if project is not None:
        unique += [[w.week for w in project.weeks], [n.code for n in project.notes]]
    return all(len(set(values)) == len(values) for values in unique)


def _rebuilt_programme(
    programme: ProgrammeRecord,
    installed: dict[tuple[str, str], _Installed],
    numbers: Mapping[str, int],
) -> ProgrammeRecord | None:
    """The programme records as ``portfolio_json.build_programme`` reads them back from the
    portfolio ``restore_document`` writes (lists in id order, a scan's ratings and an
    entry's competencies in their frameworks' order, an entry's items by number); None
    where the restore refuses (a role level or competency its frameworks lack)."""
    from msgspec.structs import replace

    from app.services.queries import DDAT_KEY, version_key

    if programme.role_level is not None and programme.role_level.level is not None:
        ddat = [d for ref, d in installed.items() if ref[0].upper() == DDAT_KEY]
        if not ddat:
            return None
        newest = max(ddat, key=lambda d: version_key(d.doc.version))
        if programme.role_level.level not in newest.groups:
            return None

    def order(ref: CompetencyRef) -> tuple[str, str, int] | None:
        framework = installed.get((ref.framework, ref.version))
        if framework is None or ref.code not in framework.competencies:
            return None
        return ref.framework, ref.version, framework.competencies[ref.code]

    def in_order(refs: Sequence[Any], ref: Any) -> list[Any] | None:
        keyed: list[tuple[tuple[str, str, int], Any]] = []
        for r in refs:
            key = order(ref(r))
            if key is None:
                return None  # the restore refuses it, naming it
            keyed.append((key, r))
        return [r for _, r in sorted(keyed, key=lambda p: p[0])]

    scans = []
    for scan in sorted(programme.scans, key=lambda s: s.id):
        ratings = in_order(scan.ratings, lambda r: r.competency)
        if ratings is None:
            return None
        scans.append(replace(scan, ratings=tuple(ratings)))
    entries = []
    for entry in sorted(programme.entries, key=lambda e: e.id):
        competencies = in_order(entry.competencies, lambda r: r)
        if competencies is None:
            return None
        items = tuple(sorted(entry.items, key=lambda ref: numbers[ref]))
        entries.append(replace(entry, competencies=tuple(competencies), items=items))
    return replace(
        programme,
        scans=tuple(scans),
        otj=replace(programme.otj, entries=tuple(entries)),
        reviews=tuple(sorted(programme.reviews, key=lambda r: r.id)),
    )


def signoff_restores(records: SignoffRecords, responses: Sequence[VerifiedResponse]) -> bool:
    """True when ``import package`` plainly puts back these sign-off records (every request
    recorded once, each response stored against its request: ``app.services.signoff``'s
    ``record_request`` and ``store_response`` refuse nothing here). False where it may
    refuse or cannot tell without a database: a repeated request or item, a response
    repeated or answering a request answered already, anything about a progress review
    (its review lives in the programme records), a claim answered that was not asked.
    ``responses`` are the carried responses, verified, in ``records.responses``' order."""
    requests = {r.request_id: r for r in records.requests}
    if len(requests) != len(records.requests):
        return False
    for request in records.requests:
        if request.review_id is not None or request.review_sha256 is not None:
            return False
        if len({i.ref for i in request.items}) != len(request.items):
            return False
    answered: set[str] = set()
    files: set[str] = set()
    manifests: set[str] = set()
    for verified in responses:
        response = verified.response
        answers = requests.get(response.request_id)
        if answers is None or answers.request_sha256 != response.request_sha256:
            return False
        if response.review is not None or response.request_id in answered:
            return False
        if verified.sha256 in files or verified.manifest_sha256 in manifests:
            return False
        if len({i.ref for i in response.items}) != len(response.items):
            return False
        asked = {i.ref: i for i in answers.items}
        for item in response.items:
            sent = asked.get(item.ref)
            if sent is None or sent.content_sha256 != item.content_sha256:
                return False
            allowed = {code for code in sent.requested if code}
            if any(code not in allowed for code in (*item.confirmed, *item.declined)):
                return False
        answered.add(response.request_id)
        files.add(verified.sha256)
        manifests.add(verified.manifest_sha256)
    return True
