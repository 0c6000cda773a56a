"""A crash-safe draft of what the user is typing (``apprentice-portfolio-draft/1``).

The editor writes one per item being edited; the next open of the portfolio applies it.
"""

from __future__ import annotations

from typing import Annotated

import msgspec
from msgspec import Meta

from app.schema.base import Record, SchemaError, check_format, decode

DRAFT_FORMAT = "apprentice-portfolio-draft/1"
MAX_DRAFT_TEXT = 20_000_000  # as a reflection may be

Text = Annotated[str, Meta(max_length=MAX_DRAFT_TEXT)]


class DraftFile(Record):
    format: str
    portfolio: Annotated[str, Meta(max_length=4096)]  # the portfolio file it belongs to
    ref: Annotated[str, Meta(max_length=16)]
    fields: dict[str, Text] = msgspec.field(default_factory=dict)  # title, date, body
    justifications: dict[str, Text] = msgspec.field(default_factory=dict)  # code -> text


def encode_draft(draft: DraftFile) -> bytes:
    return msgspec.json.encode(draft)


def decode_draft(data: bytes) -> DraftFile:
    """A draft file's bytes, checked; ``SchemaError`` says why not."""
    check_format(data, DRAFT_FORMAT, "the draft")
    return decode(data, DraftFile, name="the draft")


__all__ = ["DRAFT_FORMAT", "DraftFile", "SchemaError", "decode_draft", "encode_draft"]
