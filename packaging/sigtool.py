"""Ed25519 signatures for release checksums: make a key, sign SHA256SUMS, verify, fingerprint.

The formats are the plain ones OpenSSL (>= 1.1.1) reads, so an IT team needs nothing of ours:
- private key: PKCS#8 PEM  (``openssl genpkey -algorithm ed25519`` makes the same)
- public key:  SubjectPublicKeyInfo PEM
- signature:   the raw 64 bytes of Ed25519 over the exact bytes of the signed file
    openssl pkeyutl -verify -pubin -inkey KEY.pub.pem -rawin -in SHA256SUMS -sigfile SHA256SUMS.sig
- fingerprint: SHA-256 of the raw 32-byte public key, in hex (the app's package signers use
  the same convention):
    openssl pkey -pubin -in KEY.pub.pem -outform DER | tail -c 32 | sha256sum

usage:
  sigtool.py keygen PRIVATE.pem PUBLIC.pem
  sigtool.py sign FILE SIG [--key-file PRIVATE.pem] [--public-out PUBLIC.pem]
        (the key may instead come from $PORTFOLIO_SIGNING_KEY, the PEM text itself)
  sigtool.py verify FILE SIG PUBLIC.pem [--fingerprint HEX]
  sigtool.py fingerprint PUBLIC.pem
Exit status: 0 good, 1 a bad signature, key or file (one line on stderr), 2 bad usage.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

KEY_ENV = "PORTFOLIO_SIGNING_KEY"


class SigError(Exception):
    """A problem to report in one line."""


def fingerprint(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def public_pem(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def load_private(pem: bytes, where: str) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as exc:
        raise SigError(f"{where} is not an unencrypted PEM private key ({exc})") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise SigError(f"{where} is not an Ed25519 key")
    return key


def load_public(path: Path) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(path.read_bytes())
    except OSError as exc:
        raise SigError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except ValueError as exc:
        raise SigError(f"{path} is not a PEM public key ({exc})") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise SigError(f"{path} is not an Ed25519 public key")
    return key


def read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise SigError(f"cannot read {path}: {exc.strerror or exc}") from exc


def write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def cmd_keygen(args: argparse.Namespace) -> None:
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    write_private(Path(args.private), pem)
    Path(args.public).write_bytes(public_pem(key.public_key()))
    print(fingerprint(key.public_key()))


def cmd_sign(args: argparse.Namespace) -> None:
    if args.key_file:
        key = load_private(read(Path(args.key_file)), args.key_file)
    elif os.environ.get(KEY_ENV):
        key = load_private(os.environ[KEY_ENV].encode(), f"${KEY_ENV}")
    else:
        raise SigError(f"no signing key: pass --key-file or set ${KEY_ENV}")
    signature = key.sign(read(Path(args.file)))
    Path(args.sig).write_bytes(signature)
    if args.public_out:
        Path(args.public_out).write_bytes(public_pem(key.public_key()))
    print(fingerprint(key.public_key()))


def cmd_verify(args: argparse.Namespace) -> None:
    public = load_public(Path(args.public))
    found = fingerprint(public)
    if args.fingerprint and found != args.fingerprint.strip().lower():
        raise SigError(f"the key is {found}, not the expected {args.fingerprint}")
    try:
        public.verify(read(Path(args.sig)), read(Path(args.file)))
    except InvalidSignature as exc:
        raise SigError(f"BAD signature: {args.file} was not signed by key {found}") from exc
    print(f"Good signature on {args.file} by key {found}")


def cmd_fingerprint(args: argparse.Namespace) -> None:
    print(fingerprint(load_public(Path(args.public))))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sigtool.py", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("keygen", help="make a new key pair")
    p.add_argument("private")
    p.add_argument("public")
    p.set_defaults(handler=cmd_keygen)
    p = sub.add_parser("sign", help="sign FILE into SIG")
    p.add_argument("file")
    p.add_argument("sig")
    p.add_argument("--key-file")
    p.add_argument("--public-out")
    p.set_defaults(handler=cmd_sign)
    p = sub.add_parser("verify", help="check SIG over FILE with a public key")
    p.add_argument("file")
    p.add_argument("sig")
    p.add_argument("public")
    p.add_argument("--fingerprint", help="insist on this key (hex SHA-256 of the raw key)")
    p.set_defaults(handler=cmd_verify)
    p = sub.add_parser("fingerprint", help="print a public key's fingerprint")
    p.add_argument("public")
    p.set_defaults(handler=cmd_fingerprint)
    args = parser.parse_args(argv)
    try:
        args.handler(args)
    except SigError as exc:
        print(f"sigtool: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
