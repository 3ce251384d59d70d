#!/bin/sh
# Local start-up: migrate and seed (what `backpain-migrate` does once per release in
# production), then serve with the production server.
set -eu
cd "$(dirname "$0")/.."
python -m app.migrate
exec python -m app.serve
