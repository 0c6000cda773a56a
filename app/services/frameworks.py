"""Frameworks: the bundled ones, imported IfATE standards, listing and lookup."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import InvalidInputError, NotFoundError
from app.models.orm import Competency, Framework, Group, GroupLink, PortfolioRecord
from app.schema import framework as schema
from app.schema.framework import FrameworkDocument, SchemaError
from app.services import queries
from app.services.library import bundled_documents, summary_of
from app.services.queries import code_noun, raw_connection, unknown_codes
from app.services.records import to_row
from app.services.views import (
    FrameworkSummary,
)

SCHEMA = schema.SCHEMA


def install_document(session: Session, document: dict[str, Any], *, bundled: bool) -> Framework:
    """Store a framework given in our JSON schema; refused unless it passes the schema's
    checks (``app.schema.framework``), which every reader of a framework applies."""
    try:
        doc = schema.from_builtins(document, f"{document.get('key', 'the framework')}")
    except SchemaError as exc:
        raise InvalidInputError(f"Not a valid framework: {exc}.") from None
    framework = to_row(
        Framework,
        doc,
        source_url=doc.source.url if doc.source else "",
        bundled=bundled,
        document=json.dumps(document, ensure_ascii=False, sort_keys=True),
    )
    framework.competencies = [
        to_row(Competency, c, position=n) for n, c in enumerate(doc.competencies)
    ]
    by_code = {c.code: c for c in framework.competencies}
    framework.groups = [
        to_row(
            Group,
            g,
            position=n,
            links=[
                to_row(GroupLink, link, competency=by_code[link.competency], position=m)
                for m, link in enumerate(g.links)
            ],
        )
        for n, g in enumerate(doc.groups)
    ]
    session.add(framework)
    session.flush()
    option_groups = [
        (",".join(str(n) for n in g.options), group.id)
        for g, group in zip(doc.groups, framework.groups, strict=True)
        if not g.core
    ]
    if option_groups:  # core groups keep NULL; the column is SQL-only (see app.models.orm)
        raw_connection(session).executemany(
            "UPDATE groups SET options = ? WHERE id = ?", option_groups
        )
    return framework


def set_portfolio_option(session: Session, option: int | None) -> None:
    """Record the option of its standard that the portfolio follows (None: none)."""
    raw_connection(session).execute(
        "UPDATE portfolio SET framework_option = ? WHERE id = 1", (option,)
    )


def ensure_bundled(session: Session) -> None:
    """Install any bundled framework version this file does not have yet."""
    present = set(session.execute(select(Framework.key, Framework.version)).tuples())
    for text in bundled_documents():
        document = json.loads(text)
        if (document["key"], str(document["version"])) not in present:
            install_document(session, document, bundled=True)


def stored_documents(session: Session) -> list[tuple[dict[str, Any], bool]]:
    """The documents of every framework in the open file, with their bundled flag."""
    return [
        (json.loads(document), bundled)
        for document, bundled in session.execute(
            select(Framework.document, Framework.bundled).order_by(Framework.id)
        ).tuples()
    ]


def find_framework(session: Session, key: str, version: str | None = None) -> Framework:
    """The framework ``key`` at ``version`` (the newest installed when None)."""
    found = session.get(Framework, queries.find_framework(session, key, version).id)
    assert found is not None
    return found


def portfolio_framework(session: Session) -> Framework:
    """The framework the portfolio follows (looked up once per session)."""
    cached = session.info.get("portfolio_framework")
    if isinstance(cached, Framework):
        return cached
    record = session.get(PortfolioRecord, 1)
    if record is None:
        raise NotFoundError("This file has no portfolio details; run 'portfolio init' first.")
    session.info["portfolio_framework"] = record.framework
    return record.framework


# --- checking a framework document -----------------------------------------------------------


def check_document(doc: Any, where: str = "the framework") -> None:
    """The framework schema's checks (``app.schema.framework``) on a decoded document, as
    ``frameworks import`` and the library apply them; raises ``SchemaError`` naming the
    place, such as ``frameworks[0].document.competencies[3].code is not a code``."""
    schema.from_builtins(doc, where)


# --- importing standards -----------------------------------------------------------------------


@dataclass(frozen=True)
class ImportedStandard:
    summary: FrameworkSummary
    added: bool  # False: that exact version was installed already (nothing changed)


def _check_portfolio_copy(session: Session, doc: FrameworkDocument) -> bool:
    """True if the open portfolio has ``doc`` already; a different document under the
    same key and version is refused, naming the first difference, as the library does."""
    from app.services import library

    existing = session.scalar(
        select(Framework.document).where(Framework.key == doc.key, Framework.version == doc.version)
    )
    if existing is None:
        return False
    old = schema.decode(existing, f"{doc.key} v{doc.version} in this portfolio")
    difference = library.first_difference(old, doc)
    if difference is not None:
        raise InvalidInputError(
            f"{doc.key} v{doc.version} is already in this portfolio with different text: "
            f"{difference}. Nothing was imported."
        )
    return True


def install_into_portfolio(session: Session, doc: FrameworkDocument) -> bool:
    """Give the open portfolio its own copy of ``doc``; True if it was not there yet."""
    from app.services import library

    if _check_portfolio_copy(session, doc):
        return False
    install_document(session, library.document_dict(doc), bundled=False)
    return True


def import_standards(session: Session | None, data: bytes | str) -> list[ImportedStandard]:
    """``frameworks import``: every version in an IfATE / Skills England file goes into
    the user's standards library, and into the open portfolio when there is one.
    All or nothing: a bad version, or a conflict with an installed one, imports none."""
    from app.services import ifate, library

    docs = ifate.parse(data)
    if session is not None:  # refuse conflicts with the portfolio before the library changes
        for doc in docs:
            _check_portfolio_copy(session, doc)
    imported = []
    for result in library.add(docs):
        added = result.added
        if session is not None:
            added = install_into_portfolio(session, result.document) or added
        imported.append(ImportedStandard(summary_of(result.document), added))
    return imported


def import_standard(session: Session, text: str) -> FrameworkSummary:
    """Import a file holding one standard version (see ``import_standards``)."""
    return import_standards(session, text)[0].summary


def choose_option(doc: FrameworkDocument, option: str | None) -> int | None:
    """The number of the option ``option`` names (its number or title), for ``doc``.

    A standard with options needs one; one without takes none."""
    what = f"{doc.key} v{doc.version}"
    listed = "; ".join(f"{o.n} {o.title}" for o in doc.options)
    if not doc.options:
        if option is not None and option.strip():
            raise InvalidInputError(f"{what} has no options; leave out --option.")
        return None
    if option is None or not option.strip():
        raise InvalidInputError(f"{what} has options; choose one with --option: {listed}.")
    wanted = option.strip()
    if wanted.isdigit() and doc.option(int(wanted)) is not None:
        return int(wanted)
    exact = [o for o in doc.options if o.title.casefold() == wanted.casefold()]
    partial = [o for o in doc.options if wanted.casefold() in o.title.casefold()]
    found = exact or partial
    if len(found) != 1:
        raise InvalidInputError(f"{what} has no option {wanted!r}; its options are: {listed}.")
    return found[0].n


def competency_ids(session: Session, framework: Framework, codes: Iterable[str]) -> dict[str, int]:
    """Map codes to competency ids in ``framework``; unknown codes are refused."""
    return _ids(session, Competency, framework, codes, code_noun(None, group=False))


def group_ids(session: Session, framework: Framework, codes: Iterable[str]) -> dict[str, int]:
    return _ids(session, Group, framework, codes, code_noun(framework.group_label, group=True))


def _ids(
    session: Session,
    table: type[Competency] | type[Group],
    framework: Framework,
    codes: Iterable[str],
    what: str,
) -> dict[str, int]:
    wanted = [c.strip().upper() for c in codes]
    cache_key = ("codes", table.__tablename__, framework.id)
    found = session.info.get(cache_key)
    if found is None:  # a framework's codes never change, so read them once per session
        found = dict(
            session.execute(select(table.code, table.id).where(table.framework_id == framework.id))
            .tuples()
            .all()
        )
        session.info[cache_key] = found
    missing = [c for c in wanted if c not in found]
    if missing:
        raise unknown_codes(framework.key, what, missing)
    _refuse_other_options(session, table, framework, {code: found[code] for code in wanted})
    return {code: found[code] for code in wanted}


def _refuse_other_options(
    session: Session,
    table: type[Competency] | type[Group],
    framework: Framework,
    ids: dict[str, int],
) -> None:
    """On a standard with options, the portfolio tags only what its option counts: the
    core duties, its option's, and the KSBs they map to."""
    conn = raw_connection(session)
    try:
        option = queries.portfolio_option(conn, framework.id)
    except sqlite3.OperationalError:  # a file before revision 0006 (written by older code)
        return
    if option is None:
        return
    cache_key = ("option-ids", table.__tablename__, framework.id, option.n)
    allowed = session.info.get(cache_key)
    if allowed is None:
        groups = queries.counted_groups(conn, framework.id, option) or set()
        if table is Group:
            allowed = groups
        else:
            allowed = queries.counted_competencies(conn, framework.id, groups) or set()
        session.info[cache_key] = allowed
    outside = [code for code, ident in ids.items() if ident not in allowed]
    if outside:
        raise InvalidInputError(
            f"{', '.join(outside)} {'is' if len(outside) == 1 else 'are'} not part of "
            f"{framework.key} option {option.n} ({option.title}), the option this portfolio "
            "follows."
        )
