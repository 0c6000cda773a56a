"""A package open for review: verified, imported into a private temporary folder, shown read-only.

The package is never changed and never unpacked beside itself: it is verified
in memory and imported into an SQLite file in a private temporary folder
(mode 0700), which is removed when the review window closes.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from app.export.package import open_for_review
from app.export.package_reader import VerifiedPackage
from app.services.assessment import PackageIdentity
from app.services.signer_history import SignerCheck, accept_key, check_and_record


@dataclass(frozen=True)
class ReviewSession:
    package: VerifiedPackage
    source: Path  # the package file the assessor opened
    folder: Path  # private temporary folder holding the imported copy
    database: Path  # the imported copy, opened read-only
    # the signing key against those seen before for this apprentice
    signer: SignerCheck = field(default_factory=lambda: SignerCheck(kind="first"))

    def identity(self) -> PackageIdentity:
        details = self.package.document.details
        return PackageIdentity(
            sha256=self.package.manifest_sha256,
            signer=self.package.fingerprint,
            portfolio_fingerprint=self.package.document.fingerprint,
            apprentice_name=details.apprentice_name,
            uln=details.uln,
            framework_key=details.framework_key,
            framework_version=details.framework_version,
            package_name=self.source.name,
            created=self.package.created,
        )


# Sessions whose window is being built or is open, by the imported file's path.
_sessions: dict[Path, ReviewSession] = {}


def prepare(
    path: Path,
    *,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ReviewSession:
    """Verify and import ``path`` (in a worker thread); the folder goes if anything fails."""
    folder = Path(tempfile.mkdtemp(prefix="portfolio-review-"))
    try:
        verified, database = open_for_review(path, folder, progress=progress, cancelled=cancelled)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    details = verified.document.details
    signer = check_and_record(
        details.uln,
        details.apprentice_name,
        verified.fingerprint,
        datetime.now(UTC).isoformat(timespec="seconds"),
    )
    return ReviewSession(
        package=verified, source=Path(path), folder=folder, database=database, signer=signer
    )


def accept_signer(session: ReviewSession) -> ReviewSession:
    """Trust the package's key for its apprentice (ULN and name) from now on; the session
    as it stands after that."""
    details = session.package.document.details
    now = datetime.now(UTC).isoformat(timespec="seconds")
    accept_key(details.uln, details.apprentice_name, session.package.fingerprint, now)
    accepted = replace(session, signer=SignerCheck(kind="known", first_seen=now))
    register(accepted)
    return accepted


def register(session: ReviewSession) -> None:
    _sessions[session.database.resolve()] = session


def session_for(database: Path) -> ReviewSession | None:
    return _sessions.get(Path(database).resolve())


def end(session: ReviewSession) -> None:
    """Forget ``session`` and remove its temporary folder."""
    _sessions.pop(session.database.resolve(), None)
    shutil.rmtree(session.folder, ignore_errors=True)
