#!/usr/bin/env bash
# Set up IMR Author on a fresh Debian/Ubuntu machine (or any machine with Python 3.11+):
# the system libraries Qt and the keyring need, then a virtual environment with the app.
#   scripts/setup.sh          the app
#   scripts/setup.sh test     the app and its test tools
set -euo pipefail
cd "$(dirname "$0")/.."

extras="${1:-}"
debs=(libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 fonts-dejavu-core)
if [ "$extras" = "test" ]; then
  # A real Secret Service for the keyring tests, started under dbus-run-session;
  # LibreOffice and poppler to render an exported IMR the way a reader sees it.
  debs+=(dbus gnome-keyring libsecret-tools libreoffice-writer-nogui poppler-utils)
fi
if command -v apt-get >/dev/null 2>&1; then
  missing=()
  for p in "${debs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ "${#missing[@]}" -gt 0 ]; then
    sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
fi

python="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
if [ "$extras" = "test" ]; then
  .venv/bin/python -m pip install -q -e ".[test]"
else
  .venv/bin/python -m pip install -q -e .
fi
# Bytecode up front, as a wheel or the bundle ships it: the app starts faster from it, also
# where PYTHONDONTWRITEBYTECODE keeps Python from caching it on first use.
.venv/bin/python -m compileall -q imr_app >/dev/null
