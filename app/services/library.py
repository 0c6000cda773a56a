"""The user's standards library: bundled and imported framework documents, every version.

Imported standards live as one framework document per version in
``<user data folder>/standards/KEY-VERSION.json`` (``app.config.user_data_dir``,
so tests point it at tmp_path). The bundled frameworks come from the app's
resources and are always present. ``frameworks import`` writes here and needs
no portfolio; a portfolio started on a standard stores its own copy of the
document, as a package does.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from app.config import resource_path, user_data_dir
from app.errors import InvalidInputError, NotFoundError
from app.schema import framework as schema
from app.schema.framework import FrameworkDocument, SchemaError
from app.services import ifate
from app.services.queries import BUNDLED_KEYS, version_key
from app.services.views import (
    CompetencyView,
    FrameworkSummary,
    FrameworkView,
    GroupLinkView,
    GroupView,
    OptionView,
)

log = logging.getLogger(__name__)


def library_dir() -> Path:
    return user_data_dir() / "standards"


def _file_name(doc: FrameworkDocument) -> str:
    return f"{doc.key}-{doc.version}.json"


@cache
def bundled_documents() -> tuple[str, ...]:
    """The bundled frameworks' JSON texts, read once per process."""
    folder = resource_path("frameworks")
    return tuple((folder / f"{key}.json").read_text(encoding="utf-8") for key in BUNDLED_KEYS)


def bundled() -> list[FrameworkDocument]:
    return [schema.decode(text, "a bundled framework") for text in bundled_documents()]


def imported() -> list[FrameworkDocument]:
    """The standards the user imported; a damaged file is skipped (and logged), never fatal."""
    folder = library_dir()
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob("*.json")):
        try:
            found.append(schema.decode(path.read_bytes(), path.name))
        except (OSError, SchemaError) as exc:
            log.warning("Skipping %s in the standards library: %s", path, exc)
    return found


def documents() -> list[FrameworkDocument]:
    """Every framework version in the library: bundled first, then by key and version."""
    shipped = bundled()
    docs: dict[tuple[str, str], FrameworkDocument] = {}
    for doc in [*shipped, *imported()]:
        docs.setdefault((doc.key, doc.version), doc)
    bundled_keys = [d.key for d in shipped]
    return sorted(
        docs.values(),
        key=lambda d: (
            bundled_keys.index(d.key) if d.key in bundled_keys else len(bundled_keys),
            d.key,
            version_key(d.version),
        ),
    )


def find(key: str, version: str | None = None) -> FrameworkDocument:
    """The library's ``key`` at ``version`` (the newest when None)."""
    wanted = key.strip().upper()
    candidates = [d for d in documents() if d.key.upper() == wanted]
    if version is not None:
        candidates = [d for d in candidates if d.version == version]
    if not candidates:
        known = ", ".join(sorted({d.key for d in documents()}))
        what = f"{key} version {version}" if version else key
        raise NotFoundError(
            f"No framework {what}; installed frameworks: {known}. "
            "Import a standard with 'portfolio frameworks import FILE.json'."
        )
    return max(candidates, key=lambda d: version_key(d.version))


# --- comparing and importing -----------------------------------------------------------------


def _clip(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "…"


def first_difference(old: FrameworkDocument, new: FrameworkDocument) -> str | None:
    """The first thing that differs between two versions under one reference, in words."""
    for field in ("title", "level", "kind"):
        a, b = getattr(old, field), getattr(new, field)
        if a != b:
            return f"its {field} is {_clip(str(a))!r} there and {_clip(str(b))!r} here"
    if len(old.competencies) != len(new.competencies):
        return f"it has {len(old.competencies)} competencies there and {len(new.competencies)} here"
    for a, b in zip(old.competencies, new.competencies, strict=True):
        if (a.code, a.kind, a.text, a.name) != (b.code, b.kind, b.text, b.name):
            return f"{a.code} reads {_clip(a.text)!r} there and {_clip(b.text)!r} here"
    if len(old.groups) != len(new.groups):
        return f"it has {len(old.groups)} duties there and {len(new.groups)} here"
    for g, h in zip(old.groups, new.groups, strict=True):
        if g.text != h.text or g.code != h.code:
            return f"{g.code} reads {_clip(g.text)!r} there and {_clip(h.text)!r} here"
        if g.links != h.links:
            links_g = ", ".join(link.competency for link in g.links)
            links_h = ", ".join(link.competency for link in h.links)
            return f"{g.code} maps to {links_g or 'nothing'} there and {links_h or 'nothing'} here"
        if (g.core, g.options) != (h.core, h.options):
            return f"{g.code} belongs to other options there than here"
    if old.options != new.options:
        return "its options differ"
    if old != new:
        return "its details (source, attribution or description) differ"
    return None


@dataclass(frozen=True)
class ImportResult:
    document: FrameworkDocument
    added: bool  # False: this exact version was already installed (nothing to do)


def add(docs: list[FrameworkDocument]) -> list[ImportResult]:
    """Install documents into the library: all of them or (on any conflict) none."""
    present = {(d.key, d.version): d for d in documents()}
    results = []
    for doc in docs:
        old = present.get((doc.key, doc.version))
        if old is None:
            results.append(ImportResult(doc, added=True))
            continue
        difference = first_difference(old, doc)
        if difference is not None:
            raise InvalidInputError(
                f"{doc.key} v{doc.version} is already installed with different text: "
                f"{difference}. Nothing was imported."
            )
        results.append(ImportResult(doc, added=False))
    folder = library_dir()
    for result in results:
        if not result.added:
            continue
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / _file_name(result.document)
        part = target.with_name(f".{target.name}.part")
        try:
            with open(part, "wb") as out:
                out.write(schema.encode(result.document))
                out.flush()
                os.fsync(out.fileno())
            os.replace(part, target)
        except OSError as exc:
            part.unlink(missing_ok=True)
            raise InvalidInputError(
                f"Cannot write {target} in the standards library: {exc.strerror or exc}."
            ) from exc
    return results


def import_text(data: bytes | str) -> list[ImportResult]:
    """``frameworks import``: every version in an IfATE / Skills England file."""
    return add(ifate.parse(data))


def document_dict(doc: FrameworkDocument) -> dict[str, object]:
    """The document as stored in a portfolio (the frameworks table's ``document``)."""
    return json.loads(schema.encode(doc))


# --- what ``frameworks list`` and ``show`` read, without a database ---------------------------


@dataclass(frozen=True)
class Installed:
    """A framework version there is to see, with its bundled flag."""

    document: FrameworkDocument
    bundled: bool


def installed(stored: Iterable[tuple[Any, bool]] = ()) -> list[Installed]:
    """Every framework version there is to see: ``stored`` (a portfolio's own copies,
    decoded JSON with their bundled flag, in the file's order) and then the library's
    versions the portfolio lacks. A stored copy the framework schema refuses is left out,
    as the portfolio's own reading leaves it out."""
    found: list[Installed] = []
    present: set[tuple[str, str]] = set()
    for document, is_bundled in stored:
        try:
            doc = schema.from_builtins(document)
        except SchemaError:
            continue
        if (doc.key, doc.version) in present:
            continue
        present.add((doc.key, doc.version))
        found.append(Installed(doc, bool(is_bundled)))
    shipped = {(d.key, d.version) for d in bundled()}
    for doc in documents():
        if (doc.key, doc.version) not in present:
            found.append(Installed(doc, (doc.key, doc.version) in shipped))
    return found


def sorted_installed(found: Iterable[Installed]) -> list[Installed]:
    """The bundled frameworks first, then by key and version (``queries.list_frameworks``)."""
    return sorted(
        found,
        key=lambda f: (
            BUNDLED_KEYS.index(f.document.key)
            if f.document.key in BUNDLED_KEYS
            else len(BUNDLED_KEYS),
            f.document.key,
            version_key(f.document.version),
        ),
    )


def find_installed(found: list[Installed], key: str, version: str | None = None) -> Installed:
    """``key`` at ``version`` among ``found`` (the newest when None), as
    ``queries.find_framework`` finds it in a portfolio."""
    wanted = key.strip().upper()
    candidates = [f for f in found if f.document.key.upper() == wanted]
    if version is not None:
        candidates = [f for f in candidates if f.document.version == version]
    if not candidates:
        known = ", ".join(sorted({f.document.key for f in found}))
        what = f"{key} version {version}" if version else key
        raise NotFoundError(f"No framework {what}; installed frameworks: {known}.")
    return max(candidates, key=lambda f: version_key(f.document.version))


def summary_of(doc: FrameworkDocument, *, bundled: bool = False) -> FrameworkSummary:
    return FrameworkSummary(
        key=doc.key,
        version=doc.version,
        title=doc.title,
        kind=doc.kind,
        level=doc.level,
        competencies=len(doc.competencies),
        groups=len(doc.groups),
        bundled=bundled,
        options=tuple(o.title for o in doc.options),
    )


def view_of(doc: FrameworkDocument) -> FrameworkView:
    """The framework as ``queries.framework_view`` reads it from a portfolio (every group)."""
    return FrameworkView(
        key=doc.key,
        version=doc.version,
        title=doc.title,
        kind=doc.kind,
        level=doc.level,
        group_label=doc.group_label or "Group",
        attribution=doc.attribution,
        source_url=doc.source.url if doc.source is not None else "",
        competencies=tuple(
            CompetencyView(code=c.code, kind=c.kind, text=c.text, name=c.name)
            for c in doc.competencies
        ),
        groups=tuple(
            GroupView(
                code=g.code,
                text=g.text,
                name=g.name,
                links=tuple(
                    GroupLinkView(competency=link.competency, level=link.level, text=link.text)
                    for link in g.links
                ),
                core=g.core,
                options=() if g.core else tuple(g.options),
            )
            for g in doc.groups
        ),
        options=tuple(OptionView(n=o.n, title=o.title) for o in doc.options),
    )
