#!/usr/bin/env bash
# Measures requests per second of the production server with 1..N worker processes, to
# choose WEB_CONCURRENCY for a machine. Needs wrk, and DATABASE_URL pointing at a migrated
# and seeded PostgreSQL database (backpain-migrate). Traffic goes to 127.0.0.1 only.
# Usage: DATABASE_URL=... scripts/measure-workers.sh [max-workers] [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
max="${1:-4}"
seconds="${2:-10}"
port="${PORT:-8765}"
export ENVIRONMENT="${ENVIRONMENT:-production}" HOST=127.0.0.1 PORT="$port" LOG_LEVEL=WARNING
export JWT_SECRET="${JWT_SECRET:-$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(48))')}"
printf '%-8s %-28s %12s %10s %10s\n' workers path requests/s p50 p99
for workers in $(seq 1 "$max"); do
  WEB_CONCURRENCY="$workers" .venv/bin/backpain-serve &
  server=$!
  until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do sleep 0.2; done
  for path in /v1/exercises /v1/exercises/knee-rolls; do
    wrk -t2 -c32 -d2s "http://127.0.0.1:$port$path" >/dev/null  # warm every worker
    out=$(wrk -t2 -c32 -d"${seconds}s" --latency "http://127.0.0.1:$port$path")
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    printf '%-8s %-28s %12s %10s %10s\n' "$workers" "$path" "$rps" "$p50" "$p99"
  done
  kill -TERM "$server"
  wait "$server" || true
done
