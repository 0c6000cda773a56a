"""What every schema shares: the record base class, constrained types, decoding, and the
one translator from msgspec's errors to the sentence a user reads.

A failed decode says *where* (``$.items[2].date``) and *what* msgspec expected. The
translator turns that into the document's own words: ``E003.date is not a date
(YYYY-MM-DD)``. It looks the failing place up in the schema itself (the field's type
and its ``Meta`` constraints), so a new field gets a friendly message with no code:
``Annotated[int, Meta(ge=1, le=1440)]`` reads "must be a whole number from 1 to 1440",
``Annotated[str, text(40)]`` "is longer than 40 characters", and a pattern says what its
``extra={"says": ...}`` says.

What a user types is checked against the very same constraints by ``checked``: the limit
lives once, in the schema, and the sentence comes from the same ``_expected`` with the
value in view ("The title is 10000 characters (at most 500)", "The status 'done' is not
one of: draft, ready").
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Hashable, Iterable
from functools import cache
from typing import Annotated, Any, TypeVar

import msgspec
from msgspec import Meta
from msgspec import inspect as mi

from app.errors import InvalidInputError

T = TypeVar("T")
H = TypeVar("H", bound=Hashable)

CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
# an 8-bit-clean bound for any one number in a document: far beyond any count or size we keep
MAX_WHOLE = 2**62
MAX_WEEK_MINUTES = 7 * 24 * 60  # a week, in minutes


class Record(msgspec.Struct, kw_only=True, omit_defaults=True):
    """Base of every record: keyword-only; treat records as values (never change one).

    ``omit_defaults``: a field still at its default is not written, so adding an optional
    field (with a default) changes neither the bytes nor the fingerprint of a document
    that does not use it, and older documents (without the field) still decode.
    """


class SchemaError(ValueError):
    """A document that does not fit its schema; the message is one plain sentence part."""


# --- constrained types ---------------------------------------------------------------------------


def text(limit: int) -> Meta:
    """Any text of at most ``limit`` characters."""
    return Meta(max_length=limit)


def nonblank(limit: int) -> Meta:
    """Text with something other than spaces in it, at most ``limit`` characters."""
    return Meta(max_length=limit, pattern=r"\S", extra={"says": "is empty"})


def pattern(regex: str, says: str, limit: int | None = None) -> Meta:
    """Text matching ``regex`` (anchor it); ``says`` completes "<where> ..." when it does not."""
    return Meta(max_length=limit, pattern=regex, extra={"says": says})


def one_of(values: tuple[str, ...] | list[str]) -> Meta:
    """Exactly one of ``values``."""
    alternatives = "|".join(re.escape(v) for v in values)
    return Meta(
        pattern=f"^(?:{alternatives})$",
        extra={"says": f"must be one of {', '.join(values)}", "one_of": tuple(values)},
    )


def whole(low: int, high: int) -> Meta:
    """A whole number from ``low`` to ``high``."""
    return Meta(ge=low, le=high)


Stamp = Annotated[str, text(40)]  # a UTC ISO 8601 time
Sha256 = Annotated[str, pattern(r"^[0-9a-f]{64}\Z", "must be 64 lowercase hexadecimal digits")]
IsoDate = Annotated[str, pattern(r"^\d{4}-\d{2}-\d{2}\Z", "is not a date (YYYY-MM-DD)")]


class _Head(msgspec.Struct):
    format: Any = None


def check_format(data: bytes, expected: str, name: str) -> None:
    """Refuse ``data`` unless its ``format`` is ``expected`` (before decoding the rest)."""
    found = decode(data, _Head, name=name).format
    if found != expected:
        shown = "".join(c if c.isprintable() else "?" for c in str(found)[:60])
        raise SchemaError(
            f"{name} is in the format {shown!r}, and this version of the app reads {expected!r}"
        )


def canonical(value: Any) -> bytes:
    """A document's canonical bytes (sorted keys, UTF-8, one trailing newline): the same
    record always gives the same bytes, so its SHA-256 can be signed and compared."""
    content = json.dumps(msgspec.to_builtins(value), ensure_ascii=False, indent=1, sort_keys=True)
    return (content + "\n").encode("utf-8")


def once(values: Iterable[H], sentence: str, name: Callable[[H], str] = str) -> None:
    """Refuse a record listed twice where a portfolio keeps it once (a unique key of its
    database): ``sentence`` names it, with ``{}`` standing for ``name(value)``."""
    seen: set[H] = set()
    for value in values:
        if value in seen:
            raise SchemaError(sentence.replace("{}", name(value)))
        seen.add(value)


# --- decoding -----------------------------------------------------------------------------------


def decode(
    data: bytes,
    kind: type[T],
    *,
    name: str,
    place: Callable[[list[str | int]], str] | None = None,
) -> T:
    """Decode ``data`` as ``kind``; raise ``SchemaError`` with one sentence part naming the place.

    ``name`` is the file ("portfolio.json"); ``place`` renames a path (for example
    ``["items", 2]`` → ``"E003"``); by default paths read ``items[2].date``.
    """
    try:
        return msgspec.json.decode(data, type=kind)
    except msgspec.ValidationError as exc:
        raise SchemaError(explain(str(exc), kind, place or dotted)) from exc
    except (msgspec.DecodeError, RecursionError, UnicodeDecodeError) as exc:
        if isinstance(exc, RecursionError):
            raise SchemaError(f"{name} is nested deeper than any {name} is") from exc
        raise SchemaError(f"{name} is not valid JSON") from exc


def dotted(path: list[str | int]) -> str:
    """``["items", 2, "date"]`` → ``items[2].date``; the empty path is "the document"."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "the document"


_AT = re.compile(r"^(?P<message>.*) - at `\$(?P<path>[^`]*)`$", re.DOTALL)
_STEP = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+|\.\.\.)\]")


def explain(message: str, kind: type[Any], place: Callable[[list[str | int]], str]) -> str:
    """msgspec's ``Expected `int` >= 1 - at `$.items[2].number``` in the schema's own words."""
    found = _AT.match(message)
    raw, path = (found["message"], found["path"]) if found else (message, "")
    steps: list[str | int] = []
    for step in _STEP.finditer(path):
        if step[1] is not None:
            steps.append(step[1])
        elif step[2] != "...":
            steps.append(int(step[2]))
    missing = re.match(r"Object missing required field `([^`]+)`", raw)
    if missing:
        return f"{place([*steps, missing[1]])} is missing"
    unknown = re.match(r"Object contains unknown field `([^`]+)`", raw)
    if unknown:  # only where a schema forbids fields it does not know
        return f"{place([*steps, unknown[1][:40]])} is not a field this app knows"
    where = place(steps)
    info = _type_at(mi.type_info(kind), steps)
    if raw == "Integer value out of range" and not isinstance(info, mi.IntType):
        return f"{where} holds a number too large for any {where}"
    return f"{where} {_expected(info, raw)}"


_NO_VALUE: Any = object()


def checked(record: type[msgspec.Struct], field: str, value: T, what: str) -> T:
    """``value`` when ``record.field``'s constraints allow it; else ``InvalidInputError``
    saying so about ``what`` (``"The title"``): what a user types meets the limits a file
    meets, in the same words."""
    return checked_as(_field(record, field), value, what)


def checked_as(kind: Any, value: T, what: str) -> T:
    """``checked`` against a type (``Annotated[str, nonblank(500)]``) rather than a field."""
    problem = fault(kind, value, what)
    if problem:
        raise InvalidInputError(f"{problem}.")
    return value


def fault(kind: Any, value: Any, what: str) -> str:
    """What ``kind`` finds wrong with ``value`` ("the title is 600 characters (at most
    500)"), or "" when it fits: for a caller with its own way of refusing."""
    try:
        msgspec.convert(value, type=kind)
    except msgspec.ValidationError as exc:
        return f"{what} {_expected(_info(kind), str(exc), value, what)}"
    return ""


@cache
def _field(record: type[msgspec.Struct], name: str) -> Any:
    return next(f.type for f in msgspec.structs.fields(record) if f.name == name)


@cache
def _info(kind: Any) -> mi.Type:
    return mi.type_info(kind)


def _type_at(info: mi.Type, steps: list[str | int]) -> mi.Type:
    """The type the schema declares at ``steps`` (Any once the path leaves the schema)."""
    for step in steps:
        info = _bare(info)[0]
        if isinstance(step, str) and isinstance(info, mi.StructType):
            field = next((f for f in info.fields if f.encode_name == step), None)
            if field is None:
                return mi.AnyType()
            info = field.type
        elif isinstance(step, int) and isinstance(
            info, mi.ListType | mi.TupleType | mi.VarTupleType
        ):
            info = info.item_type if not isinstance(info, mi.TupleType) else info.item_types[step]
        elif isinstance(info, mi.DictType):
            info = info.value_type
        else:
            return mi.AnyType()
    return info


def _bare(info: mi.Type) -> tuple[mi.Type, dict[str, Any], bool]:
    """(the type without Metadata and None, its extra, whether null is allowed)."""
    extra: dict[str, Any] = {}
    nullable = False
    while True:
        if isinstance(info, mi.Metadata):
            extra.update(info.extra or {})
            info = info.type
        elif isinstance(info, mi.UnionType):
            others = [t for t in info.types if not isinstance(t, mi.NoneType)]
            nullable = len(others) != len(info.types)
            if len(others) != 1:
                return info, extra, nullable
            info = others[0]
        else:
            return info, extra, nullable


def _expected(declared: mi.Type, raw: str, value: Any = _NO_VALUE, what: str = "") -> str:
    """What is wrong, after the place's name; with ``value`` (typed input) it is quoted."""
    info, extra, _nullable = _bare(declared)
    if isinstance(info, mi.StrType) and isinstance(value, str):
        shown = value if len(value) <= 40 else value[:40] + "…"
        if "length <=" in raw:
            verb = "are" if what.endswith("notes") else "is"
            return f"{verb} {len(value)} characters (at most {info.max_length})"
        if "matching regex" in raw and "one_of" in extra:
            return f"'{shown}' is not one of: {', '.join(extra['one_of'])}"
        if "matching regex" in raw and extra.get("says") != "is empty" and shown.isprintable():
            return f"'{shown}' {extra.get('says', 'is not in the expected form')}"
    if isinstance(info, mi.StrType):
        if "length >=" in raw:
            return "is empty"
        if "length <=" in raw:
            return f"is longer than {info.max_length} characters"
        if "matching regex" in raw:
            return str(extra.get("says", "is not in the expected form"))
        return "must be text"
    if isinstance(info, mi.BoolType):
        return "must be true or false"
    if isinstance(info, mi.IntType):
        low = info.ge if info.ge is not None else (info.gt + 1 if info.gt is not None else None)
        high = info.le if info.le is not None else (info.lt - 1 if info.lt is not None else None)
        if low is not None and high is not None:
            given = f", not {value}" if isinstance(value, int) else ""
            return f"must be a whole number from {low} to {high}{given}"
        return "must be a whole number"
    if isinstance(info, mi.FloatType):
        return str(extra.get("says", "must be a number"))
    if isinstance(info, mi.ListType | mi.VarTupleType | mi.TupleType | mi.SetType):
        limit = getattr(info, "max_length", None)
        if "length <=" in raw and limit is not None:
            return f"has more than {limit} entries"
        if "length >=" in raw:
            return "is empty"
        return "must be a list"
    if isinstance(info, mi.StructType | mi.DictType):
        return "must be an object"
    if isinstance(info, mi.LiteralType):
        return f"must be one of {', '.join(str(v) for v in info.values)}"
    return "is not valid"
