"""Evidence from git, the write side: identities, importing candidates, provenance.

- The apprentice's identities (email, and optionally the name) are stored once in
  the portfolio; a scan looks for their commits.
- ``import_candidates`` re-scans the repository, turns the chosen candidates into
  draft items (title, date, a reflection skeleton with the facts) and records each
  one's source: repository name, remote URL as text, commit ids, author identity,
  and the KSB hints as suggestions the apprentice may tick later. Nothing is
  tagged by the import itself.
- A later scan leaves out what is already imported (by commit id).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date as Date
from pathlib import Path

import msgspec
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.errors import InvalidInputError, NotFoundError
from app.models.db import utc_now
from app.models.git_orm import GitIdentity, ItemSource
from app.schema.portfolio import MAX_TITLE
from app.services import evidence, frameworks, git_sources
from app.services.git_scan import (
    Candidate,
    Hint,
    Identity,
    Progress,
    ScanResult,
    file_kinds,
    scan_repository,
)
from app.services.records import to_row
from app.services.views import SourceView as Source

_EMAIL = re.compile(r"^[^\s<>@]+@[^\s<>@]+$")
MAX_IDENTITIES = 50


# --- identities ----------------------------------------------------------------------------------


def add_identity(session: Session, email: str, name: str = "") -> Identity:
    """Add (or rename) an identity; the email is kept in lower case."""
    email = email.strip().lower()
    name = name.strip()
    if not _EMAIL.match(email) or len(email) > 320:
        raise InvalidInputError(
            f"'{email}' is not an email address (write it as name@example.org)."
        )
    if len(name) > 200 or any(ord(ch) < 32 for ch in name):
        raise InvalidInputError("The name must be one line of at most 200 characters.")
    row = session.scalar(select(GitIdentity).where(GitIdentity.email == email))
    if row is None:
        if len(git_sources.identities(session)) >= MAX_IDENTITIES:
            raise InvalidInputError(f"A portfolio keeps at most {MAX_IDENTITIES} git identities.")
        session.add(GitIdentity(email=email, name=name, added=utc_now()))
    elif name:
        row.name = name
    session.flush()
    return Identity(email=email, name=name or (row.name if row else ""))


def remove_identity(session: Session, email: str) -> None:
    email = email.strip().lower()
    gone = session.execute(delete(GitIdentity).where(GitIdentity.email == email))
    if not getattr(gone, "rowcount", 0):
        raise NotFoundError(f"{email} is not one of your git identities.")


# --- what is already imported ---------------------------------------------------------------------


def scan(
    session: Session,
    path: Path,
    *,
    authors: Sequence[str] = (),
    since: Date | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ScanResult:
    """Scan ``path`` for the apprentice's work not yet imported (``authors`` instead of the
    stored identities when given)."""
    identities = [Identity(a) for a in authors] if authors else git_sources.identities(session)
    return scan_repository(
        path,
        identities,
        framework_key=frameworks.portfolio_framework(session).key,
        since=since,
        imported=git_sources.imported(session),
        progress=progress,
        cancelled=cancelled,
    )


# --- turning candidates into draft items --------------------------------------------------------


def reflection_skeleton(candidate: Candidate, repository: str) -> str:
    """Context / What I did / Result, pre-filled with the facts for the apprentice to finish."""
    kinds = file_kinds()
    span = (
        candidate.first_date
        if candidate.first_date == candidate.last_date
        else f"{candidate.first_date} to {candidate.last_date}"
    )
    where = {
        "merge": f"a branch merged into {candidate.branch or 'the main line'}",
        "tag": f"the release {candidate.tag}",
        "day": f"work on {candidate.branch or 'a branch'}",
    }[candidate.kind]
    lines = ["## Context", "", f"In {repository}: {where}, {span}."]
    if candidate.body.strip():
        lines += ["", candidate.body.strip()]
    lines += ["", "## What I did", ""]
    for commit in candidate.commits:
        if commit.mine:
            lines.append(f"- {commit.date} {commit.summary} ({commit.sha[:7]})")
    grouped = candidate.files_by_kind()
    if grouped:
        lines += [
            "",
            f"Files changed ({candidate.added} lines added, {candidate.removed} removed):",
            "",
        ]
        for kind, changes in grouped.items():
            names = ", ".join(c.path for c in changes[:5])
            more = f" and {len(changes) - 5} more" if len(changes) > 5 else ""
            lines.append(f"- {kinds.label(kind)} ({len(changes)}): {names}{more}")
    lines += [
        "",
        "## Result",
        "",
        "_What changed for users or the team, and how do you know? What would you do differently?_",
        "",
    ]
    return "\n".join(lines)


def _title(candidate: Candidate) -> str:
    title = " ".join(candidate.title.split()) or "Work from git"
    return title if len(title) <= MAX_TITLE else title[: MAX_TITLE - 1] + "…"


def import_candidates(
    session: Session,
    path: Path,
    ids: Sequence[str],
    *,
    authors: Sequence[str] = (),
    since: Date | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> list[str]:
    """Import the candidates ``ids`` of ``path`` as draft items in the caller's transaction;
    return the new refs in the order asked. An id not proposed (unknown, or already
    imported) is refused before anything is written."""
    wanted = [i.strip() for i in ids if i.strip()]
    if not wanted:
        raise InvalidInputError("Name at least one candidate id from 'portfolio git scan'.")
    result = scan(
        session, path, authors=authors, since=since, progress=progress, cancelled=cancelled
    )
    by_id = {c.id.upper(): c for c in result.candidates}
    missing = [i for i in wanted if i.upper() not in by_id]
    if missing:
        raise NotFoundError(
            f"{result.repository} has no candidate {', '.join(missing)} to import (already "
            "imported, or not found); run 'portfolio git scan' for the current list."
        )
    return write_candidates(
        session,
        [by_id[i] for i in dict.fromkeys(w.upper() for w in wanted)],
        result.repository,
        result.remote_url,
    )


def write_candidates(
    session: Session, candidates: Sequence[Candidate], repository: str, remote_url: str
) -> list[str]:
    """Draft items for ``candidates`` (already scanned), each with its source."""
    taken = git_sources.imported(session)
    refs: list[str] = []
    now = utc_now()
    for candidate in candidates:
        again = (
            candidate.key in taken.tags
            if candidate.kind == "tag"
            else bool(taken.commits.intersection(candidate.commit_ids))
        )
        if again:
            raise InvalidInputError(
                f"{candidate.id} is already imported; scan the repository again for what is left."
            )
        item = evidence.add_item(
            session,
            title=_title(candidate),
            date=candidate.last_date,
            body=reflection_skeleton(candidate, repository),
            status="draft",
        )
        session.add(
            ItemSource(
                item_id=int(item.ref[1:]),
                kind=candidate.kind,
                repository=repository,
                remote_url=remote_url,
                branch=candidate.branch,
                tag=candidate.tag,
                author=candidate.author,
                commits=" ".join(candidate.commit_ids),
                hints=hints_json(candidate.hints),
                imported=now,
            )
        )
        refs.append(item.ref)
    session.flush()
    return refs


def hints_json(hints: Sequence[Hint]) -> str:
    return msgspec.json.encode(hints).decode("utf-8")


# --- reading provenance ------------------------------------------------------------------------


def restore_source(session: Session, item_id: int, source: Source) -> None:
    """Record ``source`` for an item being recreated (package import)."""
    commits, hints = " ".join(source.commits), hints_json(source.hints)
    session.add(to_row(ItemSource, source, item_id=item_id, commits=commits, hints=hints))
