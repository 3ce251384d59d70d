#!/bin/sh
# Container and local start-up: migrate, load or refresh the seed data, then serve.
set -eu
cd "$(dirname "$0")/.."
alembic upgrade head
python -m seed
# Forwarding headers are weighed by the app against TRUSTED_PROXIES, not by uvicorn.
exec uvicorn app.main:app --host "${HOST:-0.0.0.0}" --port "${PORT:-8000}" --no-server-header --no-access-log --no-proxy-headers
