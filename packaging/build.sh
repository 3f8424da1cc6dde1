#!/usr/bin/env bash
# Build a one-folder, windowed PyInstaller bundle: dist/finews-reader/finews-reader.
# Installs PyInstaller into the current Python if it is missing; the app's own dependencies must
# already be installed (python3 -m pip install -e . — or '.[package]' for both at once).
#   PYTHON=/path/to/python packaging/build.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY="${PYTHON:-python3}"

if ! "$PY" -m PyInstaller --version >/dev/null 2>&1; then
  echo "build: installing PyInstaller" >&2
  "$PY" -m pip install 'pyinstaller>=6'
fi
if ! "$PY" -c 'import reader.cli, reader.ui.app' >/dev/null 2>&1; then
  echo "build: the app does not import in $PY; install it first: $PY -m pip install -e ." >&2
  "$PY" -c 'import reader.cli, reader.ui.app' || true
  exit 1
fi
if [ ! -e resources/icons/hicolor/256x256/apps/finews-reader.png ]; then
  "$PY" packaging/render_icons.py
fi

"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build packaging/finews-reader.spec

app="dist/finews-reader/finews-reader"
[ -x "$app.exe" ] && app="$app.exe"
echo "build: smoke test: $("$app" --version)"
du -sh dist/finews-reader
