#!/usr/bin/env bash
# Headless Chromium (Debian's package) and the Playwright driver for tests/test_browser.py.
# Usage: .ci/install-browser.sh [python]   (default: python3). Playwright's own browser download is never used:
# the tests point Playwright at /usr/bin/chromium, so `playwright install` is not run.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${1:-python3}"

SUDO=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
if [ ! -x /usr/bin/chromium ]; then
    $SUDO apt-get update
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends chromium
fi
/usr/bin/chromium --version

"$PY" -m pip install --quiet -r requirements-browser.txt
"$PY" -c "import playwright.sync_api, importlib.metadata as m; print('playwright', m.version('playwright'))"
