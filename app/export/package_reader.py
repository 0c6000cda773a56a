"""Reading and verifying a signed portfolio package (``.portfolio``) without trusting it.

Everything is checked before any member is believed: the zip's structure and
limits (member count, declared and actual sizes — zip bombs — overlapping
members), every name (no absolute paths, no ``..``, no symbolic links, no
duplicates, only the members a package has), the Ed25519 signature over the
exact bytes of ``manifest.json``, the signer when one is required, and every
member's size and SHA-256 against the manifest. Members are decompressed here,
by hand, with a cap, so no byte is read past what was declared. Nothing is ever
written: a verified package is read into memory, member by member, and each
member is hashed again every time it is read.

Problems are raised as ``PackageError``: one sentence naming the first problem.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import itertools
import re
import stat
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, ClassVar, Self

from app.errors import InvalidInputError, PortfolioError
from app.schema.base import SchemaError
from app.schema.manifest import FileEntry as ManifestEntry
from app.schema.manifest import Manifest, decode_manifest
from app.schema.portfolio import PortfolioDocument
from app.services import signing
from app.services.portfolio_check import parse_document, rebuilt_fingerprint, signoff_restores
from app.wording import counted

FORMAT = "apprentice-portfolio-package/1"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
PORTFOLIO_JSON = "portfolio.json"
PORTFOLIO_PDF = "portfolio.pdf"
ATTACHMENTS = "attachments/"
SIGNOFF = "signoff/"  # the sign-off responses a portfolio holds, each as its signed file
SIGNOFF_JSON = "signoff.json"  # the sign-off requests the portfolio made
CERTIFICATE = "certificate.der"  # the certificate that signed portfolio.pdf
_MEMBER_NAME = re.compile(
    r"(portfolio\.json|portfolio\.pdf|signoff\.json|certificate\.der"
    r"|(attachments|signoff)/[0-9a-f]{64})"
)
_CHUNK = 1 << 16
_LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")
_EOCD = struct.Struct("<4sHHHHIIH")
_ZIP64_LOCATOR = struct.Struct("<4sIQI")
_ZIP64_EOCD = struct.Struct("<4sQHHIIQQQQ")

ProgressFn = Callable[[int, int], None]


class PackageError(PortfolioError):
    """A package that cannot be trusted; the message names the first problem."""


@dataclass(frozen=True)
class Limits:
    """What a reader accepts; generous for a real portfolio, tight enough for a bomb."""

    max_package_bytes: int = 16 << 30
    max_members: int = 20_000
    max_member_bytes: int = 1 << 30
    max_total_bytes: int = 8 << 30
    max_manifest_bytes: int = 16 << 20
    max_json_bytes: int = 128 << 20  # portfolio.json: a real one is a few MB


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class PackageSignoff:
    """The signed statements a package carries, each signature checked."""

    responses: int
    confirmations: int  # confirmed claims, over all items and signers
    signers: int  # distinct keys (of signers speaking for an item in the copy)
    earlier: int  # confirmations given for an earlier version of their item
    statements: int  # responses with a witness statement
    # confirmations for items this copy does not carry (a response speaking for a draft
    # and a ready item goes in whole): neither current nor for an earlier version, and
    # not among ``confirmations``
    elsewhere: int = 0

    def summary(self) -> str:
        absent = f", {self.elsewhere} for items not in this copy" if self.elsewhere else ""
        return (
            f"Sign-off: {counted(self.confirmations, 'confirmation')} by "
            f"{counted(self.signers, 'signer')}, {self.earlier} for earlier versions{absent} "
            f"({counted(self.responses, 'signed response')}, every signature valid)."
        )


@dataclass(frozen=True)
class VerifiedPackage:
    """A package whose every byte matched its signed manifest."""

    path: Path
    fingerprint: str  # of the key that signed it
    manifest_sha256: str  # identifies exactly this signed package
    created: str
    files: tuple[ManifestEntry, ...]
    document: PortfolioDocument
    signoff: PackageSignoff | None = None  # None: the package carries no sign-off
    pdf_certificate: bool = False  # portfolio.pdf is signed with certificate.der

    @property
    def total_bytes(self) -> int:
        return sum(f.size for f in self.files)

    def summary(self) -> str:
        doc = self.document
        drafts = sum(1 for i in doc.items if i.status == "draft")
        draft_text = f" ({drafts} in draft)" if drafts else ""
        # printed on a terminal: nothing from the package may carry control sequences
        return _printable(
            f"{doc.details.apprentice_name}: {doc.details.framework_key} "
            f"v{doc.details.framework_version}, {counted(len(doc.items), 'evidence item')}"
            f"{draft_text}, {counted(len(doc.attachment_digests()), 'attachment')}; "
            f"last changed {self.created}."
        )


def member_name_problem(name: str) -> str | None:
    """Why ``name`` could escape or confuse an extraction folder, or None when it is safe."""
    if not name:
        return "an empty name"
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        return "control characters in a name"
    if "\\" in name:
        return "a backslash in a name"
    if name.startswith("/") or re.match(r"[A-Za-z]:", name):
        return "an absolute path"
    parts = name.split("/")
    if ".." in parts:
        return "a '..' path"
    if name.endswith("/"):
        return "a folder entry"
    if "" in parts or "." in parts:
        return "an irregular path"
    return None


@dataclass(frozen=True)
class SignedContents:
    """What a signed zip's manifest vouches for, after every member was checked."""

    fingerprint: str  # of the key that signed it
    public_key: bytes
    manifest_sha256: str  # identifies exactly this signed file
    created: str
    files: tuple[ManifestEntry, ...]
    kept: dict[str, bytes]  # the members asked for, verified


class SignedZipReader:
    """A zip of members listed, with their sizes and SHA-256s, in a ``manifest.json``
    signed by ``manifest.sig`` (Ed25519): the package and the sign-off files alike.

    Subclasses name their format, the members they may hold and the ones they must.
    ``verify_signed()`` first, then read members (hashed again on every read).
    """

    FORMAT: ClassVar[str] = FORMAT
    KIND: ClassVar[str] = "package"  # how messages name the file
    DESCRIPTION: ClassVar[str] = "portfolio package"  # what it is, in full
    SUFFIX: ClassVar[str] = ".portfolio"
    MEMBER_NAME: ClassVar[re.Pattern[str]] = _MEMBER_NAME
    REQUIRED: ClassVar[tuple[str, ...]] = (PORTFOLIO_JSON, PORTFOLIO_PDF)
    NAMED_BY_DIGEST: ClassVar[tuple[str, ...]] = (ATTACHMENTS, SIGNOFF)

    def __init__(
        self, path: Path, *, limits: Limits = DEFAULT_LIMITS, data: bytes | None = None
    ) -> None:
        self.path = Path(path)
        self.limits = limits
        self._data = data  # a signed file held in memory (one carried inside a package)
        self._fh: IO[bytes] | None = None
        self._zip: zipfile.ZipFile | None = None
        self._infos: dict[str, zipfile.ZipInfo] = {}
        self._contents: SignedContents | None = None

    # --- opening ------------------------------------------------------------------------------

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()
            self._zip = None
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def _refuse(self, problem: str) -> PackageError:
        return PackageError(f"The {self.KIND} {self.path.name} was refused: {problem}.")

    def _open(self) -> None:
        path = self.path
        if self._data is not None:
            self._fh = io.BytesIO(self._data)
            size = len(self._data)
        else:
            if not path.exists():
                raise PackageError(f"There is no {self.KIND} at {path}.")
            if not path.is_file():
                raise PackageError(
                    f"{path} is not a file; give the path of a {self.SUFFIX} {self.KIND}."
                )
            try:
                self._fh = path.open("rb")
                size = path.stat().st_size
            except OSError as exc:
                raise PackageError(
                    f"The {self.KIND} {path} cannot be read ({exc.strerror or exc})."
                ) from exc
        if size > self.limits.max_package_bytes:
            raise self._refuse(
                f"it is {size >> 20} MB, over the {self.limits.max_package_bytes >> 20} MB limit"
            )
        counts = _central_directory_counts(self._fh, size)
        if counts is None:
            raise self._refuse("it is not a zip file, or it is truncated or damaged")
        entries, directory_size = counts
        if entries > self.limits.max_members or directory_size > self.limits.max_members * 2048:
            raise self._refuse(
                f"it holds {entries} members, more than the {self.limits.max_members} allowed"
            )
        try:
            self._zip = zipfile.ZipFile(self._fh)
            infos = self._zip.infolist()
        except NotImplementedError as exc:  # zipfile names the version it does not read
            raise self._refuse(
                f"it is damaged, or made by a zip tool this app does not read ({exc})"
            ) from exc
        except (
            zipfile.BadZipFile,
            zipfile.LargeZipFile,
            ValueError,
            OSError,
            EOFError,
            struct.error,
            UnicodeDecodeError,
        ) as exc:
            raise self._refuse("it is not a zip file, or it is truncated or damaged") from exc
        self._check_members(infos, size)
        self._infos = {info.orig_filename: info for info in infos}

    def _check_members(self, infos: list[zipfile.ZipInfo], package_size: int) -> None:
        limits = self.limits
        if len(infos) > limits.max_members:
            raise self._refuse(
                f"it holds {len(infos)} members, more than the {limits.max_members} allowed"
            )
        seen: set[str] = set()
        total = 0
        for info in infos:
            name = info.orig_filename
            shown = _show(name)
            problem = member_name_problem(name)
            if problem is not None:
                raise self._refuse(f"it contains {problem} ({shown})")
            kind = stat.S_IFMT(info.external_attr >> 16)
            if kind == stat.S_IFLNK:
                raise self._refuse(f"{shown} is a symbolic link")
            if (kind and kind != stat.S_IFREG) or info.external_attr & 0x10 or info.is_dir():
                raise self._refuse(f"{shown} is not a regular file")
            if name in seen:
                raise self._refuse(f"it contains {shown} twice")
            seen.add(name)
            if info.flag_bits & 0x1:
                raise self._refuse(f"{shown} is encrypted")
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise self._refuse(f"{shown} uses a compression method this app does not read")
            if info.file_size > limits.max_member_bytes:
                raise self._refuse(
                    f"{shown} declares {info.file_size >> 20} MB, over the "
                    f"{limits.max_member_bytes >> 20} MB limit for one file"
                )
            total += info.file_size
            if total > limits.max_total_bytes:
                raise self._refuse(
                    f"its files declare more than the {limits.max_total_bytes >> 20} MB allowed "
                    "in all"
                )
        # Members whose data overlap are how the smallest zip bombs are made.
        spans = sorted(
            (i.header_offset, i.header_offset + 30 + len(i.orig_filename) + i.compress_size)
            for i in infos
        )
        for (_, end), (start, _) in itertools.pairwise(spans):
            if start < end:
                raise self._refuse("its members overlap one another")
        if spans and spans[0][0] < 0:
            raise self._refuse("it is damaged (its central directory points before its start)")
        if spans and spans[-1][1] > package_size:
            raise self._refuse("it is truncated")

    # --- verifying ----------------------------------------------------------------------------

    def verify_signed(
        self,
        *,
        signer: str | None = None,
        keep: Callable[[ManifestEntry], bool] = lambda _entry: False,
        progress: ProgressFn | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> SignedContents:
        """Check the structure, the signature and every member's hash; keep the members
        ``keep`` asks for. Raise naming the first problem."""
        wanted_signer = signing.normalise_fingerprint(signer) if signer is not None else None
        if self._zip is None:
            self._open()
        for name in (MANIFEST, SIGNATURE):
            if name not in self._infos:
                raise self._refuse(f"{name} is missing, so it is not a signed {self.DESCRIPTION}")
        manifest_bytes = self._read_capped(MANIFEST, self.limits.max_manifest_bytes)
        signature = self._read_capped(SIGNATURE, signing.SIGNATURE_BYTES)
        manifest, public_key = self._manifest_key(manifest_bytes)
        if not signing.verify_signature(public_key, signature, manifest_bytes):
            raise self._refuse(
                "its signature does not match manifest.json, so it was changed after it was signed"
            )
        created, files = self._manifest_files(manifest)
        fingerprint = signing.fingerprint_of(public_key)
        if wanted_signer is not None and fingerprint != wanted_signer:
            raise self._refuse(f"it is signed by key {fingerprint}, not by {wanted_signer}")

        listed = {f.path: f for f in files}
        for required in self.REQUIRED:
            if required not in listed:
                raise self._refuse(f"its manifest does not list {required}")
        for entry in files:
            if entry.path not in self._infos:
                raise self._refuse(f"{entry.path} is missing")
        for name in self._infos:
            if name not in listed and name not in (MANIFEST, SIGNATURE):
                raise self._refuse(f"{_show(name)} is not listed in its manifest")
        for entry in files:
            declared = self._infos[entry.path].file_size
            if declared != entry.size:
                raise self._refuse(
                    f"{entry.path} is {declared} bytes but the manifest says {entry.size}"
                )

        for entry in files:  # what is read into memory is bounded before any is read
            if keep(entry) and entry.size > self.limits.max_json_bytes:
                raise self._refuse(
                    f"{entry.path} is {entry.size >> 20} MB, more than the "
                    f"{self.limits.max_json_bytes >> 20} MB this app reads"
                )
        total = sum(f.size for f in files)
        done = 0
        kept: dict[str, bytes] = {}
        for entry in files:
            if cancelled is not None and cancelled():
                raise PackageError(f"Checking the {self.KIND} was cancelled.")
            wanted = keep(entry)
            data = self._hash_member(entry, keep=wanted)
            if wanted:
                kept[entry.path] = data
            done += entry.size
            if progress is not None:
                progress(done, total)
        self._contents = SignedContents(
            fingerprint=fingerprint,
            public_key=public_key,
            manifest_sha256=hashlib.sha256(manifest_bytes).hexdigest(),
            created=created,
            files=files,
            kept=kept,
        )
        return self._contents

    def _manifest_key(self, data: bytes) -> tuple[Manifest, bytes]:
        """The decoded manifest and the public key to check its signature with."""
        try:
            manifest = decode_manifest(data, self.FORMAT)
        except SchemaError as exc:
            raise self._refuse(_printable(str(exc))) from exc
        try:
            public_key = base64.b64decode(manifest.public_key, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise self._refuse("manifest.json has no valid public key") from exc
        if len(public_key) != signing.PUBLIC_KEY_BYTES:
            raise self._refuse("manifest.json has no valid public key")
        return manifest, public_key

    def _manifest_files(self, manifest: Manifest) -> tuple[str, tuple[ManifestEntry, ...]]:
        """The signed manifest's creation time and file list, checked against the limits."""
        if len(manifest.files) > self.limits.max_members:
            raise self._refuse(
                f"manifest.json lists more than the {self.limits.max_members} files allowed"
            )
        for entry in manifest.files:
            path, size, digest = entry.path, entry.size, entry.sha256
            if member_name_problem(path) is not None:
                raise self._refuse(f"manifest.json lists an unsafe path ({_show(path)})")
            if not self.MEMBER_NAME.fullmatch(path):
                raise self._refuse(
                    f"manifest.json lists {_show(path)}, which a {self.KIND} never has"
                )
            if size > self.limits.max_member_bytes:
                raise self._refuse(
                    f"manifest.json declares {path} as {size >> 20} MB, over the "
                    f"{self.limits.max_member_bytes >> 20} MB limit for one file"
                )
            folder, _, base = path.rpartition("/")
            if folder + "/" in self.NAMED_BY_DIGEST and base != digest:
                raise self._refuse(f"{path} is not named after its SHA-256")
        files = manifest.files
        if len({f.path for f in files}) != len(files):
            raise self._refuse("manifest.json lists a file twice")
        if sum(f.size for f in files) > self.limits.max_total_bytes:
            raise self._refuse(
                f"manifest.json declares more than the {self.limits.max_total_bytes >> 20} MB "
                "allowed in all"
            )
        return manifest.created, files

    # --- reading members ----------------------------------------------------------------------

    @property
    def contents(self) -> SignedContents:
        if self._contents is None:
            raise RuntimeError("verify the file before reading it")
        return self._contents

    def read(self, path: str) -> bytes:
        """A member of the verified file, hashed again as it is read."""
        entry = next((f for f in self.contents.files if f.path == path), None)
        if entry is None:
            raise self._refuse(f"{_show(path)} is not in the {self.KIND}")
        return self._hash_member(entry, keep=True)

    def stream(self, path: str) -> Iterator[bytes]:
        """A member of the verified file in chunks, hashed again as it is read; raises
        after the last chunk if the bytes were not those signed (so a caller writing them
        must be able to undo, as a transaction can)."""
        entry = next((f for f in self.contents.files if f.path == path), None)
        if entry is None:
            raise self._refuse(f"{_show(path)} is not in the {self.KIND}")
        digest = hashlib.sha256()
        for chunk in self._stream(self._infos[entry.path]):
            digest.update(chunk)
            yield chunk
        if digest.hexdigest() != entry.sha256:
            raise self._refuse(
                f"{entry.path} was changed after it was signed (its SHA-256 does not match "
                "the manifest)"
            )

    def _read_capped(self, name: str, cap: int) -> bytes:
        info = self._infos[name]
        if info.file_size > cap:
            raise self._refuse(f"{name} is larger than a package's {name} ever is")
        return b"".join(self._stream(info))

    def _hash_member(self, entry: ManifestEntry, *, keep: bool) -> bytes:
        """The member hashed against the manifest, and kept (``keep``) in one growing
        buffer whose bytes are returned without a copy: the member once in memory, not
        twice as joined chunks were."""
        digest = hashlib.sha256()
        kept = io.BytesIO()
        for chunk in self._stream(self._infos[entry.path]):
            digest.update(chunk)
            if keep:
                kept.write(chunk)
        if digest.hexdigest() != entry.sha256:
            raise self._refuse(
                f"{entry.path} was changed after it was signed (its SHA-256 does not match "
                "the manifest)"
            )
        return kept.getvalue()

    def _stream(self, info: zipfile.ZipInfo) -> Iterator[bytes]:
        """The member's bytes, decompressed by hand: never a byte past its declared size."""
        fh = self._fh
        assert fh is not None
        name = info.orig_filename  # only listed, pattern-checked members are streamed
        fh.seek(info.header_offset)
        header = fh.read(_LOCAL_HEADER.size)
        if len(header) != _LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
            raise self._refuse(f"{name} is damaged (its zip header is missing)")
        fields = _LOCAL_HEADER.unpack(header)
        flags, method, name_length, extra_length = fields[2], fields[3], fields[9], fields[10]
        local_name = fh.read(name_length).decode("utf-8" if flags & 0x800 else "cp437", "replace")
        if local_name != info.orig_filename or method != info.compress_type:
            raise self._refuse(f"{name} is damaged (its two zip headers disagree)")
        fh.seek(extra_length, 1)

        declared, remaining, produced, crc = info.file_size, info.compress_size, 0, 0
        inflater = zlib.decompressobj(-zlib.MAX_WBITS) if method == zipfile.ZIP_DEFLATED else None
        if inflater is None and remaining != declared:
            raise self._refuse(f"{name} is damaged (its sizes disagree)")
        pending = b""
        while True:
            if not pending and remaining > 0:
                pending = fh.read(min(_CHUNK, remaining))
                if not pending:
                    raise self._refuse(f"{name} is truncated")
                remaining -= len(pending)
            if not pending:
                break
            if inflater is None:
                out, pending = pending, b""
            else:
                try:
                    out = inflater.decompress(pending, _CHUNK)
                except zlib.error as exc:
                    raise self._refuse(f"{name} is damaged (it does not decompress)") from exc
                pending = inflater.unconsumed_tail
            produced += len(out)
            if produced > declared:
                raise self._refuse(
                    f"{name} holds more data than the {declared} bytes it declares "
                    "(damaged, or a zip bomb)"
                )
            if out:
                crc = zlib.crc32(out, crc)
                yield out
            if inflater is not None and inflater.eof:
                break
        if inflater is not None and (not inflater.eof or remaining or inflater.unused_data):
            raise self._refuse(f"{name} is damaged (its compressed data is incomplete)")
        if produced != declared:
            raise self._refuse(f"{name} is damaged (it is shorter than it declares)")
        if crc != info.CRC:
            raise self._refuse(f"{name} is damaged (its zip checksum does not match)")


class PackageReader(SignedZipReader):
    """An open package: ``verify()`` first, then read members (hashed again on every read)."""

    def __init__(
        self, path: Path, *, limits: Limits = DEFAULT_LIMITS, data: bytes | None = None
    ) -> None:
        super().__init__(path, limits=limits, data=data)
        self._verified: VerifiedPackage | None = None
        # the carried sign-off records go back in plainly (portfolio_check.signoff_restores)
        self._signoff_restores = False

    def verify(
        self,
        *,
        signer: str | None = None,
        progress: ProgressFn | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> VerifiedPackage:
        """Check everything; return what was verified or raise naming the first problem."""
        contents = self.verify_signed(
            signer=signer,
            keep=lambda entry: (
                entry.path in (PORTFOLIO_JSON, SIGNOFF_JSON, CERTIFICATE)
                or entry.path.startswith(SIGNOFF)
            ),
            progress=progress,
            cancelled=cancelled,
        )
        try:
            document = parse_document(contents.kept[PORTFOLIO_JSON])
        except InvalidInputError as exc:
            raise self._refuse(str(exc).rstrip(".")) from exc
        listed = {f.path: f for f in contents.files}
        self._check_document(document, listed, contents.fingerprint)
        if CERTIFICATE in contents.kept:
            from app.export.pdf_certificate import ed25519_fingerprint_of

            if ed25519_fingerprint_of(contents.kept[CERTIFICATE]) != contents.fingerprint:
                raise self._refuse(
                    f"{CERTIFICATE} is not the PDF certificate of the key that signed it"
                )
        self._verified = VerifiedPackage(
            path=self.path,
            fingerprint=contents.fingerprint,
            manifest_sha256=contents.manifest_sha256,
            created=contents.created,
            files=contents.files,
            document=document,
            signoff=self._check_signoff(contents, document),
            pdf_certificate=CERTIFICATE in contents.kept,
        )
        return self._verified

    def _check_signoff(
        self, contents: SignedContents, document: PortfolioDocument
    ) -> PackageSignoff | None:
        """Check every carried response's own signature and that it answers a request the
        package records, about the content that was sent."""
        kept = contents.kept
        responses = {p[len(SIGNOFF) :]: d for p, d in kept.items() if p.startswith(SIGNOFF)}
        if SIGNOFF_JSON not in kept:
            if responses:
                raise self._refuse(f"it carries sign-off responses but no {SIGNOFF_JSON}")
            return None
        from app.export.signoff_reader import read_response
        from app.schema import signoff as schema

        try:
            records = schema.decode(kept[SIGNOFF_JSON], schema.SignoffRecords, SIGNOFF_JSON)
        except ValueError as exc:
            raise self._refuse(str(exc)) from exc
        if sorted(records.responses) != sorted(responses):
            raise self._refuse(f"{SIGNOFF_JSON} does not list exactly the responses it carries")
        requests = {r.request_id: r for r in records.requests}
        current = _content_hashes(document)
        carried = []
        confirmations = earlier = statements = elsewhere = 0
        signers: set[str] = set()
        for sha in records.responses:
            try:
                verified = read_response(Path(f"{SIGNOFF}{sha}"), responses[sha])
            except PackageError as exc:
                reason = str(exc).split("was refused: ", 1)[-1].rstrip(".")
                raise self._refuse(
                    f"the sign-off response {SIGNOFF}{sha[:12]}… is not intact: {reason}"
                ) from exc
            carried.append(verified)
            response = verified.response
            request = requests.get(response.request_id)
            if request is None or request.request_sha256 != response.request_sha256:
                raise self._refuse(
                    f"the sign-off response of {_printable(response.signer.name)} answers a "
                    "request this package does not record"
                )
            sent = {i.ref: i.content_sha256 for i in request.items}
            for item in response.items:
                if sent.get(item.ref) != item.content_sha256:
                    raise self._refuse(
                        f"the sign-off response of {_printable(response.signer.name)} confirms "
                        f"a version of {item.ref} other than the one sent"
                    )
                if item.ref not in current:  # an item this copy leaves out (a draft)
                    elsewhere += len(item.confirmed)
                    continue
                confirmations += len(item.confirmed)
                if current[item.ref] != item.content_sha256:
                    earlier += len(item.confirmed)
            if not response.items or any(i.ref in current for i in response.items):
                signers.add(verified.fingerprint)  # not one who spoke only for items left out
            statements += bool(response.statement.strip())
        self._signoff_restores = signoff_restores(records, carried)
        return PackageSignoff(
            responses=len(records.responses),
            confirmations=confirmations,
            signers=len(signers),
            earlier=earlier,
            statements=statements,
            elsewhere=elsewhere,
        )

    def _check_document(
        self, document: PortfolioDocument, listed: dict[str, ManifestEntry], fingerprint: str
    ) -> None:
        if document.signer is not None and document.signer != fingerprint:
            raise self._refuse("portfolio.json names a different signing key from the manifest")
        for item in document.items:
            for attachment in item.attachments:
                entry = listed.get(ATTACHMENTS + attachment.sha256)
                if entry is None:
                    raise self._refuse(
                        f"the attachment {_show(attachment.name)} of {item.ref} "
                        f"(attachments/{attachment.sha256}) is missing"
                    )
                if entry.size != attachment.size:
                    raise self._refuse(
                        f"the attachment {_show(attachment.name)} of {item.ref} is "
                        f"{entry.size} bytes but portfolio.json says {attachment.size}"
                    )
        used = document.attachment_digests()
        for path in listed:
            if path.startswith(ATTACHMENTS) and path[len(ATTACHMENTS) :] not in used:
                raise self._refuse(f"{path} is not used by any evidence item")

    @property
    def signoff_restores(self) -> bool:
        """After ``verify()``: its sign-off records go back in plainly on import
        (``portfolio_check.signoff_restores``); False when it carries none."""
        return self._signoff_restores

    @property
    def verified(self) -> VerifiedPackage:
        if self._verified is None:
            raise RuntimeError("verify() the package before reading it")
        return self._verified

    def read_attachment(self, sha256: str) -> bytes:
        return self.read(ATTACHMENTS + sha256)

    def stream_attachment(self, sha256: str) -> Iterator[bytes]:
        return self.stream(ATTACHMENTS + sha256)


def verify_package(
    path: Path,
    *,
    signer: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    progress: ProgressFn | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> VerifiedPackage:
    """Verify the package at ``path``; raise ``PackageError`` naming the first problem.

    A package verifies if and only if it imports. Past the signature, every member's hash
    and the schema, its portfolio must rebuild as ``import package`` rebuilds it: codes
    known to its frameworks, the content fingerprint matching. Where
    ``portfolio_check.rebuilt_fingerprint`` can tell without a database that it does (the
    document's fingerprint is the one the rebuilt portfolio would read back), that
    suffices, with ``signoff_restores`` vouching for any sign-off records; otherwise (a
    fingerprint, code, role level, sign-off or assessment record it cannot vouch for)
    the portfolio is rebuilt in a private temporary folder
    (``app.export.package.check_by_rebuilding``), which decides and words any refusal
    exactly as the import does.
    """
    with PackageReader(path, limits=limits) as reader:
        verified = reader.verify(signer=signer, progress=progress, cancelled=cancelled)
        document = verified.document
        signoff_plain = verified.signoff is None or reader.signoff_restores
        if signoff_plain and rebuilt_fingerprint(document) == document.fingerprint:
            return verified
        from app.export.package import check_by_rebuilding

        check_by_rebuilding(reader)
    return verified


def _content_hashes(document: PortfolioDocument) -> dict[str, str]:
    """Each item's content hash, from ``portfolio.json``'s own item records."""
    from app.services.portfolio_check import content_hash

    return {item.ref: content_hash(item) for item in document.items}


def _printable(text: str) -> str:
    return "".join(c if c.isprintable() else "?" for c in text)


def _show(name: str) -> str:
    """A member name, safe to print on one line."""
    printable = _printable(name)
    return repr(printable if len(printable) <= 80 else printable[:77] + "...")


def _central_directory_counts(fh: IO[bytes], size: int) -> tuple[int, int] | None:
    """(entries, central directory bytes) from the end records, before zipfile parses them."""
    tail_length = min(size, _EOCD.size + 0xFFFF)
    fh.seek(size - tail_length)
    tail = fh.read(tail_length)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < _EOCD.size:
        return None
    fields = _EOCD.unpack(tail[at : at + _EOCD.size])
    entries, directory_size, directory_offset = fields[4], fields[5], fields[6]
    if entries == 0xFFFF or directory_size == 0xFFFFFFFF or directory_offset == 0xFFFFFFFF:
        locator_at = size - tail_length + at - _ZIP64_LOCATOR.size
        if locator_at < 0:
            return None
        fh.seek(locator_at)
        locator = fh.read(_ZIP64_LOCATOR.size)
        if len(locator) != _ZIP64_LOCATOR.size or locator[:4] != b"PK\x06\x07":
            return None
        record_at = _ZIP64_LOCATOR.unpack(locator)[2]
        if record_at > size - _ZIP64_EOCD.size:
            return None
        fh.seek(record_at)
        record = fh.read(_ZIP64_EOCD.size)
        if record[:4] != b"PK\x06\x06":
            return None
        zip64 = _ZIP64_EOCD.unpack(record)
        entries, directory_size = zip64[7], zip64[8]
    return entries, directory_size
