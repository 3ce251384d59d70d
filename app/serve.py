"""`backpain-serve`: the production server. Several uvicorn worker processes behind one
socket, one logging configuration for all of them, metrics summed across them, and a grace
period for in-flight requests on SIGTERM."""

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

# Nothing that imports prometheus_client may be imported above: it picks in-memory or
# file-backed values once, at import, from PROMETHEUS_MULTIPROC_DIR, which main() sets first.

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def parser() -> argparse.ArgumentParser:
    # app.core.cli imports nothing that reads PROMETHEUS_MULTIPROC_DIR.
    from app.core import cli

    return cli.command_parser(
        "backpain-serve",
        "Serve the API (python -m app.serve): WEB_CONCURRENCY uvicorn worker processes on one "
        "port, until SIGTERM or SIGINT, after a grace period for requests in flight. Checks "
        "the settings first and refuses to start on a bad one. The schema must be migrated "
        "(backpain-migrate) first.",
        [
            cli.ENVIRONMENT,
            cli.DATABASE,
            ("JWT_SECRET", "signs access tokens; required outside development"),
            ("HOST, PORT", "where to listen (default 0.0.0.0 and 8000)"),
            ("WEB_CONCURRENCY", "worker processes (default 2, or 1 on SQLite)"),
            ("SHUTDOWN_GRACE_SECONDS", "time for requests in flight after SIGTERM (default 20)"),
            (
                "RATE_LIMIT_STORAGE_URL",
                "where sign-in attempts are counted (memory:// or redis://)",
            ),
            ("TRUSTED_PROXIES", "proxies whose X-Forwarded-For is believed"),
            ("CORS_ORIGINS", "origins allowed to call from a browser"),
            ("PROMETHEUS_MULTIPROC_DIR", "where workers write the counts /metrics sums"),
            *cli.SMTP,
            *cli.LOGGING,
        ],
        [
            (cli.EXIT_OK, "stopped by SIGTERM or SIGINT"),
            (cli.EXIT_FAILED, "the server could not start (the port is taken, for one)"),
            (cli.EXIT_USAGE, "unknown arguments"),
            (cli.EXIT_CONFIG, "a setting is missing or wrong (named on stderr); nothing served"),
        ],
    )


def prepare_metrics_dir() -> tuple[Path, bool]:
    """Each worker writes its counts to files here and `/metrics` sums them. The directory
    must start empty: counts left by an earlier run would be added to this one's. Returns
    the directory and whether it was made here (and so is removed at exit)."""
    configured = os.environ.get(MULTIPROC_ENV)
    if configured:
        path = Path(configured)
        path.mkdir(parents=True, exist_ok=True)
        for stale in path.glob("*.db"):
            stale.unlink()
    else:
        path = Path(tempfile.mkdtemp(prefix="backpain-metrics-"))
    # Before any worker starts and before prometheus_client is imported, so every process,
    # this one included, chooses the file-backed values.
    os.environ[MULTIPROC_ENV] = str(path)
    return path, not configured


def main(argv: list[str] | None = None) -> int:
    parser().parse_args(argv)
    metrics_dir, owned = prepare_metrics_dir()
    import uvicorn

    from app.core.http_server import BoundedHttpToolsProtocol
    from app.core.observability import logging_config
    from app.main import checked_settings
    from app.web_process import SUPERVISOR_PID_ENV

    # Refuse a bad configuration once, with one line, before any worker is started.
    settings = checked_settings()
    if settings.is_development and not os.environ.get("JWT_SECRET"):
        # One key for every worker, or a token signed by one would fail on the others.
        os.environ["JWT_SECRET"] = settings.signing_key
    if settings.workers > 1:
        os.environ[SUPERVISOR_PID_ENV] = str(os.getpid())
    try:
        uvicorn.run(
            # Through app.web_process, so that no worker outlives this process.
            "app.web_process:app",
            host=settings.host,
            port=settings.port,
            workers=settings.workers,
            log_config=logging_config(settings.log_level, settings.log_json),
            # The app writes one access line per request, with the request id.
            access_log=False,
            server_header=False,
            # The app decides which proxies to believe (TRUSTED_PROXIES); the server must
            # not rewrite the client address before it does.
            proxy_headers=False,
            timeout_graceful_shutdown=settings.shutdown_grace_seconds,
            # Bounds on the request head's size and the time to send it (app.core.http_server).
            http=BoundedHttpToolsProtocol,
        )
    finally:
        if owned:
            shutil.rmtree(metrics_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
