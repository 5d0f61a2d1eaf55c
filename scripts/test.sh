#!/usr/bin/env bash
# Set up and run the whole test suite, lint included. The Secret Service tests run
# against a real gnome-keyring inside a private D-Bus session when one can be started.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
export QT_QPA_PLATFORM=offscreen
.venv/bin/ruff check imr_app tests bench
.venv/bin/ruff format --check imr_app tests bench
# The core is plain, fully typed Python: keep it that way.
.venv/bin/mypy --strict --ignore-missing-imports imr_app/core
if command -v dbus-run-session >/dev/null 2>&1 && command -v gnome-keyring-daemon >/dev/null 2>&1; then
  XDG_DATA_HOME="$(mktemp -d)" exec dbus-run-session -- sh -c '
    eval "$(printf imr-test | gnome-keyring-daemon --unlock --components=secrets)"
    export GNOME_KEYRING_CONTROL
    exec .venv/bin/python -m pytest "$@"' sh "$@"
fi
exec .venv/bin/python -m pytest "$@"
