"""Crash-safe drafts of what the user is typing, kept until it is saved.

The editor writes a draft a fraction of a second after each change and saves
to the portfolio about a second after typing stops; the draft is removed once
the portfolio holds the same text. If the app is killed in between, the next
open finds the draft and applies it, so nothing typed is lost. Plain Python:
no Qt, so it is tested without widgets.
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from app.schema.drafts import DRAFT_FORMAT, DraftFile, SchemaError, decode_draft, encode_draft

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Draft:
    """Unsaved text for one item: changed fields and tag justifications."""

    ref: str
    fields: dict[str, str] = field(default_factory=dict)  # title, date, body
    justifications: dict[str, str] = field(default_factory=dict)  # qualified code -> text

    def is_empty(self) -> bool:
        return not self.fields and not self.justifications


class DraftStore:
    """Drafts of one portfolio file, one JSON file per item, in ``folder``."""

    def __init__(self, folder: Path, portfolio: Path) -> None:
        self.folder = folder
        self.portfolio = str(Path(portfolio).resolve())
        self._prefix = hashlib.sha256(self.portfolio.encode("utf-8")).hexdigest()[:16]

    def _path(self, ref: str) -> Path:
        safe = "".join(ch for ch in ref if ch.isalnum())
        return self.folder / f"{self._prefix}-{safe}.json"

    def save(self, draft: Draft) -> None:
        """Write atomically (a half-written draft never replaces a good one)."""
        if draft.is_empty():
            self.discard(draft.ref)
            return
        data = encode_draft(
            DraftFile(
                format=DRAFT_FORMAT,
                portfolio=self.portfolio,
                ref=draft.ref,
                fields=draft.fields,
                justifications=draft.justifications,
            )
        )
        path = self._path(draft.ref)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(".partial")
            with partial.open("wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            partial.replace(path)
        except (
            OSError
        ) as exc:  # a draft is a safety net; failing to write one must not block typing
            log.warning("Could not write the draft %s: %s", path, exc)

    def discard(self, ref: str) -> None:
        try:
            self._path(ref).unlink(missing_ok=True)
        except OSError as exc:
            log.warning("Could not remove the draft for %s: %s", ref, exc)

    def load_all(self) -> list[Draft]:
        """Every draft left for this portfolio (unreadable ones are skipped)."""
        drafts: list[Draft] = []
        for path in sorted(self.folder.glob(f"{self._prefix}-*.json")):
            draft = _read(path, self.portfolio)
            if draft is not None:
                drafts.append(draft)
        return drafts


def _read(path: Path, portfolio: str) -> Draft | None:
    try:
        data = decode_draft(path.read_bytes())
    except (OSError, SchemaError) as exc:
        log.warning("Ignoring the unreadable draft %s: %s", path, exc)
        return None
    if data.portfolio != portfolio:
        return None
    return Draft(ref=data.ref, fields=data.fields, justifications=data.justifications)
