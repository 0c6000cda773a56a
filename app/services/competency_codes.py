"""Competency codes as users type them, across frameworks.

A bare code (``K7``) is the portfolio framework's; ``KEY:CODE``
(``DDAT-DEVOPS:DS3``) names another framework. A bare code the portfolio
framework lacks is looked up in the DDaT DevOps role, so ``DS3`` works too.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import InvalidInputError
from app.models.orm import Competency, Framework
from app.services import frameworks
from app.services.queries import DDAT_KEY


def display_code(code: str, framework_key: str, own: bool) -> str:
    return code if own else f"{framework_key}:{code}"


def _codes(session: Session, framework: Framework) -> dict[str, int]:
    return dict(
        session.execute(
            select(Competency.code, Competency.id).where(Competency.framework_id == framework.id)
        )
        .tuples()
        .all()
    )


def resolve_codes(session: Session, codes: Iterable[str]) -> list[tuple[int, str]]:
    """(competency id, display code) for each code, in order; an unknown code is refused."""
    own = frameworks.portfolio_framework(session)
    own_codes = _codes(session, own)
    others: dict[str, tuple[Framework, dict[str, int]]] = {}

    def framework_codes(key: str) -> tuple[Framework, dict[str, int]]:
        wanted = key.strip().upper()
        if wanted not in others:
            framework = frameworks.find_framework(session, wanted)
            others[wanted] = (framework, _codes(session, framework))
        return others[wanted]

    resolved: list[tuple[int, str]] = []
    for raw in codes:
        text = raw.strip()
        if ":" in text:
            key, _, bare = text.partition(":")
            framework, known = framework_codes(key)
            bare = bare.strip().upper()
            if framework.id == own.id:
                if bare in own_codes:
                    resolved.append((own_codes[bare], bare))
                    continue
            elif bare in known:
                resolved.append((known[bare], f"{framework.key}:{bare}"))
                continue
            raise InvalidInputError(
                f"{framework.key} has no competency {bare}; "
                f"see 'portfolio frameworks show {framework.key}'."
            )
        bare = text.upper()
        if bare in own_codes:
            resolved.append((own_codes[bare], bare))
            continue
        if own.key != DDAT_KEY:
            ddat, known = framework_codes(DDAT_KEY)
            if bare in known:
                resolved.append((known[bare], f"{ddat.key}:{bare}"))
                continue
        raise InvalidInputError(
            f"{own.key} has no competency {text}; see 'portfolio frameworks show {own.key}'."
        )
    return resolved
