#!/usr/bin/env bash
# Install a Debian package of the app into a private dpkg root, smoke-test the installed
# program there, purge it, and fail if anything is left behind. Needs dpkg; runs as root
# or not (--force-not-root); the machine's own dpkg database is never touched.
#
# usage: packaging/linux/deb-roundtrip.sh apprentice-portfolio_VERSION_ARCH.deb [--no-smoke]
set -euo pipefail
deb=${1:?usage: deb-roundtrip.sh FILE.deb [--no-smoke]}
smoke=1
[ "${2:-}" = --no-smoke ] && smoke=0
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(mktemp -d "${TMPDIR:-/tmp}/portfolio-dpkg-root.XXXXXX")
trap 'rm -rf -- "$root" "$root.err"' EXIT
admin=$root/var/lib/dpkg
mkdir -p -- "$admin/info" "$admin/updates"
: >"$admin/status"
: >"$admin/available"
# (the private root has none of the libraries the package depends on: dpkg's complaints
# about them are kept out of sight, and shown with anything else if dpkg fails)
dpkg_here() {
  dpkg --root="$root" --log=/dev/null --force-depends --force-not-root "$@" 2>"$root.err" ||
    { cat "$root.err" >&2; exit 1; }
}
say() { printf 'deb-roundtrip: %s\n' "$*" >&2; }

say "installing $(basename "$deb") into a private root"
dpkg_here --install "$deb" >/dev/null
for path in usr/bin/portfolio usr/lib/apprentice-portfolio/portfolio \
  usr/share/applications/apprentice-portfolio.desktop \
  usr/share/mime/packages/apprentice-portfolio.xml usr/share/doc/apprentice-portfolio/copyright; do
  [ -e "$root/$path" ] || { say "FAIL: $path is not installed"; exit 1; }
done
if [ "$smoke" = 1 ]; then
  bash "$here/../smoke-test.sh" "$root/usr/lib/apprentice-portfolio/portfolio"
fi

say "purging"
dpkg_here --purge apprentice-portfolio >/dev/null
left=$(find "$root" -mindepth 1 -not -path "$root/var" -not -path "$root/var/lib" \
  -not -path "$admin" -not -path "$admin/*" -print)
if [ -n "$left" ]; then
  say "FAIL: purge left these behind:"
  printf '  %s\n' "$left" >&2
  exit 1
fi
say "OK: installed, $([ "$smoke" = 1 ] && echo 'smoke-tested, ')purged, nothing left"
