"""The assessor's judgements on a package: kept in their own file, never in the package.

An assessor reviewing a signed package records, for each competency (KSB), a
judgement — not yet seen, evidenced, not evidenced — and a comment. They are
saved as JSON in the assessor's user data folder, one file per package, named
after the SHA-256 of the package's signed ``manifest.json`` (which pins every
byte of the package), so reopening the same package brings the judgements back
and a resubmitted package starts a fresh record. Every change is written at once,
atomically.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import msgspec

from app.config import user_data_dir
from app.errors import InvalidInputError, PortfolioError
from app.schema.base import SchemaError, checked
from app.schema.judgements import (
    EVIDENCED,
    FORMAT,
    JUDGEMENTS,
    MAX_ASSESSOR,
    MAX_COMMENT,
    NOT_EVIDENCED,
    NOT_YET_SEEN,
    AssessmentFile,
    FrameworkName,
    Judgement,
    PackageRecord,
    decode_assessment,
)
from app.services.records import to_record


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class PackageIdentity:
    """Which package an assessment is about (what the record PDF prints)."""

    sha256: str  # of the package's manifest.json: exactly this signed package
    signer: str  # the signing key's fingerprint
    portfolio_fingerprint: str
    apprentice_name: str
    uln: str
    framework_key: str
    framework_version: str
    package_name: str  # the file name it was opened from
    created: str  # the portfolio's last change, as the package records it


@dataclass(frozen=True)
class Assessment:
    package: PackageIdentity
    assessor: str = ""
    updated: str = ""
    judgements: dict[str, Judgement] = field(default_factory=dict)

    def judgement(self, code: str) -> Judgement:
        return self.judgements.get(code, Judgement())

    def counts(self, codes: tuple[str, ...]) -> dict[str, int]:
        """How many of ``codes`` have each judgement."""
        totals = dict.fromkeys(JUDGEMENTS, 0)
        for code in codes:
            totals[self.judgement(code).judgement] += 1
        return totals


def assessments_folder() -> Path:
    return user_data_dir() / "assessments"


def assessment_file(package_sha256: str, folder: Path | None = None) -> Path:
    if not re.fullmatch(r"[0-9a-f]{64}", package_sha256):
        raise InvalidInputError("A package's identity is 64 hexadecimal digits.")
    return (folder or assessments_folder()) / f"{package_sha256}.json"


def record_judgement(
    assessment: Assessment,
    code: str,
    judgement: str,
    comment: str,
    *,
    when: str | None = None,
) -> Assessment:
    """``assessment`` with ``code`` judged; refuses values it could not save."""
    checked(Judgement, "judgement", judgement, "The judgement")
    if not code.strip() or len(code) > 32:
        raise InvalidInputError("A competency code is needed for a judgement.")
    checked(Judgement, "comment", comment, "The comment")
    stamp = when or now()
    judgements = dict(assessment.judgements)
    judgements[code] = Judgement(judgement=judgement, comment=comment, updated=stamp)
    return replace(assessment, judgements=judgements, updated=stamp)


def with_assessor(assessment: Assessment, name: str) -> Assessment:
    name = " ".join(name.split())
    checked(AssessmentFile, "assessor", name, "The assessor's name")
    return replace(assessment, assessor=name, updated=now())


# --- the file -----------------------------------------------------------------------------------


def to_json(assessment: Assessment) -> AssessmentFile:
    """The file's record (judgements by code)."""
    package = assessment.package
    return AssessmentFile(
        format=FORMAT,
        package=to_record(
            PackageRecord,
            package,
            framework=FrameworkName(key=package.framework_key, version=package.framework_version),
        ),
        assessor=assessment.assessor,
        updated=assessment.updated,
        judgements=dict(sorted(assessment.judgements.items())),
    )


def save_assessment(assessment: Assessment, folder: Path | None = None) -> Path:
    """Write the assessment file atomically; return its path."""
    path = assessment_file(assessment.package.sha256, folder)
    record = msgspec.to_builtins(to_json(assessment))
    data = (json.dumps(record, ensure_ascii=False, indent=2) + "\n").encode()
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with temp.open("xb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise PortfolioError(
            f"Your judgements could not be saved to {path} ({exc.strerror or exc})."
        ) from exc
    return path


def load_assessment(
    package: PackageIdentity, folder: Path | None = None
) -> tuple[Assessment, str | None]:
    """The saved assessment of ``package`` (a new one if none), and a notice if one was damaged.

    A damaged file is kept, renamed beside itself, never overwritten.
    """
    path = assessment_file(package.sha256, folder)
    if not path.exists():
        return Assessment(package=package), None
    try:
        found = decode_assessment(path.read_bytes())
        if found.package.sha256 != package.sha256:
            raise SchemaError("an assessment of another package")
        return Assessment(package, found.assessor, found.updated, found.judgements), None
    except (OSError, SchemaError):
        aside = path.with_name(f"{path.stem}.damaged-{datetime.now(UTC):%Y%m%dT%H%M%S}.json")
        try:
            path.rename(aside)
        except OSError as exc:
            raise PortfolioError(
                f"Your saved judgements in {path} cannot be read ({exc.strerror or exc})."
            ) from exc
        return Assessment(package=package), (
            f"Your saved judgements for this package could not be read; the file was kept as "
            f"{aside} and a new record was started."
        )


__all__ = [
    "EVIDENCED",
    "MAX_ASSESSOR",
    "MAX_COMMENT",
    "NOT_EVIDENCED",
    "NOT_YET_SEEN",
    "Assessment",
    "Judgement",
    "PackageIdentity",
    "assessment_file",
    "load_assessment",
    "record_judgement",
    "save_assessment",
    "to_json",
    "with_assessor",
]
