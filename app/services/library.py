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
from dataclasses import dataclass
from pathlib import Path

from app.config import user_data_dir
from app.errors import InvalidInputError, NotFoundError
from app.schema import framework as schema
from app.schema.framework import FrameworkDocument, SchemaError
from app.services import ifate
from app.services.queries import version_key

log = logging.getLogger(__name__)


def library_dir() -> Path:
    return user_data_dir() / "standards"


def _file_name(doc: FrameworkDocument) -> str:
    return f"{doc.key}-{doc.version}.json"


def bundled() -> list[FrameworkDocument]:
    from app.services.frameworks import bundled_documents

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
