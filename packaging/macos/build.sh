#!/usr/bin/env bash
# Build, smoke-test, sign, notarize and staple the macOS disk image of Apprentice Portfolio.
#
# usage: packaging/macos/build.sh      (from a clean clone, on macOS with python3.11)
#
# Signing and notarization happen when these are set (the release workflow takes them from
# its secret store and imports the certificate into a temporary keychain first):
#   MACOS_CODESIGN_IDENTITY   e.g. "Developer ID Application: Example Ltd (TEAMID1234)"
#   NOTARY_KEY_FILE           App Store Connect API key (.p8) for notarytool
#   NOTARY_KEY_ID, NOTARY_ISSUER_ID
# PyInstaller signs every binary and the .app with the hardened runtime and a secure
# timestamp; this script then signs the DMG, submits it (`notarytool submit --wait`),
# staples the ticket (`stapler staple`) and checks all of it as Gatekeeper would.
# Without an identity the app is ad-hoc signed only: NOT FOR RELEASE, and said so.
#
# Writes to dist/: apprentice-portfolio-VERSION-macos-ARCH.dmg
set -euo pipefail
umask 022

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
python=${PYTHON:-python3.11}
build=$root/build/macos
dist=$root/dist
die() { printf 'build-macos: %s\n' "$*" >&2; exit 1; }

if [ -n "$(git status --porcelain)" ] && [ "${PORTFOLIO_ALLOW_DIRTY:-}" != 1 ]; then
  die "the work tree has uncommitted changes; build from a clean clone"
fi
SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)
PYTHONHASHSEED=0
export SOURCE_DATE_EPOCH PYTHONHASHSEED PYTHONDONTWRITEBYTECODE=1
version=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' app/__init__.py)
arch=$(uname -m)
identity=${MACOS_CODESIGN_IDENTITY:-}
[ -n "$identity" ] || echo "build-macos: NO SIGNING IDENTITY: ad-hoc signed, NOT FOR RELEASE" >&2

rm -rf -- "$build" "$dist"
mkdir -p -- "$build" "$dist"
"$python" -m venv "$build/venv"
"$build/venv/bin/python" -m pip install --quiet --require-hashes --no-deps --only-binary :all: \
  -r packaging/requirements-runtime.lock -r packaging/requirements-build.lock

# MACOS_CODESIGN_IDENTITY reaches the spec, which hands it to PyInstaller's signing.
PORTFOLIO_BUNDLE_CONTENTS=$build/bundle-contents.json \
  "$build/venv/bin/python" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$build/pyinstaller-dist" --workpath "$build/pyinstaller-work" packaging/portfolio.spec
app="$build/pyinstaller-dist/Apprentice Portfolio.app"
codesign --verify --deep --strict --verbose=2 "$app"

bash packaging/smoke-test.sh "$app/Contents/MacOS/portfolio"

# The SBOM of what was bundled (the .app's Frameworks folder is PyInstaller's _MEIPASS).
"$build/venv/bin/cyclonedx-py" environment --pyproject pyproject.toml --output-reproducible \
  -o "$build/environment.cdx.json" "$build/venv"
"$build/venv/bin/python" packaging/sbom.py "$build/environment.cdx.json" \
  "$build/bundle-contents.json" "$app/Contents/Frameworks" \
  "$dist/apprentice-portfolio-$version-macos-$arch.cdx.json" --commit "$(git rev-parse HEAD)"

# The disk image: the app and a link to /Applications to drag it onto.
dmg=$dist/apprentice-portfolio-$version-macos-$arch.dmg
stage=$build/dmg
mkdir -p -- "$stage"
cp -R -- "$app" "$stage/"
ln -s /Applications "$stage/Applications"
hdiutil create -volname "Apprentice Portfolio" -srcfolder "$stage" -fs HFS+ -format UDZO \
  -ov "$dmg"

if [ -n "$identity" ]; then
  codesign --force --sign "$identity" --timestamp "$dmg"
  codesign --verify --strict --verbose=2 "$dmg"
  [ -n "${NOTARY_KEY_FILE:-}" ] || die "signed but not notarized: set NOTARY_KEY_FILE, NOTARY_KEY_ID, NOTARY_ISSUER_ID"
  result=$(xcrun notarytool submit "$dmg" --key "$NOTARY_KEY_FILE" --key-id "${NOTARY_KEY_ID:?}" \
    --issuer "${NOTARY_ISSUER_ID:?}" --wait --output-format json)
  echo "$result"
  # notarytool can exit 0 with an "Invalid" verdict: insist on "Accepted".
  grep '"status" *: *"Accepted"' <<<"$result" >/dev/null || die "notarization was not accepted"
  xcrun stapler staple "$dmg"
  xcrun stapler validate "$dmg"
  spctl --assess --type open --context context:primary-signature --verbose=2 "$dmg"
fi

echo "Built $dmg"
shasum -a 256 "$dmg"
[ -n "$identity" ] || echo "build-macos: UNSIGNED (ad-hoc): do not publish $dmg" >&2
