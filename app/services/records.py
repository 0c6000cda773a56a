"""Records of a file format (``app.schema``) from rows or views, and rows from records,
copied field by field by name: the record's own definition says what is written and
what is read back; only a field named differently on the two sides is spelled out."""

from __future__ import annotations

from functools import cache
from typing import Any, TypeVar

import msgspec
from sqlalchemy import inspect

from app.models.orm import Base

R = TypeVar("R", bound=msgspec.Struct)
M = TypeVar("M", bound=Base)


def to_record(kind: type[R], origin: object, /, **given: Any) -> R:
    """A ``kind`` record whose fields are ``origin``'s attributes of the same names, but
    for those ``given``."""
    fields = kind.__struct_fields__
    return kind(
        **{name: given[name] if name in given else getattr(origin, name) for name in fields}
    )


def to_row(model: type[M], source: msgspec.Struct, /, **given: Any) -> M:
    """A new ``model`` row: each column from ``source``'s field of the same name, and ``given``."""
    columns = _columns(model)
    values = {name: getattr(source, name) for name in source.__struct_fields__ if name in columns}
    return model(**{**values, **given})


@cache
def _columns(model: type[Base]) -> frozenset[str]:
    return frozenset(inspect(model).column_attrs.keys())
