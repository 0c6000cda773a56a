"""Frameworks: the bundled ones, imported IfATE standards, listing and lookup."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.config import resource_path
from app.errors import InvalidInputError, NotFoundError
from app.models.orm import Competency, Framework, Group, GroupLink, PortfolioRecord
from app.schema.base import CODE_PATTERN, SchemaError
from app.services import queries
from app.services.queries import BUNDLED_KEYS, code_noun, raw_connection, unknown_codes
from app.services.views import (
    FrameworkSummary,
    FrameworkView,
)

SCHEMA = "apprentice-portfolio-framework/1"


@cache
def bundled_documents() -> tuple[str, ...]:
    """The bundled frameworks' JSON texts, read once per process."""
    folder = resource_path("frameworks")
    return tuple((folder / f"{key}.json").read_text(encoding="utf-8") for key in BUNDLED_KEYS)


def install_document(session: Session, document: dict[str, Any], *, bundled: bool) -> Framework:
    """Store a framework given in our JSON schema (already validated)."""
    framework = Framework(
        key=document["key"],
        version=str(document["version"]),
        title=document["title"],
        kind=document["kind"],
        level=document.get("level"),
        group_label=document.get("group_label"),
        attribution=document.get("attribution", ""),
        source_url=(document.get("source") or {}).get("url", ""),
        bundled=bundled,
        document=json.dumps(document, ensure_ascii=False, sort_keys=True),
    )
    by_code: dict[str, Competency] = {}
    for position, item in enumerate(document["competencies"]):
        competency = Competency(
            code=item["code"],
            kind=item["kind"],
            name=item.get("name"),
            text=item["text"],
            position=position,
        )
        by_code[competency.code] = competency
        framework.competencies.append(competency)
    for position, item in enumerate(document.get("groups", [])):
        group = Group(
            code=item["code"], name=item.get("name"), text=item["text"], position=position
        )
        for link_position, link in enumerate(item.get("links", [])):
            group.links.append(
                GroupLink(
                    competency=by_code[link["competency"]],
                    level=link.get("level"),
                    text=link.get("text"),
                    position=link_position,
                )
            )
        framework.groups.append(group)
    session.add(framework)
    session.flush()
    return framework


def ensure_bundled(session: Session) -> None:
    """Install any bundled framework version this file does not have yet."""
    present = set(session.execute(select(Framework.key, Framework.version)).tuples())
    for text in bundled_documents():
        document = json.loads(text)
        if (document["key"], str(document["version"])) not in present:
            install_document(session, document, bundled=True)


def list_frameworks(session: Session) -> list[FrameworkSummary]:
    return queries.list_frameworks(raw_connection(session))


def find_framework(session: Session, key: str, version: str | None = None) -> Framework:
    """The framework ``key`` at ``version`` (the newest installed when None)."""
    found = session.get(Framework, queries.find_framework(raw_connection(session), key, version).id)
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


def get_framework(
    session: Session, key: str | None = None, version: str | None = None
) -> FrameworkView:
    return queries.get_framework(raw_connection(session), key, version)


# --- checking a framework document -----------------------------------------------------------


def check_document(doc: Any, where: str = "the framework") -> None:
    """Everything ``install_document`` relies on, checked up front (a carried or imported
    framework document); raises ``SchemaError`` naming the place, such as
    ``frameworks[0].document.competencies[3].code is not a code``."""
    doc = _obj(doc, where)
    _code(doc, "key", where)
    _code(doc, "version", where, "is not a version number")
    _text(doc, "title", where, limit=_MAX_TEXT, empty=False)
    _text(doc, "kind", where, limit=64, empty=False)
    if doc.get("level") is not None:
        _int(doc, "level", where, low=0, high=99)
    _text(doc, "group_label", where, limit=64, optional=True)
    _text(doc, "attribution", where, limit=_MAX_TEXT, optional=True)
    if doc.get("source") is not None:
        _text(_obj(doc["source"], f"{where}.source"), "url", f"{where}.source", 2_000, True)
    codes: set[str] = set()
    competencies = _list(doc.get("competencies"), f"{where}.competencies")
    if not competencies:
        raise SchemaError(f"{where}.competencies is empty")
    for n, entry in enumerate(competencies):
        here = f"{where}.competencies[{n}]"
        obj = _obj(entry, here)
        codes.add(_code(obj, "code", here))
        _text(obj, "kind", here, limit=32, empty=False)
        _text(obj, "text", here, limit=_MAX_TEXT)
        _text(obj, "name", here, limit=_MAX_TEXT, optional=True)
    if len(codes) != len(competencies):
        raise SchemaError(f"{where}.competencies repeats a code")
    group_codes: set[str] = set()
    groups = _list(doc.get("groups", []), f"{where}.groups")
    for n, entry in enumerate(groups):
        here = f"{where}.groups[{n}]"
        obj = _obj(entry, here)
        group_codes.add(_code(obj, "code", here))
        _text(obj, "text", here, limit=_MAX_TEXT)
        _text(obj, "name", here, limit=_MAX_TEXT, optional=True)
        linked: set[str] = set()
        for m, link in enumerate(_list(obj.get("links", []), f"{here}.links")):
            link_obj = _obj(link, f"{here}.links[{m}]")
            code = _code(link_obj, "competency", f"{here}.links[{m}]")
            if code not in codes or code in linked:
                raise SchemaError(f"{here}.links[{m}] links {code} twice or to nothing")
            linked.add(code)
            _text(link_obj, "level", f"{here}.links[{m}]", limit=32, optional=True)
            _text(link_obj, "text", f"{here}.links[{m}]", limit=_MAX_TEXT, optional=True)
    if len(group_codes) != len(groups):
        raise SchemaError(f"{where}.groups repeats a code")


_MAX_TEXT = 10_000


def _obj(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise SchemaError(f"{where} must be an object")
    return value


def _list(value: Any, where: str, limit: int = 10_000) -> list[Any]:
    if not isinstance(value, list):
        raise SchemaError(f"{where} must be a list")
    if len(value) > limit:
        raise SchemaError(f"{where} has more than {limit} entries")
    return value


def _text(
    obj: dict[str, Any],
    key: str,
    where: str,
    limit: int,
    optional: bool = False,
    *,
    empty: bool = True,
) -> str | None:
    value = obj.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise SchemaError(f"{where}.{key} must be text")
    if not empty and not value.strip():
        raise SchemaError(f"{where}.{key} is empty")
    if len(value) > limit:
        raise SchemaError(f"{where}.{key} is longer than {limit} characters")
    return value


def _int(obj: dict[str, Any], key: str, where: str, *, low: int, high: int) -> int:
    value = obj.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise SchemaError(f"{where}.{key} must be a whole number from {low} to {high}")
    return value


def _code(obj: dict[str, Any], key: str, where: str, says: str = "is not a code") -> str:
    value = _text(obj, key, where, limit=32, empty=False)
    if value is None or not re.fullmatch(CODE_PATTERN, value):
        raise SchemaError(f"{where}.{key} {says}")
    return value


# --- IfATE standards --------------------------------------------------------------------------


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise InvalidInputError(f"Not a valid IfATE standard: {message}.")


def _text_list(
    data: dict[str, Any], field: str, id_field: str, text_field: str
) -> list[tuple[str, str]]:
    entries = data.get(field, [])
    _require(isinstance(entries, list), f"'{field}' must be a list")
    result: list[tuple[str, str]] = []
    for index, entry in enumerate(entries, start=1):
        _require(isinstance(entry, dict), f"{field} entry {index} is not an object")
        ident = entry.get(id_field)
        text = entry.get(text_field)
        _require(
            ident is not None and str(ident).strip() != "",
            f"{field} entry {index} has no {id_field}",
        )
        _require(
            isinstance(text, str) and text.strip() != "",
            f"{field} entry {index} has no {text_field}",
        )
        result.append((str(ident), text.strip()))
    return result


def ifate_to_document(data: Any) -> dict[str, Any]:
    """Convert one IfATE standard-version object into our framework schema."""
    _require(isinstance(data, dict), "the file must hold one JSON object")
    reference = data.get("referenceNumber")
    _require(
        isinstance(reference, str)
        and re.fullmatch(r"ST\d{4}", reference.strip() or "") is not None,
        "'referenceNumber' must look like ST0825",
    )
    title = data.get("title")
    _require(isinstance(title, str) and title.strip() != "", "'title' is missing")
    version = data.get("version")
    _require(
        isinstance(version, str | int | float) and str(version).strip() != "",
        "'version' is missing",
    )
    level = data.get("level")
    _require(
        level is None
        or (isinstance(level, int) and not isinstance(level, bool))
        or (isinstance(level, str) and level.isdigit()),
        "'level' must be a number",
    )

    competencies: list[dict[str, Any]] = []
    code_for_id: dict[str, str] = {}
    for field, id_field, prefix, kind in (
        ("knowledges", "knowledgeId", "K", "knowledge"),
        ("skills", "skillId", "S", "skill"),
        ("behaviours", "behaviourId", "B", "behaviour"),
    ):
        for position, (ident, text) in enumerate(
            _text_list(data, field, id_field, "detail"), start=1
        ):
            _require(ident not in code_for_id, f"the id {ident} is used twice")
            code = f"{prefix}{position}"
            code_for_id[ident] = code
            competencies.append({"code": code, "kind": kind, "name": None, "text": text})
    _require(competencies != [], "it lists no knowledge, skills or behaviours")

    duties = data.get("duties", [])
    _require(isinstance(duties, list), "'duties' must be a list")
    groups: list[dict[str, Any]] = []
    order = {c["code"]: i for i, c in enumerate(competencies)}
    for position, duty in enumerate(duties, start=1):
        _require(isinstance(duty, dict), f"duty {position} is not an object")
        text = duty.get("dutyDetail")
        _require(isinstance(text, str) and text.strip() != "", f"duty {position} has no dutyDetail")
        linked: set[str] = set()
        for field in ("mappedKnowledge", "mappedSkills", "mappedBehaviour"):
            ids = duty.get(field) or []
            _require(isinstance(ids, list), f"duty {position} '{field}' must be a list")
            for ident in ids:
                _require(
                    str(ident) in code_for_id,
                    f"duty {position} maps to {ident}, which is not one of its KSBs",
                )
                linked.add(code_for_id[str(ident)])
        groups.append(
            {
                "code": f"D{position}",
                "name": None,
                "text": text.strip(),
                "links": [
                    {"competency": code, "level": None, "text": None}
                    for code in sorted(linked, key=order.__getitem__)
                ],
            }
        )
    version_text = str(version).strip()
    if re.fullmatch(r"\d+", version_text):
        version_text += ".0"
    return {
        "schema": SCHEMA,
        "key": reference.strip(),
        "version": version_text,
        "title": title.strip(),
        "kind": "apprenticeship-standard",
        "level": int(level) if level is not None else None,
        "group_label": "Duty",
        "source": {
            "publisher": "Institute for Apprenticeships and Technical Education",
            "title": title.strip(),
            "url": str(data.get("url") or ""),
        },
        "licence": "Open Government Licence v3.0",
        "attribution": "Contains public sector information licensed under the Open Government "
        "Licence v3.0. © Crown copyright, Institute for Apprenticeships and Technical Education.",
        "competency_kinds": [
            {"kind": "knowledge", "prefix": "K", "label": "Knowledge"},
            {"kind": "skill", "prefix": "S", "label": "Skills"},
            {"kind": "behaviour", "prefix": "B", "label": "Behaviours"},
        ],
        "competencies": competencies,
        "groups": groups,
    }


def parse_ifate_json(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInputError(
            f"The file is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})."
        ) from exc
    return ifate_to_document(data)


def import_standard(session: Session, text: str) -> FrameworkSummary:
    """Import an IfATE standard given as JSON text; refuse duplicates and bad data."""
    document = parse_ifate_json(text)
    exists = session.scalar(
        select(Framework.id).where(
            Framework.key == document["key"], Framework.version == document["version"]
        )
    )
    if exists is not None:
        raise InvalidInputError(
            f"{document['key']} version {document['version']} is already installed."
        )
    framework = install_document(session, document, bundled=False)
    return FrameworkSummary(
        key=framework.key,
        version=framework.version,
        title=framework.title,
        kind=framework.kind,
        level=framework.level,
        competencies=len(document["competencies"]),
        groups=len(document["groups"]),
        bundled=False,
    )


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
    return {code: found[code] for code in wanted}
