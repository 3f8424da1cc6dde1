#!/usr/bin/env bash
# Install (or remove) Finews Reader's desktop integration: the .desktop launcher, the AppStream
# metainfo and the icons, into a freedesktop data directory.
#
#   packaging/install-desktop.sh                   # into ${XDG_DATA_HOME:-$HOME/.local/share}
#   packaging/install-desktop.sh --prefix DIR      # into DIR (e.g. /usr/local/share, or a test folder)
#   packaging/install-desktop.sh --exec /opt/finews-reader/finews-reader   # launcher runs PROGRAM
#   packaging/install-desktop.sh --uninstall [--prefix DIR]
#
# Files written (DIR as above):
#   DIR/applications/io.github.finewsreader.FinewsReader.desktop
#   DIR/metainfo/io.github.finewsreader.FinewsReader.metainfo.xml
#   DIR/icons/hicolor/<N>x<N>/apps/finews-reader.png   (every size in resources/icons/hicolor)
#   DIR/icons/hicolor/scalable/apps/finews-reader.svg
# The application itself is installed separately (pip install ., or the PyInstaller folder).
set -euo pipefail

APP_ID="io.github.finewsreader.FinewsReader"
ICON_NAME="finews-reader"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
ICONS_SRC="$ROOT/resources/icons"

usage() {
  sed -n '2,15s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

prefix="${XDG_DATA_HOME:-$HOME/.local/share}"
exec_cmd=""
uninstall=0
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) [ $# -ge 2 ] || { echo "install-desktop: --prefix needs a directory" >&2; exit 2; }
              prefix="$2"; shift 2 ;;
    --prefix=*) prefix="${1#--prefix=}"; shift ;;
    --exec) [ $# -ge 2 ] || { echo "install-desktop: --exec needs a command" >&2; exit 2; }
            exec_cmd="$2"; shift 2 ;;
    --exec=*) exec_cmd="${1#--exec=}"; shift ;;
    --uninstall) uninstall=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "install-desktop: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
if [ -z "$prefix" ]; then
  echo "install-desktop: empty --prefix" >&2
  exit 2
fi
# --exec takes one program path.  Paths with spaces are quoted for the Exec key; characters that
# would need the desktop spec's nested escaping are refused rather than risk a wrong launcher.
exec_value=""
if [ -n "$exec_cmd" ]; then
  case "$exec_cmd" in
    *[\"\`\$\\%]*|*$'\n'*|*$'\r'*|*$'\t'*)
      echo "install-desktop: --exec path must not contain quotes, \$, \`, backslashes, % or control characters" >&2
      exit 2 ;;
    *[!A-Za-z0-9_./+,:@=-]*) exec_value="\"$exec_cmd\"" ;;
    *) exec_value="$exec_cmd" ;;
  esac
fi

apps_dir="$prefix/applications"
meta_dir="$prefix/metainfo"
hicolor="$prefix/icons/hicolor"

# Icon sizes shipped: every resources/icons/hicolor/<N>x<N>/apps/finews-reader.png.
sizes=()
while IFS= read -r s; do
  [ -n "$s" ] && sizes+=("$s")
done < <(for png in "$ICONS_SRC"/hicolor/*/apps/"$ICON_NAME".png; do
           [ -e "$png" ] && basename "$(dirname "$(dirname "$png")")"
         done | sort -n)

refresh_caches() {
  # Failures here never fail the install: the caches only speed up lookups.
  if command -v update-desktop-database >/dev/null 2>&1 && [ -d "$apps_dir" ]; then
    update-desktop-database -q "$apps_dir" >/dev/null 2>&1 || true
  fi
  if [ -d "$hicolor" ]; then
    # Only refresh a cache that the theme already has (system dirs with index.theme).  Creating a
    # new icon-theme.cache in a user's ~/.local/share/icons/hicolor would go stale as soon as another
    # program adds an icon without updating it, and hide that icon; touching the folder instead makes
    # GTK and Qt rescan it.
    if command -v gtk-update-icon-cache >/dev/null 2>&1 \
        && { [ -e "$hicolor/index.theme" ] || [ -e "$hicolor/icon-theme.cache" ]; }; then
      gtk-update-icon-cache -q -f -t "$hicolor" >/dev/null 2>&1 || true
    else
      touch "$hicolor" 2>/dev/null || true
    fi
  fi
}

if [ "$uninstall" = 1 ]; then
  rm -f "$apps_dir/$APP_ID.desktop" "$meta_dir/$APP_ID.metainfo.xml" \
        "$hicolor/scalable/apps/$ICON_NAME.svg"
  for s in "${sizes[@]}"; do
    rm -f "$hicolor/$s/apps/$ICON_NAME.png"
  done
  refresh_caches
  echo "Removed Finews Reader's desktop integration from $prefix"
  exit 0
fi

for f in "$HERE/$APP_ID.desktop" "$HERE/$APP_ID.metainfo.xml" "$ICONS_SRC/$ICON_NAME.svg"; do
  [ -f "$f" ] || { echo "install-desktop: missing $f" >&2; exit 1; }
done
if [ "${#sizes[@]}" -eq 0 ]; then
  echo "install-desktop: no PNG icons in $ICONS_SRC/hicolor (run packaging/render_icons.py)" >&2
  exit 1
fi

mkdir -p "$apps_dir" "$meta_dir" "$hicolor/scalable/apps"
if [ -n "$exec_value" ]; then
  # Rewrite Exec= to run the given program (e.g. a PyInstaller folder outside PATH).
  tmp="$(mktemp "$apps_dir/.$APP_ID.XXXXXX")"
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in
      Exec=*) printf 'Exec=%s\n' "$exec_value" ;;
      *) printf '%s\n' "$line" ;;
    esac
  done < "$HERE/$APP_ID.desktop" > "$tmp"
  chmod 644 "$tmp"
  mv -f "$tmp" "$apps_dir/$APP_ID.desktop"
else
  install -m 644 "$HERE/$APP_ID.desktop" "$apps_dir/$APP_ID.desktop"
fi
install -m 644 "$HERE/$APP_ID.metainfo.xml" "$meta_dir/$APP_ID.metainfo.xml"
install -m 644 "$ICONS_SRC/$ICON_NAME.svg" "$hicolor/scalable/apps/$ICON_NAME.svg"
for s in "${sizes[@]}"; do
  mkdir -p "$hicolor/$s/apps"
  install -m 644 "$ICONS_SRC/hicolor/$s/apps/$ICON_NAME.png" "$hicolor/$s/apps/$ICON_NAME.png"
done
refresh_caches

echo "Installed Finews Reader's launcher, metainfo and icons (${sizes[*]} scalable) into $prefix"
if [ -z "$exec_cmd" ] && ! command -v finews-reader >/dev/null 2>&1; then
  echo "Note: finews-reader is not on PATH; install the app (pip install .) or pass --exec PROGRAM" >&2
fi
