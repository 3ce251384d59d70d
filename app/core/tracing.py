"""OpenTelemetry traces: requests, database statements, outgoing HTTP, email and worker jobs.

Off unless the standard variables ask for it: `OTEL_EXPORTER_OTLP_ENDPOINT` (or
`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) set, or `OTEL_TRACES_EXPORTER=otlp`; `OTEL_SDK_DISABLED=true`
or another `OTEL_TRACES_EXPORTER` (`none`) turns it off whatever else is set. Spans go out
over OTLP/HTTP, batched; the exporter, the sampler (`OTEL_TRACES_SAMPLER`), the service name
(`OTEL_SERVICE_NAME`) and the propagators (`OTEL_PROPAGATORS`, W3C `traceparent` by default)
read their own variables.

Nothing here runs on import: the server's app factory and the worker call `configure_tracing`
and then instrument what they own. Spans carry no health data, address or token: database
spans have the statement with placeholders and never its parameters, request spans the route
and path without the query string, outgoing HTTP the gateway's URL.
"""

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.metrics import get_meter
from opentelemetry.trace import Link, Span, SpanKind
from sqlalchemy import Engine

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SpanExporter

TRACER_NAME = "app"
tracer = trace.get_tracer(TRACER_NAME)
"""Spans of this code's own work (commits, jobs, email). A no-op until a provider is set."""

_provider: "TracerProvider | None" = None


def tracing_requested(environ: Mapping[str, str] = os.environ) -> bool:
    if environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    exporter = environ.get("OTEL_TRACES_EXPORTER", "").strip().lower()
    if exporter and exporter != "otlp":
        # `none`, or an exporter other than the OTLP one this service sends to.
        return False
    return bool(
        exporter
        or environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")
        or environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    )


def configure_tracing(
    service_name: str, exporter: "SpanExporter | None" = None
) -> "TracerProvider | None":
    """The process's tracer provider: set once, on the first call that finds tracing
    requested (or is given an exporter, as the tests do); None while tracing is off."""
    global _provider
    if _provider is not None:
        return _provider
    if exporter is None and not tracing_requested():
        return None
    # The SDK is loaded only when traces are on.
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    # OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES override the default name.
    resource = Resource.create({"service.name": service_name}).merge(
        Resource.create(
            {"service.name": os.environ["OTEL_SERVICE_NAME"]}
            if os.environ.get("OTEL_SERVICE_NAME")
            else {}
        )
    )
    provider = TracerProvider(resource=resource)
    if exporter is None:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporter = OTLPSpanExporter()
    provider.add_span_processor(BatchSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    _provider = provider
    return provider


def tracing_enabled() -> bool:
    return _provider is not None


def instrument_app(app: Any) -> None:
    """Request spans for the FastAPI app, continuing an incoming `traceparent`."""
    if _provider is None:
        return
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

    FastAPIInstrumentor.instrument_app(
        app,
        tracer_provider=_provider,
        server_request_hook=_without_query,
        # Headers named by OTEL_INSTRUMENTATION_HTTP_CAPTURE_HEADERS_* are recorded with their
        # values redacted, whichever they are: they can carry tokens.
        http_capture_headers_sanitize_fields=[".*"],
        # One span per request, not one more per body chunk read or written.
        exclude_spans=["receive", "send"],
    )


def _without_query(span: Span, scope: dict[str, Any]) -> None:
    """The request's URL without its query string, which can carry a search or a token."""
    if not span.is_recording():
        return
    path = scope.get("path", "")
    span.set_attribute("http.target", path)
    attributes = getattr(span, "attributes", None) or {}
    for key in ("http.url", "url.full"):
        if key in attributes:
            span.set_attribute(key, str(attributes[key]).split("?", 1)[0])


def instrument_engine(engine: Engine) -> Any:
    """A span per statement on `engine`: the SQL with placeholders, never the values. Returns
    the instrumentation's handle (None while traces are off)."""
    if _provider is None:
        return None
    from opentelemetry.instrumentation.sqlalchemy import __version__
    from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer

    usage = get_meter(__name__).create_up_down_counter("db.client.connections.usage")
    return EngineTracer(
        trace.get_tracer("opentelemetry.instrumentation.sqlalchemy", __version__, _provider),
        engine,
        usage,
    )


def instrument_http_client(client: Any) -> None:
    """Spans for the requests an httpx client makes (the push gateway's)."""
    if _provider is None:
        return
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

    HTTPXClientInstrumentor.instrument_client(client, tracer_provider=_provider)


def current_traceparent() -> str | None:
    """The W3C `traceparent` of the span in progress, to store with work done later."""
    if not trace.get_current_span().get_span_context().is_valid:
        return None
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier.get("traceparent")


@contextmanager
def within(traceparent: str | None) -> Iterator[None]:
    """Work done after a request's answer (a background task) as part of its trace: inside,
    `current_traceparent()` names the request's span again."""
    if not traceparent:
        yield
        return
    token = otel_context.attach(propagate.extract({"traceparent": traceparent}))
    try:
        yield
    finally:
        otel_context.detach(token)


def link_to(traceparent: str | None) -> list[Link]:
    """A link to the span a stored `traceparent` names (none when it names nothing)."""
    if not traceparent:
        return []
    span_context = trace.get_current_span(
        propagate.extract({"traceparent": traceparent})
    ).get_span_context()
    return [Link(span_context)] if span_context.is_valid else []


@contextmanager
def job_span(name: str, traceparent: str | None = None, **attributes: Any) -> Iterator[Span]:
    """A worker job's span, the root of its own trace and linked to the request that asked
    for the work when its `traceparent` was kept."""
    with tracer.start_as_current_span(
        name,
        context=otel_context.Context(),
        kind=SpanKind.CONSUMER,
        links=link_to(traceparent),
        attributes=attributes,
    ) as span:
        yield span


def current_trace_id() -> str | None:
    """The trace id (32 hex digits) of the span in progress, for log lines."""
    span_context = trace.get_current_span().get_span_context()
    return format(span_context.trace_id, "032x") if span_context.is_valid else None
