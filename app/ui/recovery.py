"""Applying drafts left behind when the app ended before saving what was typed."""

from __future__ import annotations

import logging

from app.errors import InvalidInputError, NotFoundError, PortfolioError
from app.ui.document import PortfolioDocument
from app.ui.drafts import DraftStore

log = logging.getLogger(__name__)

FIELDS = ("title", "date", "body")


def apply_drafts(document: PortfolioDocument, drafts: DraftStore) -> list[str]:
    """Save every draft's text into the portfolio; return the refs that changed."""
    recovered: list[str] = []
    for draft in drafts.load_all():
        try:
            item = document.item_by_ref(draft.ref)
        except NotFoundError:  # the item was deleted since: nothing to put the text into
            drafts.discard(draft.ref)
            continue
        changed = False
        keep = False  # a failure other than bad input (a locked file): try again next time
        for field, value in draft.fields.items():
            if field not in FIELDS or value == getattr(item, field):
                continue
            try:
                document.update_item(draft.ref, **{field: value})
                changed = True
            except PortfolioError as exc:  # e.g. an empty title: keep what was saved
                log.warning("Draft %s %s not applied: %s", draft.ref, field, exc)
                keep = keep or not isinstance(exc, InvalidInputError)
        tags = {t.code: t.justification for t in (*item.ksb_tags, *item.duty_tags)}
        tags.update({f"{t.framework}:{t.code}": t.justification for t in item.other_tags})
        for code, text in draft.justifications.items():
            if code in tags and tags[code] != text:
                try:
                    document.tag(draft.ref, code, text)
                    changed = True
                except PortfolioError as exc:
                    log.warning("Draft %s justification %s not applied: %s", draft.ref, code, exc)
                    keep = keep or not isinstance(exc, InvalidInputError)
        if not keep:
            drafts.discard(draft.ref)
        if changed:
            recovered.append(draft.ref)
    return recovered
