"""Which signing key a package's PDF certificate vouches for (``verify`` reads this).

Apart from ``app.export.pdf_signing`` (which makes the certificate and the CMS
signature) so that checking a package does not load the signing machinery.
"""

from __future__ import annotations

from cryptography import x509

# The certificate names the package's Ed25519 key in its subject alternative name.
CERTIFICATE_URN = "urn:ed25519-sha256:"


def ed25519_fingerprint_of(certificate: bytes) -> str | None:
    """The Ed25519 fingerprint a PDF certificate names, or None."""
    try:
        cert = x509.load_der_x509_certificate(certificate)
        names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except (ValueError, x509.ExtensionNotFound):
        return None
    for uri in names.get_values_for_type(x509.UniformResourceIdentifier):
        if uri.startswith(CERTIFICATE_URN):
            return uri[len(CERTIFICATE_URN) :]
    return None
