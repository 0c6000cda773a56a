"""Creating a portfolio and reading whose it is."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import InvalidInputError, NotFoundError
from app.models.db import Database, open_portfolio, utc_now
from app.models.orm import Item, PortfolioRecord
from app.schema.base import checked
from app.schema.portfolio import DetailsRecord, uln_check_digit_ok
from app.services import frameworks, library, queries
from app.services.views import PortfolioInfo


def validate_uln(uln: str) -> str:
    """A Unique Learner Number is 10 digits with a check digit; an empty one is allowed
    until known. (Only what a user types is checked: files already holding a mistyped
    ULN still open and export.)"""
    uln = checked(DetailsRecord, "uln", uln.strip(), "The ULN")
    if uln and not uln_check_digit_ok(uln):
        raise InvalidInputError(
            f"The ULN {uln} is not a valid Unique Learner Number (its check digit does not "
            "match); check it against your apprenticeship records."
        )
    return uln


def create_portfolio(
    path: Path,
    *,
    name: str,
    framework_key: str = "ST0825",
    framework_version: str | None = None,
    option: str | None = None,
    uln: str = "",
    employer: str = "",
    provider: str = "",
) -> Database:
    """Create the file at ``path`` with the bundled frameworks and the apprentice's details,
    following ``framework_key`` (any standard in the user's library; the newest version
    unless one is given) and, for a standard with options, ``option`` (its number or title).
    The portfolio keeps its own copy of the standard."""
    name = checked(DetailsRecord, "apprentice_name", name.strip(), "The apprentice's name")
    uln = validate_uln(uln)
    employer = checked(DetailsRecord, "employer", employer.strip(), "The employer")
    provider = checked(DetailsRecord, "provider", provider.strip(), "The provider")
    standard = library.find(framework_key, framework_version)
    chosen = frameworks.choose_option(standard, option)
    db = open_portfolio(path, create=True)
    try:
        with db.transaction() as session:
            frameworks.ensure_bundled(session)
            frameworks.install_into_portfolio(session, standard)
            framework = frameworks.find_framework(session, standard.key, standard.version)
            now = utc_now()
            record = PortfolioRecord(
                id=1,
                apprentice_name=name,
                uln=uln,
                employer=employer,
                provider=provider,
                framework_id=framework.id,
                next_item_number=1,
                created=now,
                updated=now,
            )
            session.add(record)
            frameworks.set_portfolio_option(session, chosen)
    except BaseException:
        db.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        raise
    return db


def update_details(
    session: Session,
    *,
    name: str | None = None,
    uln: str | None = None,
    employer: str | None = None,
    provider: str | None = None,
) -> PortfolioInfo:
    record = session.get(PortfolioRecord, 1)
    if record is None:
        raise NotFoundError("This file has no portfolio details; run 'portfolio init' first.")
    if name is not None:
        record.apprentice_name = checked(
            DetailsRecord, "apprentice_name", name.strip(), "The apprentice's name"
        )
    if uln is not None:
        record.uln = validate_uln(uln)
    if employer is not None:
        record.employer = checked(DetailsRecord, "employer", employer.strip(), "The employer")
    if provider is not None:
        record.provider = checked(DetailsRecord, "provider", provider.strip(), "The provider")
    touch(session)
    return queries.portfolio_info(session)


def touch(session: Session) -> None:
    """Record that the portfolio changed now (its 'last changed' time)."""
    record = session.get(PortfolioRecord, 1)
    if record is not None:
        record.updated = utc_now()


def last_changed(session: Session) -> str:
    """The newest change to the portfolio or any item: the date an export carries."""
    record = session.get(PortfolioRecord, 1)
    newest_item = session.scalar(select(func.max(Item.updated)))
    stamps = [s for s in (record.updated if record else None, newest_item) if s]
    return max(stamps) if stamps else "1970-01-01T00:00:00+00:00"
