"""Standards in the shape the Skills England (formerly IfATE) standards API serves.

One object per standard version, or a JSON array of them (the list endpoint).
Each is read into typed Structs, its texts cleaned (stray HTML to plain text,
whitespace normalised), its GUIDs matched whatever their letter case, and it is
turned into our framework document (``app.schema.framework``), whose checks then
apply exactly as they do to a package's frameworks. K1/S1/B1 and D1 are 1-based
positions in the lists; options are numbered 1, 2, … in their order.
"""

from __future__ import annotations

import html
import re
from typing import Annotated, Any

import msgspec
from msgspec import Meta, Struct

from app.errors import InvalidInputError
from app.schema import framework as schema
from app.schema.base import fault
from app.schema.framework import FrameworkDocument, SchemaError

MAX_FILE_BYTES = 64 * 1024 * 1024  # the whole list endpoint is well under this
MAX_VERSIONS = 2_000
MAX_RAW_TEXT = 50_000  # before cleaning (HTML markup takes room)
MAX_KSBS = schema.MAX_COMPETENCIES
MAX_ID = 100

PUBLISHER = "Skills England (formerly the Institute for Apprenticeships and Technical Education)"
ATTRIBUTION = (
    "Contains public sector information licensed under the Open Government Licence v3.0. "
    "© Crown copyright, Skills England (formerly the Institute for Apprenticeships and "
    "Technical Education)."
)

Ident = Annotated[str, Meta(max_length=MAX_ID)]
RawText = Annotated[str, Meta(max_length=MAX_RAW_TEXT)]
IdList = Annotated[list[Ident], Meta(max_length=MAX_KSBS)]


class Knowledge(Struct):
    knowledgeId: Ident | None = None  # the API's own names
    detail: RawText | None = None


class Skill(Struct):
    skillId: Ident | None = None
    detail: RawText | None = None


class Behaviour(Struct):
    behaviourId: Ident | None = None
    detail: RawText | None = None


class Duty(Struct):
    dutyID: Ident | None = None
    dutyDetail: RawText | None = None
    isThisACoreDuty: int | bool | None = None
    mappedKnowledge: IdList | None = None
    mappedSkills: IdList | None = None
    mappedBehaviour: IdList | None = None
    mappedOptions: IdList | None = None


class StandardOption(Struct):
    optionId: Ident | None = None
    title: RawText | None = None


class Standard(Struct):
    referenceNumber: Annotated[str, Meta(max_length=MAX_ID)] | None = None
    title: RawText | None = None
    level: int | Annotated[str, Meta(max_length=MAX_ID)] | None = None
    version: float | int | Annotated[str, Meta(max_length=MAX_ID)] | None = None
    versionNumber: float | int | Annotated[str, Meta(max_length=MAX_ID)] | None = None
    larsCode: int | Annotated[str, Meta(max_length=MAX_ID)] | None = None
    status: Annotated[str, Meta(max_length=MAX_ID)] | None = None
    url: Annotated[str, Meta(max_length=2_000)] | None = None
    knowledges: Annotated[list[Knowledge], Meta(max_length=MAX_KSBS)] | None = None
    skills: Annotated[list[Skill], Meta(max_length=MAX_KSBS)] | None = None
    behaviours: Annotated[list[Behaviour], Meta(max_length=MAX_KSBS)] | None = None
    duties: Annotated[list[Duty], Meta(max_length=schema.MAX_GROUPS)] | None = None
    coreAndOptions: bool | int | None = None
    options: Annotated[list[StandardOption], Meta(max_length=schema.MAX_OPTIONS)] | None = None


StandardFile = Standard | Annotated[list[Standard], Meta(max_length=MAX_VERSIONS)]


# --- cleaning ---------------------------------------------------------------------------------

_BLOCK = "p|div|br|ul|ol|tr|table|h[1-6]|blockquote"
_INLINE = "span|strong|b|em|i|u|a|sup|sub|font|td|th|tbody|thead|small|mark|abbr|code"
# Only real HTML tags are markup: "<gadgets>" or "a < b" in a text stay as written.
_LIST_ITEM = re.compile(r"<li(?:\s[^<>]*)?>", re.IGNORECASE)
_BLOCK_TAG = re.compile(rf"</?(?:{_BLOCK})(?:\s[^<>]*)?/?>", re.IGNORECASE)
_INLINE_TAG = re.compile(rf"</?(?:{_INLINE})(?:\s[^<>]*)?/?>|</li\s*>", re.IGNORECASE)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def clean_text(text: str) -> str:
    """Plain text from what the API serves: HTML tags removed (entities decoded; list
    items as "- " lines), ``\\r\\n`` and no-break spaces normalised, runs of spaces
    collapsed, lines trimmed, at most one blank line between paragraphs."""
    text = _LIST_ITEM.sub("\n- ", text)
    text = _BLOCK_TAG.sub("\n", text)
    text = _INLINE_TAG.sub("", text)
    if "&" in text:
        text = html.unescape(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)  # ESC sequences and the like: never part of a text
    text = re.sub(r"[\u00a0\u2007\u202f\t\f\v ]+", " ", text)
    lines = [line.strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _guid(value: str) -> str:
    """GUIDs compare whatever their letter case (and with or without braces)."""
    return value.strip().strip("{}").lower()


# --- converting -------------------------------------------------------------------------------


def _refuse(reference: str, message: str) -> InvalidInputError:
    where = f"{reference}: " if reference else ""
    return InvalidInputError(f"Not a valid standard: {where}{message}.")


def _fits(kind: Any, value: str, what: str, reference: str) -> None:
    problem = fault(kind, value, what)
    if problem:
        raise _refuse(reference, problem)


def _version(value: float | int | str | None, reference: str) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise _refuse(reference, "'version' is missing")
    text = repr(value) if isinstance(value, float) else str(value).strip()
    if re.fullmatch(r"\d{1,4}", text):
        text += ".0"
    if not re.fullmatch(r"\d{1,4}(\.\d{1,4}){1,3}", text):
        raise _refuse(reference, f"the version {text[:40]!r} is not a version number like 1.1")
    return text


def _level(value: int | str | None, reference: str) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip()
    if not text.isdigit() or not 0 <= int(text) <= schema.MAX_LEVEL:
        raise _refuse(
            reference, f"the level {text[:40]!r} is not a level from 0 to {schema.MAX_LEVEL}"
        )
    return int(text)


def to_document(standard: Standard) -> FrameworkDocument:
    """Our framework document for one standard version; refuses what it cannot keep."""
    reference = (standard.referenceNumber or "").strip().upper()
    if not re.fullmatch(r"ST\d{4}", reference):
        shown = (standard.referenceNumber or "")[:40]
        raise _refuse(
            "",
            f"'referenceNumber' must look like ST0825, not {shown!r}"
            if shown
            else "'referenceNumber' is missing",
        )
    title = clean_text(standard.title or "")
    if not title:
        raise _refuse(reference, "'title' is missing")
    _fits(schema.Title, title, "the title", reference)
    version = _version(standard.version, reference)
    level = _level(standard.level, reference)

    competencies: list[schema.Competency] = []
    code_for_id: dict[str, str] = {}
    lists: tuple[tuple[str, str, str, list[tuple[str | None, str | None]]], ...] = (
        (
            "knowledge",
            "K",
            "knowledges",
            [(k.knowledgeId, k.detail) for k in standard.knowledges or []],
        ),
        ("skill", "S", "skills", [(s.skillId, s.detail) for s in standard.skills or []]),
        (
            "behaviour",
            "B",
            "behaviours",
            [(b.behaviourId, b.detail) for b in standard.behaviours or []],
        ),
    )
    total = sum(len(entries) for *_, entries in lists)
    if total > MAX_KSBS:
        raise _refuse(
            reference, f"it lists {total} knowledge, skills and behaviours (at most {MAX_KSBS})"
        )
    for kind, prefix, field, entries in lists:
        for position, (ident, detail) in enumerate(entries, start=1):
            code = f"{prefix}{position}"
            if ident is None or not ident.strip():
                raise _refuse(reference, f"{code} ({field} entry {position}) has no id")
            key = _guid(ident)
            if key in code_for_id:
                raise _refuse(
                    reference, f"{code} has the id {ident}, which {code_for_id[key]} has too"
                )
            text = clean_text(detail or "")
            if not text:
                raise _refuse(reference, f"{code} has no text")
            _fits(schema.Text, text, code, reference)
            code_for_id[key] = code
            competencies.append(schema.Competency(code=code, kind=kind, text=text))
    if not competencies:
        raise _refuse(reference, "it lists no knowledge, skills or behaviours")

    options: list[schema.Option] = []
    option_for_id: dict[str, int] = {}
    for n, option in enumerate(standard.options or [], start=1):
        option_title = clean_text(option.title or "")
        if option.optionId is None or not option.optionId.strip():
            raise _refuse(reference, f"option {n} has no optionId")
        key = _guid(option.optionId)
        if key in option_for_id:
            raise _refuse(
                reference,
                f"options {option_for_id[key]} and {n} have the same id {option.optionId}",
            )
        _fits(schema.Title, option_title, f"option {n}'s title", reference)
        option_for_id[key] = n
        options.append(schema.Option(n=n, title=option_title))

    order = {c.code: i for i, c in enumerate(competencies)}
    groups: list[schema.Group] = []
    duty_ids: dict[str, str] = {}
    for position, duty in enumerate(standard.duties or [], start=1):
        code = f"D{position}"
        if duty.dutyID is not None and duty.dutyID.strip():
            key = _guid(duty.dutyID)
            if key in duty_ids:
                raise _refuse(
                    reference, f"{code} has the id {duty.dutyID}, which {duty_ids[key]} has too"
                )
            duty_ids[key] = code
        text = clean_text(duty.dutyDetail or "")
        if not text:
            raise _refuse(reference, f"{code} has no dutyDetail")
        _fits(schema.Text, text, code, reference)
        linked: set[str] = set()
        for mapped in (duty.mappedKnowledge, duty.mappedSkills, duty.mappedBehaviour):
            for ident in mapped or []:
                found = code_for_id.get(_guid(ident))
                if found is None:
                    raise _refuse(
                        reference,
                        f"{code} maps to {ident[:60]}, which is none of its knowledge, skills "
                        "or behaviours",
                    )
                linked.add(found)
        belongs: set[int] = set()
        for ident in duty.mappedOptions or []:
            found_option = option_for_id.get(_guid(ident))
            if found_option is None:
                raise _refuse(
                    reference, f"{code} belongs to the option {ident[:60]}, which it does not list"
                )
            belongs.add(found_option)
        core = bool(duty.isThisACoreDuty) or not belongs
        groups.append(
            schema.Group(
                code=code,
                text=text,
                links=[schema.Link(competency=c) for c in sorted(linked, key=order.__getitem__)],
                core=core,
                options=[] if core else sorted(belongs),
            )
        )
    document = FrameworkDocument(
        schema=schema.SCHEMA,
        key=reference,
        version=version,
        title=title,
        kind="apprenticeship-standard",
        level=level,
        group_label="Duty",
        source=schema.Source(publisher=PUBLISHER, title=title, url=(standard.url or "").strip()),
        licence="Open Government Licence v3.0",
        attribution=ATTRIBUTION,
        competency_kinds=[
            schema.CompetencyKind(kind="knowledge", prefix="K", label="Knowledge"),
            schema.CompetencyKind(kind="skill", prefix="S", label="Skills"),
            schema.CompetencyKind(kind="behaviour", prefix="B", label="Behaviours"),
        ],
        competencies=competencies,
        groups=groups,
        options=options,
    )
    try:  # the same checks a package's frameworks pass
        return schema.check_document(schema.from_builtins(schema.to_builtins(document)))
    except SchemaError as exc:
        raise _refuse(reference, str(exc)) from None


def _shape(data: bytes | str) -> type[Any]:
    """The type a failed decode is explained against: one object, or the list endpoint's array."""
    start = data.lstrip()[:1]
    return Standard if start in ("{", b"{") else list[Standard]


def parse(data: bytes | str) -> list[FrameworkDocument]:
    """Every standard version in a file (one object or an array), all valid or none."""
    if len(data) > MAX_FILE_BYTES:
        raise InvalidInputError(
            f"The file is {len(data):,} bytes; a standards file is at most {MAX_FILE_BYTES:,}."
        )
    try:
        decoded = msgspec.json.decode(data, type=StandardFile)
    except msgspec.ValidationError as exc:
        raise InvalidInputError(
            f"Not a valid standard: {schema.translate(exc, '', _shape(data))}."
        ) from None
    except msgspec.DecodeError as exc:
        raise InvalidInputError(f"The file is not valid JSON ({exc}).") from None
    except RecursionError:
        raise InvalidInputError("The file is not valid JSON (it is nested too deeply).") from None
    standards = decoded if isinstance(decoded, list) else [decoded]
    if not standards:
        raise InvalidInputError("The file holds an empty list: no standard to import.")
    documents = [to_document(s) for s in standards]
    seen: dict[tuple[str, str], FrameworkDocument] = {}
    for doc in documents:
        earlier = seen.get((doc.key, doc.version))
        if earlier is not None and earlier != doc:
            raise InvalidInputError(
                f"The file holds {doc.key} v{doc.version} twice, with different texts."
            )
        seen[(doc.key, doc.version)] = doc
    return list(seen.values())
