#!/usr/bin/env bash
# Check a downloaded Apprentice Portfolio release the way an IT team would.
#
# usage: verify.sh DIR [--fingerprint HEX] [--key PUBLIC.pem] [--allow-throwaway]
#   DIR            the folder holding SHA256SUMS, SHA256SUMS.sig and the downloaded files
#   --fingerprint  the release key's fingerprint, as published by the project (recommended):
#                  SHA-256 of the raw Ed25519 public key, 64 hex digits
#   --key          the release public key (PEM); default: the one *.pub.pem in DIR
#   --allow-throwaway  accept a test build's throw-away key (never for a real deployment)
#
# Checks, in order: the key (and its fingerprint), the Ed25519 signature of SHA256SUMS, the
# SHA-256 of every file it lists, that DIR holds nothing unlisted, that tarballs unpack only
# below their own folder, and that the SBOM is CycloneDX. Needs bash, openssl >= 1.1.1 (or
# python3 with `cryptography` beside packaging/sigtool.py) and sha256sum or shasum.
# Exit 0 when everything holds; 1 naming the first problem; 2 bad usage.
set -euo pipefail

usage() { sed -n '3,9s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2; exit 2; }
die() { printf 'verify: FAILED: %s\n' "$*" >&2; exit 1; }
dir=
key=
expected=
allow_throwaway=0
while [ $# -gt 0 ]; do
  case "$1" in
    --fingerprint) expected=$(printf '%s' "${2:?}" | tr 'A-F' 'a-f' | tr -d ': '); shift 2 ;;
    --key) key=${2:?}; shift 2 ;;
    --allow-throwaway) allow_throwaway=1; shift ;;
    -h | --help) usage ;;
    -*) echo "verify: unknown option $1" >&2; usage ;;
    *) [ -z "$dir" ] || usage; dir=$1; shift ;;
  esac
done
[ -n "$dir" ] || usage
[ -d "$dir" ] || die "$dir is not a folder"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$dir"
[ -f SHA256SUMS ] || die "no SHA256SUMS in $dir"
[ -f SHA256SUMS.sig ] || die "no SHA256SUMS.sig in $dir"

# ---- the key ---------------------------------------------------------------------------
if [ -z "$key" ]; then
  keys=(*.pub.pem)
  [ -e "${keys[0]}" ] || die "no public key: pass --key or put the *.pub.pem beside SHA256SUMS"
  [ "${#keys[@]}" = 1 ] || die "several *.pub.pem files in $dir; choose one with --key"
  key=${keys[0]}
fi
[ -f "$key" ] || die "no key file $key"
case "$(basename "$key")" in
  THROWAWAY-*)
    [ "$allow_throwaway" = 1 ] || die "$key is a test build's THROW-AWAY key: this build is NOT SIGNED FOR RELEASE"
    echo "verify: WARNING: throw-away key accepted (test build, not for deployment)" >&2 ;;
esac

have_openssl_ed25519() {
  command -v openssl >/dev/null && openssl pkey -pubin -in "$key" -noout 2>/dev/null
}
# GNU coreutils on Linux, Perl's shasum on macOS: the same file format and options.
sha256() { if command -v sha256sum >/dev/null; then sha256sum "$@"; else shasum -a 256 "$@"; fi; }
if have_openssl_ed25519; then
  fingerprint=$(openssl pkey -pubin -in "$key" -outform DER | tail -c 32 | sha256 - | cut -d' ' -f1)
  if ! openssl pkeyutl -verify -pubin -inkey "$key" -rawin -in SHA256SUMS -sigfile SHA256SUMS.sig >/dev/null 2>&1; then
    die "the signature of SHA256SUMS does not match key $fingerprint"
  fi
elif command -v python3 >/dev/null && [ -f "$here/sigtool.py" ]; then
  fingerprint=$(python3 "$here/sigtool.py" fingerprint "$key") || die "cannot read key $key"
  python3 "$here/sigtool.py" verify SHA256SUMS SHA256SUMS.sig "$key" >/dev/null \
    || die "the signature of SHA256SUMS does not match key $fingerprint"
else
  die "need openssl >= 1.1.1 (with Ed25519) or python3 with cryptography to check the signature"
fi
if [ -n "$expected" ] && [ "$fingerprint" != "$expected" ]; then
  die "signed by key $fingerprint, not the published release key $expected"
fi
echo "verify: good signature on SHA256SUMS by key $fingerprint"
[ -n "$expected" ] || echo "verify: note: pass --fingerprint to insist on the published release key" >&2

# ---- the files -------------------------------------------------------------------------
sha256 --check --strict --quiet SHA256SUMS || die "a file does not match SHA256SUMS"
listed=$(sed -e 's/^[0-9a-f]\{64\} [ *]//' SHA256SUMS | sort)
for file in *; do
  case "$file" in SHA256SUMS | SHA256SUMS.sig | "$(basename "$key")") continue ;; esac
  [ -f "$file" ] || continue
  grep -qxF -- "$file" <<<"$listed" || die "$file is not listed in SHA256SUMS"
done
echo "verify: $(wc -l <SHA256SUMS | tr -d ' ') files match SHA256SUMS"

# ---- what is inside ---------------------------------------------------------------------
for tarball in *.tar.gz; do
  [ -f "$tarball" ] || continue
  top=${tarball%.tar.gz}
  members=$(tar -tzf "$tarball") || die "$tarball is not a readable gzip tarball"
  bad=$(grep -v -e "^$top/" -e "^$top\$" <<<"$members" | head -n 1 || true)
  [ -z "$bad" ] || die "$tarball holds $bad outside $top/"
  bad=$(grep -e '^/' -e '/\.\./' -e '^\.\./' -e '/\.\.$' <<<"$members" | head -n 1 || true)
  [ -z "$bad" ] || die "$tarball holds an absolute or parent path: $bad"
done
for sbom in *.cdx.json; do
  [ -f "$sbom" ] || continue
  grep -q '"bomFormat": *"CycloneDX"' "$sbom" || die "$sbom is not a CycloneDX SBOM"
done
echo "verify: OK — $dir is intact and signed by $fingerprint"
