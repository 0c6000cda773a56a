"""Signing the exported PDF (PAdES baseline B-B) with a key bound to the apprentice's identity.

PDF readers accept RSA and ECDSA signatures; few accept Ed25519. So the PDF is signed
with an ECDSA P-256 key *derived* from the apprentice's Ed25519 key (HKDF-SHA256 of the
private key): nothing more to keep safe, and the same Ed25519 key always gives the same
P-256 key. Its self-made certificate names the Ed25519 fingerprint (subject alternative
name ``urn:ed25519-sha256:<fingerprint>``), and the signed package lists the
certificate in its manifest, so one identity covers package, statements and PDF.

The signature is an incremental update appended to the PDF reportlab wrote: an updated
catalog with an ``/AcroForm``, the declaration page with an invisible signature widget,
and a ``/Sig`` dictionary whose ``/Contents`` holds a detached CMS SignedData over the
``/ByteRange``. The signing time is the portfolio's last change and ECDSA is
deterministic (RFC 6979), so the same portfolio still gives the same bytes.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from asn1crypto import (
    algos,
    cms,
    core,
    tsp,  # noqa: F401  (registers the signing_certificate_v2 attribute)
)
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.x509.oid import NameOID

from app.errors import PortfolioError
from app.export.pdf_certificate import CERTIFICATE_URN
from app.export.pdf_certificate import ed25519_fingerprint_of as ed25519_fingerprint_of
from app.services.signing import SigningKey

CONTENTS_BYTES = 8192  # room for the CMS SignedData (a P-256 one is about 1 kB)
_HKDF_INFO = b"apprentice-portfolio/pdf-signing/p-256/1"
_P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
_BYTE_RANGE_WIDTH = 10


@dataclass(frozen=True)
class PdfIdentity:
    """The P-256 key and certificate that sign PDFs for one Ed25519 identity."""

    key: ec.EllipticCurvePrivateKey
    certificate: bytes  # DER
    ed25519_fingerprint: str

    @property
    def certificate_sha256(self) -> str:
        return hashlib.sha256(self.certificate).hexdigest()


def pdf_identity(key: SigningKey, name: str) -> PdfIdentity:
    """The PDF signing key derived from ``key`` and its certificate naming ``name`` and the
    Ed25519 fingerprint; the same inputs always give the same certificate."""
    seed = key.private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    derived = HKDF(algorithm=hashes.SHA256(), length=48, salt=None, info=_HKDF_INFO).derive(seed)
    scalar = int.from_bytes(derived, "big") % (_P256_ORDER - 1) + 1
    private = ec.derive_private_key(scalar, ec.SECP256R1())
    fingerprint = key.fingerprint
    common_name = " ".join(name.split())[:64] or "Apprentice"
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "Apprentice Portfolio"),
            x509.NameAttribute(NameOID.PSEUDONYM, fingerprint[:64]),
        ]
    )
    serial = int.from_bytes(hashlib.sha256(f"{fingerprint}\n{common_name}".encode()).digest()[:16])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(private.public_key())
        .serial_number(serial >> 1 or 1)
        .not_valid_before(datetime(2000, 1, 1, tzinfo=UTC))
        .not_valid_after(datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.UniformResourceIdentifier(CERTIFICATE_URN + fingerprint)]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(private, hashes.SHA256(), ecdsa_deterministic=True)
    )
    return PdfIdentity(
        key=private,
        certificate=certificate.public_bytes(serialization.Encoding.DER),
        ed25519_fingerprint=fingerprint,
    )


# --- the CMS signature ----------------------------------------------------------------------


def _cms(identity: PdfIdentity, digest: bytes) -> bytes:
    """A detached CMS SignedData (CAdES: signing-certificate-v2, no signing-time attribute;
    PAdES keeps the time in the signature dictionary)."""
    certificate = asn1_x509.Certificate.load(identity.certificate)
    attributes = cms.CMSAttributes(
        [
            cms.CMSAttribute({"type": "content_type", "values": ["data"]}),
            cms.CMSAttribute({"type": "message_digest", "values": [digest]}),
            cms.CMSAttribute(
                {
                    "type": "signing_certificate_v2",
                    "values": [
                        {
                            "certs": [
                                {
                                    "hash_algorithm": {"algorithm": "sha256"},
                                    "cert_hash": hashlib.sha256(identity.certificate).digest(),
                                }
                            ]
                        }
                    ],
                }
            ),
        ]
    )
    signature = identity.key.sign(
        attributes.dump(), ec.ECDSA(hashes.SHA256(), deterministic_signing=True)
    )
    signer = cms.SignerInfo(
        {
            "version": "v1",
            "sid": cms.SignerIdentifier(
                {
                    "issuer_and_serial_number": cms.IssuerAndSerialNumber(
                        {
                            "issuer": certificate.issuer,
                            "serial_number": certificate.serial_number,
                        }
                    )
                }
            ),
            "digest_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}),
            "signed_attrs": attributes,
            "signature_algorithm": algos.SignedDigestAlgorithm({"algorithm": "sha256_ecdsa"}),
            "signature": core.OctetString(signature),
        }
    )
    signed_data = cms.SignedData(
        {
            "version": "v1",
            "digest_algorithms": [algos.DigestAlgorithm({"algorithm": "sha256"})],
            "encap_content_info": {"content_type": "data"},
            "certificates": [certificate],
            "signer_infos": [signer],
        }
    )
    return cms.ContentInfo({"content_type": "signed_data", "content": signed_data}).dump()


# --- the incremental update -----------------------------------------------------------------


class _Pdf:
    """Just enough of a reportlab PDF (classic xref table, plain dictionaries) to update it."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        tail = data[-2048:]
        found = re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", tail)
        trailer_at = data.rfind(b"trailer")
        if found is None or trailer_at < 0:
            raise PortfolioError("The PDF to sign is not one this app wrote.")
        self.xref_at = int(found.group(1))
        trailer = data[trailer_at : data.rfind(b"startxref")]
        self.trailer = re.sub(rb"%[^\r\n]*", b"", trailer)
        self.size = int(self._ref_or_int(rb"/Size\s+(\d+)"))
        self.root = int(self._ref_or_int(rb"/Root\s+(\d+)\s+0\s+R"))
        info = re.search(rb"/Info\s+(\d+)\s+0\s+R", self.trailer)
        self.info = int(info.group(1)) if info else None
        ident = re.search(rb"/ID\s*\[([^\]]*)\]", self.trailer)
        self.ident = ident.group(1).strip() if ident else None
        self.offsets = self._xref()

    def _ref_or_int(self, pattern: bytes) -> bytes:
        found = re.search(pattern, self.trailer)
        if found is None:
            raise PortfolioError("The PDF to sign is not one this app wrote.")
        return found.group(1)

    def _xref(self) -> dict[int, int]:
        at = self.xref_at
        if self.data[at : at + 4] != b"xref":
            raise PortfolioError("The PDF to sign is not one this app wrote.")
        lines = self.data[at : self.data.find(b"trailer", at)].split(b"\n")[1:]
        offsets: dict[int, int] = {}
        number = 0
        for line in (raw.strip() for raw in lines):
            parts = line.split()
            if len(parts) == 2:
                number = int(parts[0])
            elif len(parts) == 3:
                if parts[2] == b"n":
                    offsets[number] = int(parts[0])
                number += 1
        return offsets

    def dictionary(self, number: int) -> bytes:
        """The text between ``<<`` and the matching ``>>`` of object ``number``."""
        at = self.offsets[number]
        start = self.data.index(b"<<", at)
        depth, i = 0, start
        while i < len(self.data):
            pair = self.data[i : i + 2]
            if pair == b"<<":
                depth += 1
                i += 2
                continue
            if pair == b">>":
                depth -= 1
                i += 2
                if depth == 0:
                    return self.data[start + 2 : i - 2]
                continue
            i += 1
        raise PortfolioError("The PDF to sign is not one this app wrote.")

    def last_page(self) -> int:
        pages = re.search(rb"/Pages\s+(\d+)\s+0\s+R", self.dictionary(self.root))
        if pages is None:
            raise PortfolioError("The PDF to sign has no pages.")
        node = int(pages.group(1))
        while True:
            body = self.dictionary(node)
            if re.search(rb"/Type\s*/Page\b(?!s)", body):
                return node
            kids = re.search(rb"/Kids\s*\[([^\]]*)\]", body)
            if kids is None:
                raise PortfolioError("The PDF to sign has no pages.")
            node = int(re.findall(rb"(\d+)\s+0\s+R", kids.group(1))[-1])


def _pdf_string(text: str) -> bytes:
    """A PDF text string: UTF-16BE with a byte order mark, as hex (nothing to escape)."""
    return b"<feff" + text.encode("utf-16-be").hex().encode() + b">"


def _pdf_date(moment: datetime) -> bytes:
    moment = moment.astimezone(UTC)
    return f"(D:{moment:%Y%m%d%H%M%S}+00'00')".encode()


def signing_time(last_changed: str) -> datetime:
    try:
        moment = datetime.fromisoformat(last_changed.strip())
    except ValueError:
        return datetime(2000, 1, 1, tzinfo=UTC)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def sign_pdf_bytes(data: bytes, identity: PdfIdentity, name: str, when: datetime) -> bytes:
    """``data`` (a reportlab PDF) with a PAdES signature appended as an incremental update."""
    pdf = _Pdf(data)
    sig_number, field_number = pdf.size, pdf.size + 1
    page_number = pdf.last_page()
    catalog = pdf.dictionary(pdf.root)
    if b"/AcroForm" in catalog:
        raise PortfolioError("The PDF to sign already has a form; it cannot be signed here.")
    page = pdf.dictionary(page_number)
    widget = f"{field_number} 0 R".encode()
    annots = re.search(rb"/Annots\s*\[", page)
    if annots is not None:
        page = page[: annots.end()] + b" " + widget + b" " + page[annots.end() :]
    elif b"/Annots" in page:
        raise PortfolioError("The PDF to sign has a page layout this app does not write.")
    else:
        page = page + b" /Annots [ " + widget + b" ]"
    catalog = catalog + f" /AcroForm << /Fields [ {field_number} 0 R ] /SigFlags 3 >>".encode()

    placeholder = b"/ByteRange [ " + b" ".join([b"0"] + [b"*" * _BYTE_RANGE_WIDTH] * 3) + b" ]"
    signature_dict = (
        b"<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached "
        + placeholder
        + b" /Contents <"
        + b"0" * (2 * CONTENTS_BYTES)
        + b"> /M "
        + _pdf_date(when)
        + b" /Name "
        + _pdf_string(name)
        + b" /Reason "
        + _pdf_string(f"EPA portfolio of {name}, key {identity.ed25519_fingerprint}")
        + b" >>"
    )
    field = (
        f"<< /Type /Annot /Subtype /Widget /FT /Sig /F 132 /Rect [ 0 0 0 0 ] "
        f"/P {page_number} 0 R /V {sig_number} 0 R /T ".encode()
        + _pdf_string("Apprentice signature")
        + b" >>"
    )
    objects = [
        (pdf.root, b"<<" + catalog + b">>"),
        (page_number, b"<<" + page + b">>"),
        (sig_number, signature_dict),
        (field_number, field),
    ]
    update = bytearray(b"\n" if not data.endswith(b"\n") else b"")
    offsets: dict[int, int] = {}
    for number, body in objects:
        offsets[number] = len(data) + len(update)
        update += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref_at = len(data) + len(update)
    update += b"xref\n"
    for number in sorted(offsets):
        update += f"{number} 1\n{offsets[number]:010d} 00000 n \n".encode()
    trailer = f"<< /Size {pdf.size + 2} /Root {pdf.root} 0 R /Prev {pdf.xref_at}".encode()
    if pdf.info is not None:
        trailer += f" /Info {pdf.info} 0 R".encode()
    if pdf.ident is not None:
        trailer += b" /ID [" + pdf.ident + b"]"
    update += b"trailer\n" + trailer + b" >>\nstartxref\n" + str(xref_at).encode() + b"\n%%EOF\n"

    signed = bytearray(data) + update
    contents_at = signed.index(b"/Contents <" + b"0" * 16, len(data)) + len(b"/Contents ")
    contents_end = contents_at + 2 + 2 * CONTENTS_BYTES
    byte_range = [0, contents_at, contents_end, len(signed) - contents_end]
    placeholder_at = signed.index(placeholder, len(data))
    filled = b"/ByteRange [ " + b" ".join(
        str(v).encode().ljust(_BYTE_RANGE_WIDTH if i else 1) for i, v in enumerate(byte_range)
    )
    filled = filled.ljust(len(placeholder) - 2) + b" ]"
    assert len(filled) == len(placeholder)
    signed[placeholder_at : placeholder_at + len(placeholder)] = filled
    digest = hashlib.sha256(
        bytes(signed[: byte_range[1]]) + bytes(signed[byte_range[2] :])
    ).digest()
    blob = _cms(identity, digest)
    if len(blob) > CONTENTS_BYTES:
        raise PortfolioError("The PDF signature is larger than the room kept for it.")
    signed[contents_at + 1 : contents_end - 1] = blob.hex().encode().ljust(2 * CONTENTS_BYTES, b"0")
    return bytes(signed)


def sign_pdf_file(path: Path, identity: PdfIdentity, name: str, when: datetime) -> None:
    """Sign the PDF at ``path`` in place (the caller's private temporary file)."""
    path.write_bytes(sign_pdf_bytes(path.read_bytes(), identity, name, when))
