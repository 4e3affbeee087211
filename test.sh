#!/usr/bin/env bash
# The one test command: ./test.sh  (see README.md, "Test it").
# Creates .venv, installs the engine with its test requirements, then runs every part:
# engine/repository tests (pytest), the addon tests in Odoo 19 when one is found, and the
# install/uninstall check of each addon. Extra arguments go to tools/run_tests.py.
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
# System tools some tests drive: docker-compose (checks docker-compose.yml) and Chromium (tours).
# Installed from Debian's packages when missing and we may (root with apt-get).
missing=()
command -v docker-compose >/dev/null || docker compose version >/dev/null 2>&1 || missing+=(docker-compose)
command -v chromium >/dev/null || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "[test.sh] installing ${missing[*]} from Debian's packages"
    { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"; } >/dev/null 2>&1 \
        || echo "[test.sh] could not install ${missing[*]}: the tests that need them will say so"
fi
if [ ! -x .venv/bin/python ]; then
    "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check 'setuptools<81' wheel 2>&1 | grep -v "is ignored" || true
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]' 2>&1 | grep -v "is ignored" || true
.venv/bin/python -c "import crm_engine, pytest, hypothesis" || { echo "test requirements failed to install" >&2; exit 1; }
exec .venv/bin/python tools/run_tests.py --python .venv/bin/python "$@"
