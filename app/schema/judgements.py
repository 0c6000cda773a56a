"""The assessor's judgements on one package (``apprentice-portfolio-assessment/1``): kept in
the assessor's own data folder, never in the package (``app.services.assessment``)."""

from __future__ import annotations

from typing import Annotated

import msgspec

from app.schema.base import Sha256, Stamp, check_format, decode, one_of, text

FORMAT = "apprentice-portfolio-assessment/1"
NOT_YET_SEEN, EVIDENCED, NOT_EVIDENCED = "not-yet-seen", "evidenced", "not-evidenced"
JUDGEMENTS = (NOT_YET_SEEN, EVIDENCED, NOT_EVIDENCED)
MAX_COMMENT = 100_000
MAX_ASSESSOR = 200
Words = Annotated[str, text(10_000)]


class Judgement(msgspec.Struct, frozen=True):
    judgement: Annotated[str, one_of(JUDGEMENTS)] = NOT_YET_SEEN
    comment: Annotated[str, text(MAX_COMMENT)] = ""
    updated: Stamp = ""


class FrameworkName(msgspec.Struct):
    key: Words
    version: Words


class PackageRecord(msgspec.Struct):
    """Which package (as ``PackageIdentity``): only ``sha256`` is checked on reading."""

    sha256: Sha256
    signer: Words
    portfolio_fingerprint: Words
    apprentice_name: Words
    uln: Words
    framework: FrameworkName
    package_name: Words
    created: Words


class AssessmentFile(msgspec.Struct):
    format: str
    package: PackageRecord
    assessor: Annotated[str, text(MAX_ASSESSOR)] = ""
    updated: Stamp = ""
    judgements: dict[Annotated[str, text(32)], Judgement] = msgspec.field(default_factory=dict)


def decode_assessment(data: bytes) -> AssessmentFile:
    """An assessment file's bytes, checked; ``SchemaError`` says why not."""
    check_format(data, FORMAT, "the assessment")
    return decode(data, AssessmentFile, name="the assessment")
