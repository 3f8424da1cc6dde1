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

# Start-up against the source tree: open the sample library's window, list it, quit (offscreen).
smoke_home="$(mktemp -d)"
time_it() {  # prints the best of three wall-clock times of "$@"
  local best=""
  for _ in 1 2 3; do
    local t0 t1
    t0=$(date +%s.%N)
    QT_QPA_PLATFORM=offscreen FINEWS_READER_LIBRARY="$smoke_home/lib" "$@" >/dev/null 2>&1
    t1=$(date +%s.%N)
    best=$(echo "$t0 $t1 $best" | awk '{d=$2-$1; if ($3=="" || d<$3) print d; else print $3}')
  done
  echo "$best"
}
QT_QPA_PLATFORM=offscreen FINEWS_READER_LIBRARY="$smoke_home/lib" "$app" gui --smoke-test
built=$(time_it "$app" gui --smoke-test)
source=$(time_it "$PY" -m reader gui --smoke-test)
echo "build: start to listed window: packaged ${built}s, from the source tree ${source}s"
rm -rf "$smoke_home"
