#!/usr/bin/env bash
# Prepare a fresh Debian/Ubuntu machine for running and testing the app:
# the system libraries Qt needs (on screen and offscreen), fonts with Vietnamese
# glyphs, the PDF tools the tests use, then a virtual environment with the pinned
# Python packages. Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  libegl1 libgl1 libopengl0 libglib2.0-0 libfontconfig1 libfreetype6 libdbus-1-3
  libxkbcommon0 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1
  libxcb-image0 libxcb-render-util0 libxcb-randr0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1
  fonts-dejavu-core fonts-liberation2 poppler-utils
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "Cài các gói hệ thống: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# One pinned Python, the same in CI and the Windows build (.github/workflows/windows.yml):
# 3.12, where None, True and False are immortal. PySide6 6.12.0 on Python 3.11 drops a
# reference to None on every call of a Qt method that returns nothing and aborts the
# process after a few thousand calls (ui/qt_check.py refuses that pairing at start).
PY_VERSION=3.12
find_python() {
  if [ -n "${PYTHON:-}" ]; then echo "$PYTHON"; return; fi
  if command -v "python$PY_VERSION" >/dev/null 2>&1 && "python$PY_VERSION" -c "" >/dev/null 2>&1; then
    echo "python$PY_VERSION"; return
  fi
  for candidate in "$HOME"/.pyenv/versions/"$PY_VERSION".*/bin/python"$PY_VERSION" /usr/bin/python"$PY_VERSION"; do
    if [ -x "$candidate" ]; then echo "$candidate"; return; fi
  done
  echo "Không tìm thấy Python $PY_VERSION: hãy cài Python $PY_VERSION rồi chạy lại (hoặc đặt biến PYTHON)." >&2
  exit 1
}
if [ -x .venv/bin/python ] && ! .venv/bin/python -c "import sys; sys.exit(sys.version_info[:2] != (${PY_VERSION/./, }))"; then
  echo "Môi trường .venv dùng Python khác $PY_VERSION: tạo lại"
  rm -rf .venv
fi
if [ ! -x .venv/bin/python ]; then
  "$(find_python)" -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt
