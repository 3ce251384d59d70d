"""Request ids, one structured access-log line per request, and Prometheus metrics."""

import contextvars
import itertools
import json
import logging
import logging.config
import os
import re
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from json.encoder import encode_basestring_ascii
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client import values as metric_values
from prometheus_client.exposition import generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.tracing import current_trace_id

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,128}$")
request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "request_id", default=None
)
ACCESS_LOGGER = "app.access"
access_log = logging.getLogger(ACCESS_LOGGER)

# This process's id, kept rather than asked for: os.getpid() is a system call, and both the
# log records and (with several workers) every metric update asked for it, several times per
# request. Refreshed in a forked child; a spawned worker imports this module afresh.
_pid = os.getpid()


def _forked() -> None:
    global _pid
    _pid = os.getpid()


os.register_at_fork(after_in_child=_forked)


def current_pid() -> int:
    return _pid


if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    # File-backed values check the process id on every update, to notice a fork; the same
    # check, from the kept id. Chosen before any metric is created (Metrics below).
    metric_values.ValueClass = metric_values.MultiProcessValue(process_identifier=current_pid)

# What the database, the jobs and the email outbox do, counted in whichever process does it
# (the server or a worker) and shown by each app's /metrics. Gauges of several processes add
# up (`livesum`) when PROMETHEUS_MULTIPROC_DIR is set.
DB_POOL_IN_USE = Gauge(
    "db_pool_connections_in_use",
    "Database connections checked out of the pool.",
    multiprocess_mode="livesum",
    registry=None,
)
DB_POOL_WAITING = Gauge(
    "db_pool_checkouts_waiting",
    "Requests for a pooled database connection not yet served (waiting while all are in use).",
    multiprocess_mode="livesum",
    registry=None,
)
REMINDERS = Counter(
    "reminders_total",
    "Reminders the worker finished with, by result (sent, skipped, retry, failed) and reason.",
    ["result", "reason"],
    registry=None,
)
EMAILS = Counter(
    "emails_total",
    "Emails by event: queued (written to the outbox), sent, failed (a send that raised).",
    ["event"],
    registry=None,
)
REPORT_SECONDS = Histogram(
    "report_generation_seconds",
    "Time to build a clinician report, by format.",
    ["format"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=None,
)
OPERATIONS_METRICS = (DB_POOL_IN_USE, DB_POOL_WAITING, REMINDERS, EMAILS, REPORT_SECONDS)

# One encoder for every line; anything JSON cannot hold is written as its str().
_ENCODER = json.JSONEncoder(default=str)


# Lines of a database error that quote stored values or the statement: PostgreSQL's DETAIL
# ("Key (email)=(ana@example.com) already exists") and SQLAlchemy's statement and parameters.
SCRUBBED_PREFIXES = ("DETAIL:", "[SQL:", "[parameters:")
SCRUBBED_LINE = "[database detail not logged]"


def scrub_traceback(text: str) -> str:
    """A formatted traceback without the lines that can carry people's data."""
    lines: list[str] = []
    for line in text.splitlines():
        stripped = line.lstrip()
        if stripped.startswith(SCRUBBED_PREFIXES):
            if not lines or lines[-1].strip() != SCRUBBED_LINE:
                lines.append(line[: len(line) - len(stripped)] + SCRUBBED_LINE)
            continue
        lines.append(line)
    return "\n".join(lines)


class PlainFormatter(logging.Formatter):
    """Plain text lines (development), with tracebacks scrubbed as in the JSON ones."""

    def formatException(self, ei: Any) -> str:
        return scrub_traceback(super().formatException(ei))


class JsonFormatter(logging.Formatter):
    """One JSON object per line, so log shippers need no parsing rules. Every line, the
    server's and the app's, has `timestamp` (UTC, ISO 8601), `level`, `logger`, `message`,
    `pid`, `request_id` while a request is being served, and `trace_id` while a traced span
    (a request's or a job's) is in progress."""

    _second = -1
    _second_text = ""

    def _timestamp(self, created: float) -> str:
        # The same as datetime.isoformat(timespec="milliseconds") in UTC, formatted once a
        # second: a busy server writes thousands of lines a second.
        second = int(created)
        if second != self._second:
            self._second_text = datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%S")
            self._second = second
        return f"{self._second_text}.{int((created - second) * 1000):03d}+00:00"

    def format(self, record: logging.LogRecord) -> str:
        if record.name == ACCESS_LOGGER and not record.exc_info:
            return self._access_line(record, getattr(record, "fields", {}))
        entry = self._entry_fields(record)
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exc_info"] = scrub_traceback(self.formatException(record.exc_info))
        return _ENCODER.encode(entry)

    def _access_line(self, record: logging.LogRecord, fields: dict[str, Any]) -> str:
        """The line `format` would write for an access record, without building and encoding a
        dict: one per request is the busiest line there is. Same keys, order and separators."""
        if fields.keys() != ACCESS_FIELDS:
            return _ENCODER.encode(self._entry_fields(record) | fields)
        request_id = request_id_var.get()
        return (
            f'{{"timestamp": "{self._timestamp(record.created)}", "level": "{record.levelname}", '
            f'"logger": "{ACCESS_LOGGER}", "message": {_text(record.getMessage())}, '
            f'"pid": {current_pid()}'
            + (f', "request_id": {_text(request_id)}' if request_id else "")
            + (f', "trace_id": "{trace_id}"' if (trace_id := current_trace_id()) else "")
            + f', "method": {_text(fields["method"])}, "path": {_text(fields["path"])}, '
            f'"route": {_text(fields["route"])}, "status": {int(fields["status"])}, '
            f'"duration_ms": {float(fields["duration_ms"])!r}}}'
        )

    def _entry_fields(self, record: logging.LogRecord) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "timestamp": self._timestamp(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            # Which worker process wrote it, to tell workers apart and spot restarts.
            "pid": current_pid(),
        }
        if request_id := request_id_var.get():
            entry["request_id"] = request_id
        if trace_id := current_trace_id():
            entry["trace_id"] = trace_id
        return entry


ACCESS_FIELDS = frozenset({"method", "path", "route", "status", "duration_ms"})


def _text(value: str) -> str:
    return encode_basestring_ascii(str(value))


PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Loggers of the server and libraries that would otherwise bring their own handlers and
# formats; each hands its records to the root handler instead.
SERVER_LOGGERS = ("uvicorn", "uvicorn.error", "alembic", "seed")
# Quiet unless something is wrong: uvicorn's access line repeats the app's own (`app.access`,
# which also has the route, duration and request id), and Alembic announces its plugins each
# time a worker loads the migration scripts.
QUIET_LOGGERS = ("uvicorn.access", "alembic.runtime.plugins")


def logging_config(level: str, json_logs: bool) -> dict[str, Any]:
    """The one logging configuration of every process (server, workers, migrations), as a
    `logging.config.dictConfig` dict; uvicorn takes it as `log_config` so its own lines come
    out in the same format as the app's."""
    level = level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {"()": f"{__name__}.JsonFormatter"},
            "plain": {"()": f"{__name__}.PlainFormatter", "format": PLAIN_FORMAT},
        },
        "handlers": {
            "default": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "json" if json_logs else "plain",
            }
        },
        "root": {"level": level, "handlers": ["default"]},
        "loggers": {
            **{
                name: {"level": level, "handlers": [], "propagate": True} for name in SERVER_LOGGERS
            },
            **{
                name: {"level": "WARNING", "handlers": [], "propagate": True}
                for name in QUIET_LOGGERS
            },
        },
    }


def configure_logging(level: str, json_logs: bool) -> None:
    logging.config.dictConfig(logging_config(level, json_logs))
    # Warnings (SQLAlchemy's among them) become records of the `py.warnings` logger, written
    # in the same format as every other line instead of raw text on stderr.
    logging.captureWarnings(True)
    # What no line records, not gathered for each one (the logging documentation's
    # "Optimization" section): the caller's file and line, thread and process names.
    logging._srcfile = None
    logging.logThreads = False
    logging.logMultiprocessing = False
    # The JSON lines take the process id from current_pid(), without a system call per record.
    logging.logProcesses = False


class Metrics:
    def __init__(self, collectors: Iterable[Any] = ()) -> None:
        """`collectors` are asked at each scrape (the job queues' depth, read from the
        database), whichever process answers it."""
        # A registry per app keeps repeated app construction (tests) from clashing.
        self.registry = CollectorRegistry()
        self.collectors = list(collectors)
        for metric in (*OPERATIONS_METRICS, *self.collectors):
            self.registry.register(metric)
        self.requests = Counter(
            "http_requests_total",
            "HTTP requests served.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "http_request_duration_seconds",
            "Time to serve a request.",
            ["method", "route"],
            registry=self.registry,
        )

    def render(self) -> Response:
        return Response(generate_latest(self.scrape_registry()), media_type=CONTENT_TYPE_LATEST)

    def scrape_registry(self) -> CollectorRegistry:
        """With several worker processes (`PROMETHEUS_MULTIPROC_DIR` set, as the production
        server does) each one writes its counts to a file there; a scrape, whichever worker
        answers it, sums them all. Otherwise this process's own counts."""
        if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            return self.registry
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        for collector in self.collectors:
            registry.register(collector)
        return registry


def route_template(scope: Scope) -> str:
    """The matched route's full path template (`/v1/exercises/{slug}`), not the raw path, so
    metric labels stay bounded. Included routers keep their prefix in the effective route
    context; plain routes carry it themselves."""
    context = scope.get("fastapi", {}).get("effective_route_context")
    for candidate in (context, scope.get("route")):
        path = getattr(candidate, "path_format", None)
        if isinstance(path, str) and path:
            return path
    return "unmatched"


_REQUEST_ID_KEY = REQUEST_ID_HEADER.lower().encode()
# Request ids minted here: a random prefix per process and a counter, unique across workers
# and replicas for all practical purposes and far cheaper than a UUID per request.
_ID_PREFIX = os.urandom(8).hex()
_id_counter = itertools.count(1)


def request_id_header(request_id: str) -> tuple[bytes, bytes]:
    return (_REQUEST_ID_KEY, request_id.encode())


def request_id_for(scope: Scope) -> str:
    """The caller's X-Request-ID when it is well-formed, else a new one."""
    for name, value in scope["headers"]:
        if name == _REQUEST_ID_KEY:
            incoming = value.decode("latin-1")
            if _VALID_REQUEST_ID.match(incoming):
                return incoming
            break
    return f"{_ID_PREFIX}{next(_id_counter):016x}"


class Observability:
    """Counts, times and logs finished requests (for `ObservabilityMiddleware`)."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics
        self._children: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    def record(self, scope: Scope, status: int, elapsed: float, route: str | None = None) -> None:
        """`route` is the route's template when the answer was sent without routing."""
        method = scope["method"]
        route_label = route or route_template(scope)
        children = self._children.get((method, route_label, status))
        if children is None:
            # labels() looks the child up under a lock on every call; keep what it returns.
            children = (
                self.metrics.requests.labels(method, route_label, str(status)),
                self.metrics.latency.labels(method, route_label),
            )
            if len(self._children) < 10_000:
                self._children[(method, route_label, status)] = children
        children[0].inc()
        children[1].observe(elapsed)
        if access_log.isEnabledFor(logging.INFO):
            path = scope["path"]
            access_log.info(
                "%s %s %s",
                method,
                path,
                status,
                extra={
                    "fields": {
                        "method": method,
                        "path": path,
                        "route": route_label,
                        "status": status,
                        "duration_ms": round(elapsed * 1000, 2),
                    }
                },
            )


class ObservabilityMiddleware:
    """Pure ASGI middleware: assigns the request id, times the request, logs and counts it."""

    def __init__(self, app: ASGIApp, observability: Observability) -> None:
        self.app = app
        self.observability = observability

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_for(scope)
        id_header = request_id_header(request_id)
        token = request_id_var.set(request_id)
        status = 500
        started = time.perf_counter()

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), id_header]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            self.observability.record(scope, status, time.perf_counter() - started)
            request_id_var.reset(token)
