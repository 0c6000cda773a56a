"""Sign-off from others, stored in the portfolio: the requests it sent, the statements it
imported, and what each statement means for an item now.

A statement confirms exact content: the SHA-256 of the item's content record as
``portfolio.json`` writes it (``portfolio_json.content_hash``). When the item has
changed since, the statement still stands for the earlier version: it is shown as
"given for an earlier version", with the date of the change, and the hash that
was signed stays on record. The signed files themselves are read and written in
``app.export.signoff_files``; this module only trusts what that module verified.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.errors import InvalidInputError, NotFoundError, PortfolioError
from app.models.db import utc_now
from app.models.orm import Item
from app.models.signoff_orm import (
    SignoffRequest,
    SignoffRequestItem,
    SignoffResponse,
    SignoffResponseItem,
)
from app.schema import signoff as schema
from app.schema.signoff import VerifiedResponse
from app.services import evidence, portfolio_json, queries
from app.services.views import ItemView

MAX_REQUEST_ITEMS = schema.MAX_ITEMS


class SignoffError(PortfolioError):
    """A sign-off file that cannot be accepted; the message names the problem."""


# --- views ----------------------------------------------------------------------------------


def signer_label(name: str, role: str, organisation: str) -> str:
    """``Sam Lead (Team lead, Acme)``: a signer as the app names them."""
    extra = ", ".join(p for p in (role, organisation) if p)
    return f"{name} ({extra})" if extra else name


@dataclass(frozen=True)
class Confirmation:
    """What one signer said about one item."""

    ref: str
    name: str
    role: str
    organisation: str
    fingerprint: str
    signed: str  # ISO time the signer gave
    confirmed: tuple[str, ...]
    declined: tuple[str, ...]
    comment: str
    content_sha256: str  # the version that was signed
    current: bool  # the item still has exactly that content
    changed: str  # when not current: the item's last change (ISO), else ""
    earlier_key: str = ""  # another key this signer used before (warned about on import)
    # the item is in this portfolio: False for one deleted since, or one the package this
    # portfolio came from left out (a draft, in the assessor's copy) while the signed
    # response that speaks for it also speaks for an item it carries
    present: bool = True

    @property
    def signer(self) -> str:
        return signer_label(self.name, self.role, self.organisation)


@dataclass(frozen=True)
class Statement:
    """One imported response: who signed, when, their witness statement."""

    response_sha256: str
    request_id: str
    name: str
    role: str
    organisation: str
    email: str
    fingerprint: str
    signed: str
    imported: str
    statement: str
    earlier_key: str
    items: tuple[Confirmation, ...]


@dataclass(frozen=True)
class RequestSummary:
    request_id: str
    created: str
    name: str
    role: str
    organisation: str
    email: str
    refs: tuple[str, ...]
    status: Literal["pending", "answered"]
    review_id: int | None = None  # a request to sign a progress review


@dataclass(frozen=True)
class SignoffOverview:
    requests: tuple[RequestSummary, ...]
    statements: tuple[Statement, ...]

    def confirmations(self) -> list[Confirmation]:
        return [c for s in self.statements for c in s.items]

    def summary(self) -> tuple[int, int, int]:
        """(confirmations, signers, confirmations for earlier versions); a confirmation is
        one confirmed claim of one item in this portfolio (``absent`` counts the others:
        they are neither current nor for an earlier version)."""
        found = [c for c in self.confirmations() if c.confirmed and c.present]
        claims = sum(len(c.confirmed) for c in found)
        earlier = sum(len(c.confirmed) for c in found if not c.current)
        # signers of evidence: a signature on a progress review alone is not counted here
        signers = len({s.fingerprint for s in self.statements if any(c.present for c in s.items)})
        return claims, signers, earlier

    def absent(self) -> int:
        """Confirmations for items not in this portfolio."""
        return sum(len(c.confirmed) for c in self.confirmations() if not c.present)


# --- what an item says now ------------------------------------------------------------------


def item_views(session: Session, refs: Sequence[str]) -> list[ItemView]:
    """The items named, in the order given; one sentence for an unknown reference."""
    seen: list[str] = []
    for ref in refs:
        code = ref.strip().upper()
        if code not in seen:
            seen.append(code)
    evidence.refs_exist(session, seen)
    return [queries.get_item(session, ref) for ref in seen]


def current_hashes(session: Session, refs: Iterable[str] | None = None) -> dict[str, str]:
    """Each item's content hash now (all items with sign-off when ``refs`` is None)."""
    if refs is None:
        refs = set(session.scalars(select(SignoffResponseItem.ref)).all())
        refs |= set(session.scalars(select(SignoffRequestItem.ref)).all())
    wanted = sorted(set(refs))
    if not wanted:
        return {}
    ids = [int(ref[1:]) for ref in wanted]  # an item's id is its number (E007 is 7)
    views = [v for v in queries.items_by_id(session, ids) if v.ref in wanted]
    records = portfolio_json.item_records(session, views)
    return {v.ref: portfolio_json.content_hash(r) for v, r in zip(views, records, strict=True)}


def _codes(text: str) -> tuple[str, ...]:
    return tuple(c for c in text.split(",") if c)


# --- requests -------------------------------------------------------------------------------


def request_record(request: schema.SignoffRequest, request_sha256: str) -> schema.RequestRecord:
    """What the portfolio keeps of a request it wrote."""
    return schema.RequestRecord(
        request_id=request.request_id,
        request_sha256=request_sha256,
        created=request.created,
        signer=request.signer,
        items=[
            schema.RequestItemRecord(
                ref=i.ref, content_sha256=i.content_sha256, requested=list(i.requested)
            )
            for i in request.items
        ],
        review_id=request.review.content.review_id if request.review else None,
        review_sha256=request.review.content_sha256 if request.review else None,
    )


def record_request(session: Session, request: schema.RequestRecord) -> None:
    """Remember a request this portfolio wrote, or one a package carried (in the caller's
    transaction)."""
    if session.scalar(
        select(SignoffRequest.id).where(SignoffRequest.request_id == request.request_id)
    ):
        raise SignoffError(f"The request {request.request_id} is recorded already.")
    row = SignoffRequest(
        request_id=request.request_id,
        request_sha256=request.request_sha256,
        created=request.created,
        name=request.signer.name,
        role=request.signer.role,
        organisation=request.signer.organisation,
        email=request.signer.email,
        review_id=request.review_id,
        review_sha256=request.review_sha256,
    )
    row.items = [
        SignoffRequestItem(
            ref=item.ref,
            position=position,
            content_sha256=item.content_sha256,
            requested=",".join(item.requested),
        )
        for position, item in enumerate(request.items)
    ]
    session.add(row)
    session.flush()


# --- responses ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportOutcome:
    statement: Statement
    earlier_key: str  # non-empty: this signer answered before with another key
    review_id: int | None = None  # a response to a review request: the review
    review_decision: str = ""  # signed | declined


def store_response(
    session: Session, verified: VerifiedResponse, *, imported: str = ""
) -> ImportOutcome:
    """Check a verified response against the request this portfolio made and store it.

    Raises ``SignoffError`` (nothing stored) for a response to another portfolio, to a
    request never made here, one already imported, or one about content other than
    what was sent.
    """
    response = verified.response
    request = session.scalar(
        select(SignoffRequest)
        .where(SignoffRequest.request_id == response.request_id)
        .options(selectinload(SignoffRequest.items), selectinload(SignoffRequest.responses))
    )
    if request is None:
        raise SignoffError(
            f"This response answers a request made by another portfolio "
            f"({response.apprentice_name}'s); nothing was imported."
        )
    if request.request_sha256 != response.request_sha256:
        raise SignoffError(
            "This response answers a different version of request "
            f"{response.request_id} than the one this portfolio wrote; nothing was imported."
        )
    if session.scalar(
        select(SignoffResponse.id).where(
            (SignoffResponse.manifest_sha256 == verified.manifest_sha256)
            | (SignoffResponse.sha256 == verified.sha256)
        )
    ):
        raise SignoffError(
            f"This response from {response.signer.name} was imported already; nothing changed."
        )
    if request.responses:
        earlier = request.responses[0]
        raise SignoffError(
            f"The request to {request.name} was answered already (by {earlier.name}, signed "
            f"{earlier.signed[:10]}); send a new request instead. Nothing was imported."
        )
    if request.review_sha256 is not None:
        if response.review is None or response.items:
            raise SignoffError(
                "This response does not answer the progress review it was asked to sign; "
                "nothing was imported."
            )
        if response.review.content_sha256 != request.review_sha256:
            raise SignoffError(
                "This response signs a version of the progress review other than the one "
                "sent; nothing was imported."
            )
    elif response.review is not None:
        raise SignoffError(
            "This response signs a progress review, but the request was about evidence; "
            "nothing was imported."
        )
    asked = {item.ref: item for item in request.items}
    for item in response.items:
        sent = asked.get(item.ref)
        if sent is None:
            raise SignoffError(
                f"The response speaks for {item.ref}, which the request did not ask about; "
                "nothing was imported."
            )
        if item.content_sha256 != sent.content_sha256:
            raise SignoffError(
                f"The response confirms a version of {item.ref} other than the one sent; "
                "nothing was imported."
            )
        allowed = set(_codes(sent.requested))
        stray = [c for c in (*item.confirmed, *item.declined) if c not in allowed]
        if stray:
            raise SignoffError(
                f"The response answers {', '.join(stray)} for {item.ref}, which the request "
                "did not ask about; nothing was imported."
            )
    earlier_key = _earlier_key(session, response.signer, verified.fingerprint)
    row = SignoffResponse(
        request_id=request.id,
        sha256=verified.sha256,
        manifest_sha256=verified.manifest_sha256,
        data=verified.data,
        fingerprint=verified.fingerprint,
        name=response.signer.name,
        role=response.signer.role,
        organisation=response.signer.organisation,
        email=response.signer.email,
        signed=response.signed,
        imported=imported or utc_now(),
        statement=response.statement,
        earlier_key=earlier_key,
        review_decision=response.review.decision if response.review else None,
        review_comment=response.review.comment if response.review else "",
    )
    row.items = [
        SignoffResponseItem(
            ref=item.ref,
            position=position,
            content_sha256=item.content_sha256,
            confirmed=",".join(item.confirmed),
            declined=",".join(item.declined),
            comment=item.comment,
        )
        for position, item in enumerate(response.items)
    ]
    request.responses.append(row)
    session.flush()
    statement = _statement(row, request.request_id, current_hashes(session), _updated(session))
    return ImportOutcome(
        statement=statement,
        earlier_key=earlier_key,
        review_id=request.review_id,
        review_decision=response.review.decision if response.review else "",
    )


def _same_person(a_name: str, a_org: str, b_name: str, b_org: str) -> bool:
    def norm(text: str) -> str:
        return " ".join(text.split()).casefold()

    return norm(a_name) == norm(b_name) and norm(a_org) == norm(b_org)


def _earlier_key(session: Session, signer: schema.Person, fingerprint: str) -> str:
    """The key this signer (same name and organisation, or same email) answered with
    before, when it differs from ``fingerprint``; else ""."""
    for row in session.scalars(select(SignoffResponse).order_by(SignoffResponse.id)):
        same = _same_person(row.name, row.organisation, signer.name, signer.organisation) or (
            signer.email.strip() != ""
            and row.email.strip().casefold() == signer.email.strip().casefold()
        )
        if same and row.fingerprint != fingerprint:
            return row.fingerprint
    return ""


# --- reading --------------------------------------------------------------------------------


def _updated(session: Session) -> dict[str, str]:
    """Each item's last change, by reference."""
    return dict(session.execute(select(Item.ref, Item.updated)).tuples().all())


def _statement(
    row: SignoffResponse, request_id: str, hashes: dict[str, str], updated: dict[str, str]
) -> Statement:
    items = tuple(
        Confirmation(
            ref=item.ref,
            name=row.name,
            role=row.role,
            organisation=row.organisation,
            fingerprint=row.fingerprint,
            signed=row.signed,
            confirmed=_codes(item.confirmed),
            declined=_codes(item.declined),
            comment=item.comment,
            content_sha256=item.content_sha256,
            current=hashes.get(item.ref) == item.content_sha256,
            changed=""
            if hashes.get(item.ref) == item.content_sha256
            else updated.get(item.ref, ""),
            earlier_key=row.earlier_key,
            present=item.ref in hashes,
        )
        for item in row.items
    )
    return Statement(
        response_sha256=row.sha256,
        request_id=request_id,
        name=row.name,
        role=row.role,
        organisation=row.organisation,
        email=row.email,
        fingerprint=row.fingerprint,
        signed=row.signed,
        imported=row.imported,
        statement=row.statement,
        earlier_key=row.earlier_key,
        items=items,
    )


def overview(session: Session) -> SignoffOverview:
    """Every request (pending or answered) and every statement, oldest first."""
    requests = session.scalars(
        select(SignoffRequest)
        .order_by(SignoffRequest.id)
        .options(
            selectinload(SignoffRequest.items),
            selectinload(SignoffRequest.responses).selectinload(SignoffResponse.items),
        )
    ).all()
    if not requests:
        return SignoffOverview(requests=(), statements=())
    hashes = current_hashes(session)
    updated = _updated(session)
    summaries = tuple(
        RequestSummary(
            request_id=r.request_id,
            created=r.created,
            name=r.name,
            role=r.role,
            organisation=r.organisation,
            email=r.email,
            refs=tuple(i.ref for i in r.items),
            status="answered" if r.responses else "pending",
            review_id=r.review_id,
        )
        for r in requests
    )
    statements = tuple(
        _statement(row, r.request_id, hashes, updated) for r in requests for row in r.responses
    )
    return SignoffOverview(requests=summaries, statements=statements)


_COMPANY_SUFFIXES = ("ltd", "limited", "plc", "llp", "inc")


def is_employer(organisation: str, employer: str) -> bool:
    """Whether a signer's organisation is the apprentice's employer: the same words,
    ignoring case, spacing, full stops and commas, and a final Ltd, Limited, PLC, LLP or
    Inc ("Northwind Logistics" is "Northwind Logistics Ltd."); never when either is blank."""

    def norm(text: str) -> str:
        words = text.replace(".", " ").replace(",", " ").casefold().split()
        if len(words) > 1 and words[-1] in _COMPANY_SUFFIXES:
            words.pop()
        return " ".join(words)

    return norm(employer) != "" and norm(organisation) == norm(employer)


def employer_confirmed(session: Session) -> set[tuple[int, str]]:
    """The claims the employer confirmed for the items' current versions, as (item id, code).

    The employer is the portfolio's Employer (Portfolio Details). A statement counts
    when its signer's organisation, as they signed it, is the employer's; a signer who
    left their organisation blank is taken to be of the organisation the request was
    addressed to. Confirmations given for an earlier version of an item do not count.
    """

    employer = queries.portfolio_info(session).employer
    view = overview(session)
    addressed = {r.request_id: r.organisation for r in view.requests}
    chosen: set[tuple[int, str]] = set()
    for statement in view.statements:
        organisation = statement.organisation or addressed.get(statement.request_id, "")
        if not is_employer(organisation, employer):
            continue
        for c in statement.items:
            if c.current:
                chosen.update((int(c.ref[1:]), code) for code in c.confirmed)
    return chosen


def confirmations_for(session: Session, ref: str) -> list[Confirmation]:
    """What every signer said about ``ref``, oldest first."""
    return [c for c in overview(session).confirmations() if c.ref == ref.upper()]


def response_files(session: Session) -> list[tuple[str, bytes]]:
    """(SHA-256, bytes) of every stored response file, for a package."""
    return [
        (sha, data)
        for sha, data in session.execute(
            select(SignoffResponse.sha256, SignoffResponse.data).order_by(SignoffResponse.id)
        ).tuples()
    ]


def request_records(session: Session) -> list[schema.RequestRecord]:
    """The requests this portfolio made, as a package carries them."""
    rows = session.scalars(
        select(SignoffRequest)
        .order_by(SignoffRequest.id)
        .options(selectinload(SignoffRequest.items))
    ).all()
    return [
        schema.RequestRecord(
            request_id=r.request_id,
            request_sha256=r.request_sha256,
            created=r.created,
            signer=schema.Person(
                name=r.name, role=r.role, organisation=r.organisation, email=r.email
            ),
            items=[
                schema.RequestItemRecord(
                    ref=i.ref, content_sha256=i.content_sha256, requested=list(_codes(i.requested))
                )
                for i in r.items
            ],
            review_id=r.review_id,
            review_sha256=r.review_sha256,
        )
        for r in rows
    ]


def as_json(view: SignoffOverview) -> dict[str, Any]:
    """``signoff list --json``."""
    return {
        "requests": [
            {
                "request_id": r.request_id,
                "created": r.created,
                "name": r.name,
                "role": r.role,
                "organisation": r.organisation,
                "email": r.email,
                "items": list(r.refs),
                "status": r.status,
                "review_id": r.review_id,
            }
            for r in view.requests
        ],
        "statements": [
            {
                "request_id": s.request_id,
                "name": s.name,
                "role": s.role,
                "organisation": s.organisation,
                "email": s.email,
                "fingerprint": s.fingerprint,
                "earlier_key": s.earlier_key or None,
                "signed": s.signed,
                "imported": s.imported,
                "statement": s.statement,
                "items": [
                    {
                        "ref": c.ref,
                        "confirmed": list(c.confirmed),
                        "declined": list(c.declined),
                        "comment": c.comment,
                        "content_sha256": c.content_sha256,
                        "current": c.current,
                        "changed": c.changed or None,
                    }
                    for c in s.items
                ],
            }
            for s in view.statements
        ],
    }


def parse_claims(text: str | None, refs: Sequence[str]) -> dict[str, list[str]]:
    """``E003:K1,E003:S2`` as {ref: [codes]}; refs not named keep all their claims."""
    chosen: dict[str, list[str]] = {}
    if not text:
        return chosen
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        ref, sep, code = part.partition(":")
        ref, code = ref.strip().upper(), code.strip().upper()
        if not sep or not code:
            raise InvalidInputError(f"'{part}' is not a claim; write it as E003:K1.")
        if ref not in {r.upper() for r in refs}:
            raise NotFoundError(f"{ref} is not one of the items in this request.")
        chosen.setdefault(ref, [])
        if code not in chosen[ref]:
            chosen[ref].append(code)
    return chosen


# --- signed progress reviews ----------------------------------------------------------------


def review_content(session: Session, review_id: int) -> schema.ReviewContent:
    """A progress review as a request carries it (and as its signature signs it)."""
    from app.services import reviews

    review = reviews.get_review(session, review_id)
    return schema.ReviewContent(
        review_id=review.id,
        date=review.date.isoformat(),
        participants=[
            schema.ReviewParticipant(role=p.role, name=p.name) for p in review.participants
        ],
        notes=review.notes,
        otj_minutes=review.otj_minutes,
        actions=[
            schema.ReviewActionRecord(
                text=a.text,
                owner=a.owner,
                due=a.due.isoformat() if a.due else None,
            )
            for a in review.actions
        ],
    )


@dataclass(frozen=True)
class ReviewSignature:
    """One person's answer to a request to sign a progress review."""

    review_id: int
    name: str
    role: str
    organisation: str
    fingerprint: str
    signed: str
    decision: Literal["signed", "declined"]
    comment: str
    current: bool  # the review still reads exactly as it was signed

    @property
    def signer(self) -> str:
        return signer_label(self.name, self.role, self.organisation)


@dataclass(frozen=True)
class ReviewSignoff:
    """Who was asked to sign a review and who signed (or declined) it."""

    review_id: int
    asked: tuple[str, ...]  # people asked whose answer has not come back
    signatures: tuple[ReviewSignature, ...]

    @property
    def signed(self) -> tuple[ReviewSignature, ...]:
        """Signatures that stand: signed, for the review as it reads now."""
        return tuple(s for s in self.signatures if s.decision == "signed" and s.current)


def review_signoffs(session: Session) -> dict[int, ReviewSignoff]:
    """Per review id with any request: who was asked, who signed or declined."""
    requests = session.scalars(
        select(SignoffRequest)
        .where(SignoffRequest.review_id.is_not(None))
        .order_by(SignoffRequest.id)
        .options(selectinload(SignoffRequest.responses))
    ).all()
    hashes: dict[int, str] = {}
    found: dict[int, tuple[list[str], list[ReviewSignature]]] = {}
    for r in requests:
        review_id = r.review_id
        assert review_id is not None
        if review_id not in hashes:
            try:
                hashes[review_id] = schema.review_hash(review_content(session, review_id))
            except NotFoundError:
                hashes[review_id] = ""  # deleted since
        asked, signatures = found.setdefault(review_id, ([], []))
        if not r.responses:
            asked.append(r.name)
        for row in r.responses:
            signatures.append(
                ReviewSignature(
                    review_id=review_id,
                    name=row.name,
                    role=row.role,
                    organisation=row.organisation,
                    fingerprint=row.fingerprint,
                    signed=row.signed,
                    decision="declined" if row.review_decision == "declined" else "signed",
                    comment=row.review_comment,
                    current=hashes[review_id] == r.review_sha256,
                )
            )
    return {
        rid: ReviewSignoff(review_id=rid, asked=tuple(a), signatures=tuple(s))
        for rid, (a, s) in found.items()
    }


def review_signoff_json(found: ReviewSignoff | None) -> dict[str, Any]:
    """The ``signoff`` key of ``review list --json`` and ``signoff list --json``."""
    if found is None:
        return {"signed": False, "asked": [], "signatures": []}
    return {
        "signed": bool(found.signed),
        "asked": list(found.asked),
        "signatures": [
            {
                "name": s.name,
                "role": s.role,
                "organisation": s.organisation,
                "fingerprint": s.fingerprint,
                "signed": s.signed,
                "decision": s.decision,
                "comment": s.comment,
                "current": s.current,
            }
            for s in found.signatures
        ],
    }
