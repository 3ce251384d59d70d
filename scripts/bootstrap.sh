#!/usr/bin/env bash
# Creates .venv and installs exactly the versions in uv.lock, plus the given extras.
# Usage: scripts/bootstrap.sh [extra ...]   e.g. scripts/bootstrap.sh test
# Needs only python3 with pip: the pinned uv is installed from PyPI into .tools/ first.
set -euo pipefail
cd "$(dirname "$0")/.."
UV_VERSION=0.13.9
if [ "$(.tools/bin/uv --version 2>/dev/null | cut -d' ' -f2)" != "$UV_VERSION" ]; then
  python3 -m venv .tools
  .tools/bin/python -m pip install --quiet --disable-pip-version-check "uv==$UV_VERSION"
fi
args=()
for extra in "$@"; do args+=(--extra "$extra"); done
# --frozen: install what uv.lock says, never re-resolve. --inexact: keep extras installed by
# an earlier call (./scripts/test then ./scripts/run shares one .venv).
exec .tools/bin/uv sync --quiet --frozen --inexact --python python3 "${args[@]}"
