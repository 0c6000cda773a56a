#!/usr/bin/env bash
# Install Apprentice Portfolio from this unpacked release folder (or remove it).
#
# usage: ./install.sh [--user | --system] [--uninstall]
#   --user    (the default unless run as root) into ~/.local: the program in
#             ~/.local/opt/apprentice-portfolio, `portfolio` in ~/.local/bin
#   --system  (the default as root) for every user: /opt/apprentice-portfolio,
#             /usr/local/bin/portfolio, menu entry and .portfolio file type in /usr/local/share
# Registers the menu entry, the icon and the .portfolio file type (opened in review mode).
# Never needs a network; the app never updates itself (deploy new releases the same way).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mode=user
[ "$(id -u)" = 0 ] && mode=system
uninstall=0
for arg in "$@"; do
  case "$arg" in
    --user) mode=user ;;
    --system) mode=system ;;
    --uninstall) uninstall=1 ;;
    -h | --help) sed -n '2,10s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "install.sh: unknown option $arg (try --help)" >&2; exit 2 ;;
  esac
done

if [ "$mode" = system ]; then
  opt=/opt/apprentice-portfolio
  bin=/usr/local/bin
  share=/usr/local/share
else
  opt=$HOME/.local/opt/apprentice-portfolio
  bin=$HOME/.local/bin
  share=${XDG_DATA_HOME:-$HOME/.local/share}
fi

refresh_caches() {
  if command -v update-mime-database >/dev/null; then update-mime-database "$share/mime" || true; fi
  if command -v update-desktop-database >/dev/null; then
    update-desktop-database -q "$share/applications" || true
  fi
  if command -v gtk-update-icon-cache >/dev/null && [ -f "$share/icons/hicolor/index.theme" ]; then
    gtk-update-icon-cache -q -t "$share/icons/hicolor" || true
  fi
}

if [ "$uninstall" = 1 ]; then
  rm -rf -- "$opt"
  if [ -L "$bin/portfolio" ]; then rm -f -- "$bin/portfolio"; fi
  rm -f -- "$share/applications/apprentice-portfolio.desktop" \
    "$share/mime/packages/apprentice-portfolio.xml" \
    "$share/icons/hicolor/scalable/apps/apprentice-portfolio.svg"
  for png in "$share"/icons/hicolor/*/apps/apprentice-portfolio.png; do rm -f -- "$png"; done
  refresh_caches
  echo "Removed Apprentice Portfolio ($mode). Portfolios and settings were left in place."
  exit 0
fi

[ -x "$here/portfolio" ] || { echo "install.sh: run me from the unpacked release folder" >&2; exit 1; }
mkdir -p -- "$(dirname "$opt")" "$bin" "$share/applications" "$share/mime/packages"
# Copy beside the old version, then swap, so a failed copy leaves the old one working.
rm -rf -- "$opt.new"
cp -R -- "$here" "$opt.new"
rm -rf -- "$opt.old"
if [ -e "$opt" ]; then mv -- "$opt" "$opt.old"; fi
mv -- "$opt.new" "$opt"
rm -rf -- "$opt.old"
ln -sfn -- "$opt/portfolio" "$bin/portfolio"

sed -e "s|^Exec=portfolio |Exec=$opt/portfolio |" -e "s|^TryExec=portfolio$|TryExec=$opt/portfolio|" \
  "$here/share/applications/apprentice-portfolio.desktop" \
  >"$share/applications/apprentice-portfolio.desktop"
cp -- "$here/share/mime/packages/apprentice-portfolio.xml" "$share/mime/packages/"
(cd "$here/share" && find icons -type f) | while read -r icon; do
  mkdir -p -- "$share/$(dirname "$icon")"
  cp -- "$here/share/$icon" "$share/$icon"
done
refresh_caches

echo "Installed Apprentice Portfolio in $opt ($mode); command: $bin/portfolio"
# The desktop window takes these from the system (the command line needs none of them).
if command -v ldconfig >/dev/null; then
  have=$(ldconfig -p)
  missing=
  for lib in libEGL.so.1 libGL.so.1 libxcb.so.1 libX11.so.6 libxkbcommon.so.0 \
    libfontconfig.so.1 libfreetype.so.6 libdbus-1.so.3 libglib-2.0.so.0; do
    grep -F "$lib " <<<"$have" >/dev/null || missing="$missing $lib"
  done
  if [ -n "$missing" ]; then
    echo "Note: the desktop window needs$missing; on Debian/Ubuntu: apt-get install" \
      "libegl1 libgl1 libxcb1 libx11-6 libxkbcommon0 libfontconfig1 libfreetype6" \
      "libdbus-1-3 libglib2.0-0" >&2
  fi
fi
