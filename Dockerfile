# Production image: the build stage installs exactly uv.lock into a virtual environment; the
# runtime stage holds only that environment and the app, runs as a non-root user and serves.
# Migrations and seed data are a separate one-shot command run once per release:
#   docker run --rm --env-file prod.env IMAGE backpain-migrate
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv
RUN pip install "uv==0.13.9"
WORKDIR /app
# Dependencies first, from the lock alone, so a code change reuses this layer.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project
# The app is installed in place (alembic.ini and migrations/ are found beside the code).
COPY README.md alembic.ini ./
COPY migrations ./migrations
COPY seed ./seed
COPY app ./app
RUN uv sync --frozen --no-dev \
    && python -m compileall -q app seed migrations

FROM ${PYTHON_IMAGE} AS runtime
# MPLCONFIGDIR: matplotlib (the report's charts) keeps its font cache under /tmp, as the home
# directory does not exist and the root filesystem is read-only.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/app/.venv/bin:$PATH \
    ENVIRONMENT=production \
    HOST=0.0.0.0 \
    PORT=8000 \
    MPLCONFIGDIR=/tmp/matplotlib
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --no-create-home --home-dir /nonexistent \
       --shell /usr/sbin/nologin app
WORKDIR /app
# Owned by root and read-only to the service: it writes nothing but temporary files.
COPY --from=build /app /app
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request; sys.exit(0 if urllib.request.urlopen(f\"http://127.0.0.1:{os.environ.get('PORT', '8000')}/healthz\", timeout=2).status == 200 else 1)"]
# SIGTERM lets in-flight requests finish within SHUTDOWN_GRACE_SECONDS.
STOPSIGNAL SIGTERM
CMD ["backpain-serve"]
