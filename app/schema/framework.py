"""The framework document (``apprentice-portfolio-framework/1``) as typed msgspec Structs.

One definition, used by everything that reads or writes a framework: the bundled
files, the user's standards library, ``frameworks import`` (which builds these
Structs from the IfATE / Skills England shape), and the frameworks a
portfolio.json carries (package ``verify`` and ``import package``). What one of
them accepts, all of them accept. Limits are constraints here; the checks that
span fields (codes unique, links to known codes, option numbers listed) are in
``check_document``.

No Qt, no ORM: this module imports only msgspec and the standard library.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import msgspec
from msgspec import Meta, Struct

from app.schema.base import (
    CODE_PATTERN,
    SchemaError,
    dotted,
    explain,
    nonblank,
    pattern,
    text,
    whole,
)

__all__ = ["SCHEMA", "FrameworkDocument", "SchemaError", "check_document", "decode"]

SCHEMA = "apprentice-portfolio-framework/1"

MAX_TITLE = 300
MAX_TEXT = 10_000
MAX_DESCRIPTION = 100_000
MAX_COMPETENCIES = 1_000
MAX_GROUPS = 500
MAX_OPTIONS = 50
MAX_LEVEL = 8  # the regulated qualification levels: entry to 8
Code = Annotated[str, Meta(min_length=1), pattern(CODE_PATTERN, "is not a code", 32)]
Version = Annotated[str, Meta(min_length=1), pattern(CODE_PATTERN, "is not a version number", 32)]
Title = Annotated[str, nonblank(MAX_TITLE)]
Text = Annotated[str, text(MAX_TEXT)]
Label = Annotated[str, nonblank(64)]
Level = Annotated[int, whole(0, MAX_LEVEL)]
OptionNumber = Annotated[int, whole(1, MAX_OPTIONS)]


class Source(Struct, omit_defaults=True):
    publisher: Annotated[str, text(MAX_TITLE)] = ""
    title: Annotated[str, text(MAX_TEXT)] = ""
    url: Annotated[str, text(2_000)] = ""


class CompetencyKind(Struct):
    kind: Label
    prefix: Annotated[str, Meta(min_length=1, max_length=8)]
    label: Label


class Competency(Struct):
    code: Code
    kind: Label
    text: Text
    name: Annotated[str, text(MAX_TITLE)] | None = None


class Link(Struct):
    competency: Code
    level: Annotated[str, text(32)] | None = None
    text: Text | None = None


class Group(Struct, omit_defaults=True):
    """A duty (or role level). ``core`` groups count for everyone; the others count
    only for a portfolio that chose one of their ``options`` (numbers of the
    document's options)."""

    code: Code
    text: Text
    name: Annotated[str, text(MAX_TITLE)] | None = None
    links: Annotated[list[Link], Meta(max_length=MAX_COMPETENCIES)] = msgspec.field(
        default_factory=list
    )
    core: bool = True
    options: Annotated[list[OptionNumber], Meta(max_length=MAX_OPTIONS)] = msgspec.field(
        default_factory=list
    )


class Option(Struct):
    n: OptionNumber
    title: Title


class FrameworkDocument(Struct, kw_only=True):
    schema: Annotated[str, text(100)] = SCHEMA  # older carried copies may lack it
    key: Code
    version: Version
    title: Title
    kind: Label
    competencies: Annotated[list[Competency], Meta(min_length=1, max_length=MAX_COMPETENCIES)]
    level: Level | None = None
    group_label: Label | None = None
    source: Source | None = None
    licence: Annotated[str, text(MAX_TITLE)] = ""
    attribution: Annotated[str, text(MAX_TEXT)] = ""
    description: Annotated[str, text(MAX_DESCRIPTION)] = ""
    competency_kinds: Annotated[list[CompetencyKind], Meta(max_length=20)] = msgspec.field(
        default_factory=list
    )
    groups: Annotated[list[Group], Meta(max_length=MAX_GROUPS)] = msgspec.field(
        default_factory=list
    )
    options: Annotated[list[Option], Meta(max_length=MAX_OPTIONS)] = msgspec.field(
        default_factory=list
    )

    def option(self, n: int) -> Option | None:
        return next((o for o in self.options if o.n == n), None)


# --- reading and writing --------------------------------------------------------------------


def translate(exc: msgspec.ValidationError, where: str, kind: type[Any]) -> str:
    """msgspec's error in the schema's own words (``app.schema.base.explain``), the place
    prefixed with ``where``: ``frameworks[0].document.title is longer than 300 characters``."""

    def place(steps: list[str | int]) -> str:
        if not steps:
            return where
        path = dotted(steps)
        if not where or path.startswith("["):
            return f"{where}{path}"
        return f"{where}.{path}"

    return explain(str(exc), kind, place)


def check_document(doc: FrameworkDocument, where: str = "the framework") -> FrameworkDocument:
    """The checks that span fields; raises SchemaError naming the first problem."""
    if doc.schema != SCHEMA:
        raise SchemaError(f"{where}.schema is {doc.schema[:60]!r}, not {SCHEMA!r}")
    codes: set[str] = set()
    for n, competency in enumerate(doc.competencies):
        if competency.code in codes:
            raise SchemaError(f"{where}.competencies[{n}] repeats the code {competency.code}")
        codes.add(competency.code)
    numbers = [o.n for o in doc.options]
    if numbers != list(range(1, len(numbers) + 1)):
        raise SchemaError(f"{where}.options must be numbered 1, 2, 3… in order")
    group_codes: set[str] = set()
    for n, group in enumerate(doc.groups):
        here = f"{where}.groups[{n}]"
        if group.code in group_codes:
            raise SchemaError(f"{here} repeats the code {group.code}")
        group_codes.add(group.code)
        linked: set[str] = set()
        for m, link in enumerate(group.links):
            if link.competency not in codes:
                raise SchemaError(f"{here}.links[{m}] links to {link.competency}, which it lacks")
            if link.competency in linked:
                raise SchemaError(f"{here}.links[{m}] links {link.competency} twice")
            linked.add(link.competency)
        unknown = [o for o in group.options if o > len(numbers)]
        if unknown:
            raise SchemaError(f"{here} belongs to option {unknown[0]}, which is not listed")
        if group.core and group.options:
            raise SchemaError(f"{here} is core, so it cannot belong to options")
        if not group.core and not group.options:
            raise SchemaError(f"{here} is not core and belongs to no option")
    return doc


def from_builtins(value: Any, where: str = "the framework") -> FrameworkDocument:
    """Validate a decoded JSON value (dicts and lists) as a framework document."""
    return _checked(lambda: msgspec.convert(value, FrameworkDocument), where)


def decode(data: bytes | str, where: str = "the framework") -> FrameworkDocument:
    """Parse and validate a framework document's JSON text."""
    return _checked(lambda: msgspec.json.decode(data, type=FrameworkDocument), where)


def _checked(read: Callable[[], FrameworkDocument], where: str) -> FrameworkDocument:
    try:
        doc = read()
    except msgspec.ValidationError as exc:
        raise SchemaError(translate(exc, where, FrameworkDocument)) from None
    except msgspec.DecodeError as exc:
        raise SchemaError(f"{where} is not valid JSON ({exc})") from None
    except RecursionError:
        raise SchemaError(f"{where} is nested too deeply") from None
    return check_document(doc, where)


def to_builtins(doc: FrameworkDocument) -> dict[str, Any]:
    """The document as plain JSON values, in the field order above."""
    value = msgspec.to_builtins(doc)
    assert isinstance(value, dict)
    return value


def encode(doc: FrameworkDocument) -> bytes:
    """The document's JSON, as the library and the portfolio store it."""
    return msgspec.json.format(msgspec.json.encode(doc), indent=2) + b"\n"
