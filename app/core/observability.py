"""Request ids, one structured access-log line per request, and Prometheus metrics."""

import contextvars
import json
import logging
import re
import time
import uuid
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client.exposition import generate_latest
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,128}$")
request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "request_id", default=None
)
access_log = logging.getLogger("app.access")


class JsonFormatter(logging.Formatter):
    """One JSON object per line, so log shippers need no parsing rules."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = request_id_var.get()
        if request_id:
            entry["request_id"] = request_id
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_logging(level: str, json_logs: bool) -> None:
    root = logging.getLogger()
    root.setLevel(level.upper())
    if json_logs and not any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
        root.handlers = [handler]
    elif not root.handlers:
        logging.basicConfig(level=level.upper())


class Metrics:
    def __init__(self) -> None:
        # A registry per app keeps repeated app construction (tests) from clashing.
        self.registry = CollectorRegistry()
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
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)


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


class ObservabilityMiddleware:
    """Pure ASGI middleware: assigns the request id, times the request, logs and counts it."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = Request(scope).headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        status = 500
        started = time.perf_counter()

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((REQUEST_ID_HEADER.lower().encode(), request_id.encode()))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            elapsed = time.perf_counter() - started
            route_label = route_template(scope)
            method = scope["method"]
            self.metrics.requests.labels(method, route_label, str(status)).inc()
            self.metrics.latency.labels(method, route_label).observe(elapsed)
            access_log.info(
                "%s %s %s",
                method,
                scope["path"],
                status,
                extra={
                    "fields": {
                        "method": method,
                        "path": scope["path"],
                        "route": route_label,
                        "status": status,
                        "duration_ms": round(elapsed * 1000, 2),
                    }
                },
            )
            request_id_var.reset(token)
