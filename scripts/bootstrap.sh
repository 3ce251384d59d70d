#!/usr/bin/env bash
# Creates .venv (once) and installs the project into it with the given extras.
# Usage: scripts/bootstrap.sh [extras]   e.g. scripts/bootstrap.sh test
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
spec="."
[ -n "${1:-}" ] && spec=".[${1}]"
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e "$spec"
