#!/usr/bin/env bash
# System libraries Qt's desktop (xcb) plugin needs on Debian/Ubuntu, a CJK font for Chinese
# text, the validators the packaging tests use, strace (the viewer's no-network test) and git
# (the archive tests serve repositories with `git daemon` and `git http-backend`; the reader never runs git).
# Safe to run again.
set -euo pipefail
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-deps: not a Debian-like system; install Qt 6's xcb dependencies and a CJK font yourself" >&2
  exit 0
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-xkb1 \
  libxkbcommon-x11-0 libxcb-shape0 libxcb-randr0 libxcb-xfixes0 libxcb-sync1 libxcb-xinerama0 \
  libegl1 libgl1 libfontconfig1 libdbus-1-3 libglib2.0-0 \
  fonts-noto-cjk desktop-file-utils appstream strace git >/dev/null
