"""The signed portfolio package (``.portfolio``): writing it, and importing one.

A package is a zip holding ``portfolio.pdf`` (the EPA portfolio), ``portfolio.json``
(the portfolio, see ``app.schema.portfolio``: the assessor's copy without drafts and
programme records, the review copy whole),
``attachments/<sha256>``
(every attachment, once), ``manifest.json`` (format, creation time, the signer's
public key, and the path, size and SHA-256 of every other member) and
``manifest.sig`` (the Ed25519 signature of the exact bytes of ``manifest.json``).

The same portfolio always gives the same bytes: members are sorted, zip times are
the portfolio's last change, the manifest's ``created`` is that same time, and
Ed25519 signatures are deterministic. Writing is atomic (a temporary file beside
the destination, renamed into place); reading and verifying live in
``package_reader``.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import shutil
import sqlite3
import stat
import tempfile
import zipfile
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, Literal, Protocol

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.errors import InvalidInputError, PortfolioError
from app.export.package_reader import (
    ATTACHMENTS,
    CERTIFICATE,
    DEFAULT_LIMITS,
    FORMAT,
    MANIFEST,
    PORTFOLIO_JSON,
    PORTFOLIO_PDF,
    SIGNATURE,
    SIGNOFF,
    SIGNOFF_JSON,
    Limits,
    PackageError,
    PackageReader,
    ProgressFn,
    VerifiedPackage,
    verify_package,
)
from app.models.db import Database, open_portfolio
from app.models.files import connect, is_disk_full
from app.models.leftovers import sweep_folder
from app.models.outputs import check_output, create_part, staged_output
from app.models.signoff_orm import SignoffRequest as SignoffRequestRow
from app.models.signoff_orm import SignoffResponse as SignoffResponseRow
from app.models.signoff_orm import SignoffResponseItem as SignoffResponseItemRow
from app.schema import signoff as signoff_schema
from app.schema.manifest import FileEntry, Manifest, encode_manifest
from app.schema.portfolio import uln_check_digit_ok
from app.services import portfolio_json, signoff
from app.services.blob_source import BlobSource, SqliteBlobSource
from app.services.signing import SigningKey, load_or_create_key
from app.services.snapshot import assessors_copy, take_snapshot
from app.services.views import PortfolioSnapshot

__all__ = [
    "FORMAT",
    "Limits",
    "PackageError",
    "PackageReader",
    "PackageResult",
    "VerifiedPackage",
    "export_package",
    "import_package",
    "verify_package",
    "write_package",
]

_CHUNK = 1 << 20

# The copies a package can carry (as ``app.export.context``'s, without importing reportlab)
Audience = Literal["assessor", "review"]
ASSESSOR: Audience = "assessor"
REVIEW: Audience = "review"


class PdfBuilder(Protocol):
    """Writes the EPA PDF for ``snapshot`` to ``out``, naming the signing key on its cover."""

    def __call__(
        self,
        snapshot: PortfolioSnapshot,
        blobs: BlobSource,
        out: Path,
        signer: str,
        progress: ProgressFn | None,
        cancelled: Callable[[], bool] | None,
    ) -> object: ...


def epa_pdf(
    snapshot: PortfolioSnapshot,
    blobs: BlobSource,
    out: Path,
    signer: str,
    progress: ProgressFn | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> object:
    """The assessor's copy of the EPA PDF (the default options), the key's fingerprint on
    its cover."""
    return _epa_pdf(snapshot, blobs, out, signer, progress, cancelled, "assessor")


def review_copy_pdf(
    snapshot: PortfolioSnapshot,
    blobs: BlobSource,
    out: Path,
    signer: str,
    progress: ProgressFn | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> object:
    """The review copy for the provider and employer: the assessor's copy plus the
    programme records (``export package --for review``)."""
    return _epa_pdf(snapshot, blobs, out, signer, progress, cancelled, "review")


def _epa_pdf(
    snapshot: PortfolioSnapshot,
    blobs: BlobSource,
    out: Path,
    signer: str,
    progress: ProgressFn | None,
    cancelled: Callable[[], bool] | None,
    audience: Literal["assessor", "review"],
) -> object:
    from app.export.pdf import PdfOptions, build_pdf

    return build_pdf(
        snapshot,
        blobs,
        out,
        # export_package signs this PDF, so the declaration carries the signature
        options=PdfOptions(signer_fingerprint=signer, audience=audience, signed=True),
        progress=progress,
        cancelled=cancelled,
    )


PDF_BUILDERS: dict[Audience, PdfBuilder] = {"assessor": epa_pdf, "review": review_copy_pdf}


@dataclass(frozen=True)
class PackageResult:
    path: Path
    fingerprint: str  # of the signing key
    files: int  # members listed in the manifest
    size: int  # bytes of the package file


@dataclass(frozen=True)
class ImportResult:
    path: Path
    package: VerifiedPackage

    @property
    def items(self) -> int:
        return len(self.package.document.items)

    @property
    def programme(self) -> portfolio_json.ProgrammeRecord:
        """The skills scans, off-the-job plan and log, and reviews the package carried."""
        return self.package.document.records


# --- writing ------------------------------------------------------------------------------------


def export_package(
    db: Database,
    out: Path,
    *,
    key: SigningKey | None = None,
    audience: Audience = ASSESSOR,
    build_pdf: PdfBuilder | None = None,
    progress: ProgressFn | None = None,
    cancelled: Callable[[], bool] | None = None,
    force: bool = False,
    sign_pdf: bool = True,
) -> PackageResult:
    """Snapshot the portfolio in ``db`` and write its signed package to ``out``
    (never over the portfolio or a database; an existing file only with ``force``).

    ``audience`` picks the copy: the assessor's (the default) leaves the programme
    records and the drafts out of ``portfolio.json`` and the PDF alike, with the
    fingerprint of what it carries; the review copy carries the whole portfolio (the
    PDF is the review copy, drafts left out of it as ``export pdf`` does). ``build_pdf``
    defaults to that copy's PDF.

    The package carries the sign-off requests and signed responses the portfolio holds
    (the assessor's copy only those about its items: ``signoff_members``), and (with the
    app's own PDF builders) the PDF signed with the apprentice's certificate, which the
    manifest lists as ``certificate.der``."""
    out = Path(out)
    check_output(out, what="package", force=force, protected=[db.path])
    key = load_or_create_key() if key is None else key
    build_pdf = PDF_BUILDERS[audience] if build_pdf is None else build_pdf
    with db.reader() as session:
        snapshot = take_snapshot(session)
        if audience == ASSESSOR:
            snapshot = assessors_copy(snapshot)
        document = portfolio_json.build_document(
            session, snapshot, signer=key.fingerprint, programme_records=audience == REVIEW
        )
        extra = signoff_members(
            session,
            programme_records=audience == REVIEW,
            refs=None if audience == REVIEW else {item.ref for item in snapshot.items},
        )
    uln = document.details.uln
    if uln and not uln_check_digit_ok(uln):  # no assessor could verify the package
        raise PortfolioError(
            f"The apprentice's ULN {uln} fails the Unique Learner Number check digit, so the "
            "package would not verify; correct it (Edit > Portfolio Details…) or clear it, "
            "then export again."
        )
    blobs = SqliteBlobSource(db.path)
    try:
        return write_package(
            snapshot,
            portfolio_json.encode(document),
            blobs,
            key,
            out,
            build_pdf=build_pdf,
            progress=progress,
            cancelled=cancelled,
            force=force,
            protected=[db.path],
            extra=extra,
            sign_pdf=sign_pdf and build_pdf in PDF_BUILDERS.values(),  # not a test stand-in
        )
    finally:
        blobs.close()


def signoff_members(
    session: Session, *, programme_records: bool = True, refs: Collection[str] | None = None
) -> list[tuple[str, bytes]]:
    """``signoff.json`` (the requests made) and ``signoff/<sha256>`` (each signed response),
    or nothing when the portfolio has never asked for sign-off.

    Without ``programme_records`` (the assessor's copy) the requests to sign a progress
    review and their answers stay out too: they are about programme records, and an
    answer carries the signer's comment on the review.

    With ``refs`` (the items the copy carries: the assessor's copy leaves the drafts out)
    only what concerns at least one of those items goes in. A signed response cannot be
    cut, so one that also speaks for an item left out goes in whole; one that speaks only
    for items left out stays out with its request, and so does a request not yet answered
    that asks only about items left out."""
    requests = signoff.request_records(session)
    if not programme_records:
        requests = [r for r in requests if r.review_id is None]
    responses = signoff.response_files(session)
    if not programme_records:
        about_reviews = set(
            session.scalars(
                select(SignoffResponseRow.sha256)
                .join(SignoffRequestRow, SignoffResponseRow.request_id == SignoffRequestRow.id)
                .where(SignoffRequestRow.review_id.is_not(None))
            )
        )
        responses = [(sha, data) for sha, data in responses if sha not in about_reviews]
    if refs is not None:
        requests, responses = _concerning(session, requests, responses, set(refs))
    if not requests:
        return []
    records = signoff_schema.SignoffRecords(
        format=signoff_schema.RECORD_FORMAT,
        requests=requests,
        responses=[sha for sha, _ in responses],
    )
    return [
        (SIGNOFF_JSON, signoff_schema.encode(records)),
        *((SIGNOFF + sha, data) for sha, data in responses),
    ]


def _concerning(
    session: Session,
    requests: list[signoff_schema.RequestRecord],
    responses: list[tuple[str, bytes]],
    refs: set[str],
) -> tuple[list[signoff_schema.RequestRecord], list[tuple[str, bytes]]]:
    """The requests and responses (as ``signoff_members`` has them) that concern at least
    one of ``refs``: a response through the items it speaks for (those of its request
    when it speaks for none), a request through its responses once answered, else
    through the items it asks about."""
    asked = {r.request_id: {i.ref for i in r.items} for r in requests}
    answering = {
        sha: request_id
        for sha, request_id in session.execute(
            select(SignoffResponseRow.sha256, SignoffRequestRow.request_id).join(
                SignoffRequestRow, SignoffResponseRow.request_id == SignoffRequestRow.id
            )
        ).tuples()
    }
    spoken: dict[str, set[str]] = {sha: set() for sha in answering}
    for sha, ref in session.execute(
        select(SignoffResponseRow.sha256, SignoffResponseItemRow.ref).join(
            SignoffResponseItemRow, SignoffResponseItemRow.response_id == SignoffResponseRow.id
        )
    ).tuples():
        spoken[sha].add(ref)
    kept_responses: list[tuple[str, bytes]] = []
    answered: set[str] = set()
    kept_requests: set[str] = set()
    for sha, data in responses:
        request_id = answering[sha]
        answered.add(request_id)
        if spoken[sha] & refs or (not spoken[sha] and asked.get(request_id, set()) & refs):
            kept_responses.append((sha, data))
            kept_requests.add(request_id)
    kept = [
        r
        for r in requests
        if r.request_id in kept_requests
        or (r.request_id not in answered and asked[r.request_id] & refs)
    ]
    return kept, kept_responses


def write_package(
    snapshot: PortfolioSnapshot,
    document: bytes,
    blobs: BlobSource,
    key: SigningKey,
    out: Path,
    *,
    build_pdf: PdfBuilder = epa_pdf,
    progress: ProgressFn | None = None,
    cancelled: Callable[[], bool] | None = None,
    force: bool = False,
    protected: Iterable[Path] = (),
    extra: Sequence[tuple[str, bytes]] = (),
    sign_pdf: bool = False,
) -> PackageResult:
    """Write the package atomically: ``out`` is either the whole package or untouched.

    ``extra`` are further members (the sign-off records); ``sign_pdf`` signs the PDF
    with the certificate derived from ``key`` and adds that certificate.

    ``out`` is never a database or a portfolio's companion; an existing file is
    replaced only with ``force`` (``app.models.outputs``)."""
    out = Path(out)
    guarded = tuple(protected)
    check_output(out, what="package", force=force, protected=guarded)
    digests = sorted({a.sha256 for item in snapshot.items for a in item.attachments})
    names = {a.sha256: (item.ref, a.name) for item in snapshot.items for a in item.attachments}
    pdf_steps = len(snapshot.items) + 1
    total_steps = pdf_steps + len(digests) + 1
    step = pdf_steps

    def pdf_progress(done: int, _total: int) -> None:
        if progress is not None:
            progress(min(done, pdf_steps), total_steps)

    def advance() -> None:
        nonlocal step
        if cancelled is not None and cancelled():
            raise PackageError("The package export was cancelled; no file was written.")
        step += 1
        if progress is not None:
            progress(step, total_steps)

    moment = _zip_time(snapshot.last_changed)
    with tempfile.TemporaryDirectory(prefix="portfolio-package-") as private:
        pdf_path = Path(private) / PORTFOLIO_PDF
        try:
            build_pdf(snapshot, blobs, pdf_path, key.fingerprint, pdf_progress, cancelled)
        except PortfolioError as exc:
            if " is full" not in str(exc):
                raise
            raise PortfolioError(
                f"Could not write the package {out}: the disk holding the temporary folder "
                f"{Path(private).parent} is full."
            ) from exc
        members = list(extra)
        if sign_pdf:
            from app.export.pdf_signing import pdf_identity, sign_pdf_file, signing_time

            name = snapshot.info.apprentice_name
            identity = pdf_identity(key, name)
            sign_pdf_file(pdf_path, identity, name, signing_time(snapshot.last_changed))
            members.append((CERTIFICATE, identity.certificate))
        pdf_size, pdf_sha = _hash_file(pdf_path)
        with (
            staged_output(out, what="package", force=force, protected=guarded) as temp,
            temp.open("r+b") as fh,
            zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as zf,
        ):
            files: list[FileEntry] = []
            for digest in digests:  # "attachments/…" sorts before the rest
                data = blobs.read(digest)
                if data is None or hashlib.sha256(data).hexdigest() != digest:
                    ref, name = names[digest]
                    raise PortfolioError(
                        f"The attachment {name} of {ref} is missing or damaged in the "
                        "portfolio; run 'portfolio check' before exporting."
                    )
                zf.writestr(_member(ATTACHMENTS + digest, moment, len(data)), data)
                files.append(FileEntry(path=ATTACHMENTS + digest, size=len(data), sha256=digest))
                advance()
            for name, data in members:
                zf.writestr(_member(name, moment, len(data)), data)
                files.append(
                    FileEntry(path=name, size=len(data), sha256=hashlib.sha256(data).hexdigest())
                )
            files.append(
                FileEntry(
                    path=PORTFOLIO_JSON,
                    size=len(document),
                    sha256=hashlib.sha256(document).hexdigest(),
                )
            )
            files.append(FileEntry(path=PORTFOLIO_PDF, size=pdf_size, sha256=pdf_sha))
            manifest = manifest_bytes(snapshot.last_changed, key, files)
            zf.writestr(_member(MANIFEST, moment, len(manifest)), manifest)
            zf.writestr(_member(SIGNATURE, moment, 64), key.sign(manifest))
            zf.writestr(_member(PORTFOLIO_JSON, moment, len(document)), document)
            with (
                pdf_path.open("rb") as pdf,
                zf.open(_member(PORTFOLIO_PDF, moment, pdf_size), "w") as dest,
            ):
                shutil.copyfileobj(pdf, dest, _CHUNK)
            zf.close()  # writes the central directory, before the file is synced
            fh.flush()
            os.fsync(fh.fileno())
    if progress is not None:
        progress(total_steps, total_steps)
    return PackageResult(
        path=out, fingerprint=key.fingerprint, files=len(files), size=out.stat().st_size
    )


def manifest_bytes(
    created: str, key: SigningKey, files: list[FileEntry], *, format_: str = FORMAT
) -> bytes:
    """A signed zip's manifest: the package's, or a sign-off file's (``format_``)."""
    return encode_manifest(
        Manifest(format=format_, created=created, public_key=key.public_base64, files=tuple(files))
    )


def _member(name: str, moment: tuple[int, int, int, int, int, int], size: int) -> zipfile.ZipInfo:
    """A zip entry that reads the same on every platform: fixed time, mode and origin."""
    info = zipfile.ZipInfo(name, date_time=moment)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3  # Unix, whatever platform wrote it
    info.external_attr = (stat.S_IFREG | 0o644) << 16
    info.file_size = size  # lets zipfile choose ZIP64 up front for large members
    return info


def _zip_time(timestamp: str) -> tuple[int, int, int, int, int, int]:
    """The portfolio's last change as a zip time (UTC; zip cannot go before 1980)."""
    try:
        moment = datetime.fromisoformat(timestamp.strip())
    except ValueError:
        return (1980, 1, 1, 0, 0, 0)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    if not 1980 <= moment.year <= 2107:
        return (1980, 1, 1, 0, 0, 0)
    return (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)


def _hash_file(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def _check_destination(out: Path) -> None:
    """The output rule (``app.models.outputs``) for writers that replace their file
    themselves (the sign-off files): never a folder, a device, the portfolio or any
    database; an ordinary file may be replaced."""
    check_output(out, what="file", force=True)


def _temp_beside(out: Path) -> tuple[Path, BinaryIO]:
    """A new ``.NAME.<random>.part`` file beside ``out`` (so the final rename is atomic)."""
    temp = create_part(out, "file")
    return temp, temp.open("r+b")


# --- importing ----------------------------------------------------------------------------------


def import_package(
    package: Path,
    target: Path,
    *,
    signer: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    progress: ProgressFn | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportResult:
    """Verify ``package`` and recreate its portfolio as the new file ``target``.

    Everything comes back: details, items, tags, attachments and the programme
    records (scans, the off-the-job plan and log, reviews) with their ids and
    links. ``target`` must not exist. The portfolio is built in a private folder beside it
    and moved into place only once complete and matching the package's fingerprint;
    the folder is removed whatever happens.
    """
    package, target = Path(package), Path(target)
    _refuse_existing(target)
    if not target.parent.is_dir():
        raise PortfolioError(f"The folder {target.parent} does not exist; create it first.")
    sweep_folder(target.parent)  # what a killed import left here
    with PackageReader(package, limits=limits) as reader:
        verified = reader.verify(signer=signer, progress=progress, cancelled=cancelled)
        try:
            private = Path(tempfile.mkdtemp(prefix=".portfolio-import-", dir=target.parent))
        except OSError as exc:
            raise PortfolioError(
                f"Cannot write in {target.parent} ({exc.strerror or exc}); choose another folder."
            ) from exc
        try:
            built = private / "portfolio.sqlite3"
            restore_into(built, reader)
            _refuse_existing(target)
            _publish(built, target)
        except (PortfolioError, OSError) as exc:
            if not _disk_full(exc, private):
                raise
            raise PortfolioError(
                f"Could not import into {target}: the disk holding {target.parent} is full; "
                "nothing was imported. Free some space first."
            ) from exc
        finally:
            shutil.rmtree(private, ignore_errors=True)
    return ImportResult(path=target, package=verified)


def check_by_rebuilding(reader: PackageReader) -> None:
    """Rebuild the verified package's portfolio exactly as ``import package`` rebuilds it
    (codes known to its frameworks, the content fingerprint matching, its sign-off records
    put back), in a private temporary folder removed at once; raise ``PackageError``
    naming the first problem. ``verify_package`` calls this for a package whose
    portfolio it cannot judge without building it."""
    try:
        private = tempfile.TemporaryDirectory(prefix="portfolio-verify-")
    except OSError as exc:
        raise PackageError(
            f"Cannot check the package: the temporary folder is not writable "
            f"({exc.strerror or exc})."
        ) from exc
    with private as folder:
        restore_into(Path(folder) / "check.sqlite3", reader, renditions=False)


def _disk_full(exc: BaseException, folder: Path) -> bool:
    """Did building the portfolio in ``folder`` fail because its disk is full?"""
    if isinstance(exc, OSError):
        return exc.errno in (errno.ENOSPC, errno.EDQUOT)
    text = str(exc)
    return " is full" in text or ("could not be written" in text and is_disk_full(folder))


def restore_into(path: Path, reader: PackageReader, *, renditions: bool = True) -> None:
    """Create the portfolio file ``path`` from a verified package (``path`` must be new).

    The one decision on whether a package's portfolio can be rebuilt (``verify``,
    ``import package`` and review mode all make it here): every code must be known to
    its frameworks, and the rebuilt portfolio's fingerprint, programme records included,
    must equal the package's, so a reader that dropped any record would refuse rather
    than lose it.
    """
    document = reader.verified.document
    db = open_portfolio(path, create=True)
    try:
        with db.transaction() as session:
            try:
                portfolio_json.restore_document(
                    session,
                    document,
                    reader.read_attachment,
                    renditions=renditions,
                    stream_blob=reader.stream_attachment,
                )
            except InvalidInputError as exc:
                raise reader._refuse(str(exc).rstrip(".")) from exc
            except (IntegrityError, sqlite3.IntegrityError) as exc:
                raise reader._refuse(repeated_record(exc, PORTFOLIO_JSON)) from exc
            rebuilt = take_snapshot(session).fingerprint
            if rebuilt != document.fingerprint:
                raise reader._refuse("the portfolio rebuilt from it does not match its fingerprint")
            try:
                restore_signoff(session, reader)
            except (IntegrityError, sqlite3.IntegrityError) as exc:
                raise reader._refuse(repeated_record(exc, SIGNOFF_JSON)) from exc
    finally:
        db.close()
    if renditions:
        _fold_journal(path)


def repeated_record(exc: Exception, member: str) -> str:
    """A database constraint the rebuild met, in the package's terms: the schema refuses
    every record listed twice (``app.schema.base.once``), so this is a last resort, and
    it names no temporary file."""
    text = str(getattr(exc, "orig", None) or exc)
    place = text.partition(":")[2].strip()[:200]
    if "UNIQUE" in text or "PRIMARY KEY" in text:
        problem = f"it repeats a record ({place})" if place else "it repeats a record"
    else:
        problem = f"a record does not fit the portfolio ({place or 'a constraint failed'})"
    return f"its {member} could not be rebuilt: {problem}"


def restore_signoff(session: Session, reader: PackageReader) -> None:
    """Put back the sign-off requests and signed responses a verified package carries."""
    if reader.verified.signoff is None:
        return
    from app.export.signoff_files import read_response

    records = signoff_schema.decode(
        reader.read(SIGNOFF_JSON), signoff_schema.SignoffRecords, SIGNOFF_JSON
    )
    for request in records.requests:
        signoff.record_request(session, request)
    for sha in records.responses:
        data = reader.read(SIGNOFF + sha)
        signoff.store_response(session, read_response(Path(SIGNOFF + sha), data))


def _fold_journal(path: Path) -> None:
    """Fold any write-ahead log into the file, so the one file holds everything."""
    with contextlib.closing(connect(path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _refuse_existing(target: Path) -> None:
    if target.exists() or target.is_symlink():
        raise PortfolioError(
            f"{target} already exists; give a new file name for the imported portfolio."
        )


def _publish(built: Path, target: Path) -> None:
    """Move the finished file into place without ever replacing an existing one."""
    try:
        os.link(built, target)
    except FileExistsError as exc:
        raise PortfolioError(
            f"{target} already exists; give a new file name for the imported portfolio."
        ) from exc
    except OSError:
        _refuse_existing(target)  # no hard links on this file system: rename instead
        os.replace(built, target)


def open_for_review(
    package: Path,
    folder: Path,
    *,
    signer: str | None = None,
    progress: ProgressFn | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> tuple[VerifiedPackage, Path]:
    """Verify ``package`` and import it into ``folder`` (the caller's private temporary folder).

    Review mode shows the imported copy read-only; the package itself is never changed.
    """
    with PackageReader(Path(package)) as reader:
        verified = reader.verify(signer=signer, progress=progress, cancelled=cancelled)
        path = Path(folder) / "review.sqlite3"
        restore_into(path, reader)
    return verified, path
