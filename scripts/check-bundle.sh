#!/usr/bin/env bash
# Build the one-folder PyInstaller bundle from build.spec and smoke-test it.
#   scripts/check-bundle.sh            (uses .venv/bin/python)
#   PYTHON=python3 scripts/check-bundle.sh
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON="${PYTHON:-.venv/bin/python}"
APP="dist/imr-app/imr-app"

echo "== building bundle with $PYTHON"
start=$(date +%s)
"$PYTHON" -m PyInstaller --noconfirm --clean build.spec
echo "== build took $(( $(date +%s) - start )) s"

# No display needed: Qt's offscreen platform plugin is bundled.
export QT_QPA_PLATFORM=offscreen

echo "== $APP --version"
"$APP" --version

echo "== $APP selftest"
"$APP" selftest

echo "== bundle size"
du -sh dist/imr-app
echo "== bundle OK"
