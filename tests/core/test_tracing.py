"""Traces: one trace per request from the server span to the database commit, an incoming
`traceparent` continued, the worker's email send linked to the request that queued it, the
trace id on log lines, and no health data, address or token in any span attribute."""

import contextlib
import io
import json
import logging
from collections.abc import Iterator, Sequence

import pytest
from fastapi.testclient import TestClient
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExportResult
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from sqlalchemy import Engine
from sqlmodel import Session

from app.core import tracing
from app.core.config import SmtpSecurity, get_settings
from app.core.mail import SmtpMailer
from app.core.observability import JsonFormatter
from tests.factories import register_user, session_payload
from tests.mailbox import smtp_server


class ArmedExporter(InMemorySpanExporter):
    """Keeps spans only while a test here runs: the process's provider stays set after it
    (a provider is set once per process), and later tests' apps and engines are traced too."""

    armed = False

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        if not self.armed:
            return SpanExportResult.SUCCESS
        return super().export(spans)


EXPORTER = ArmedExporter()


@pytest.fixture()
def spans() -> Iterator[InMemorySpanExporter]:
    provider = tracing.configure_tracing("backpain-api-test", EXPORTER)
    assert provider is not None
    provider.force_flush()
    EXPORTER.clear()
    EXPORTER.armed = True
    yield EXPORTER
    EXPORTER.armed = False
    EXPORTER.clear()


def forget(exporter: InMemorySpanExporter) -> None:
    """Drop the spans finished so far (those still batched too)."""
    finished(exporter)
    exporter.clear()


def finished(exporter: InMemorySpanExporter) -> list[ReadableSpan]:
    provider = tracing.configure_tracing("backpain-api-test", EXPORTER)
    assert provider is not None
    provider.force_flush()
    return list(exporter.get_finished_spans())


@pytest.fixture()
def traced(spans: InMemorySpanExporter, db: Session, engine: Engine) -> Iterator[TestClient]:
    """A freshly built app with traces on, its requests in the test's transaction on the
    instrumented engine; emails stay in the outbox for the worker."""
    from app.accounts.outbox import Delivery, get_delivery
    from app.core import db as core_db
    from app.main import create_app

    handle = tracing.instrument_engine(engine)
    app = create_app(get_settings())

    def session_override() -> Iterator[Session]:
        try:
            yield db
            core_db.commit(db)
        except BaseException:
            db.rollback()
            raise

    for dependency in (core_db.get_db, core_db.get_read_db, core_db.get_caller_db):
        app.dependency_overrides[dependency] = session_override
    app.dependency_overrides[get_delivery] = lambda: Delivery(
        lambda: contextlib.nullcontext(db), None
    )
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            yield client
    finally:
        handle.remove_all_event_listeners()


def _values(span: ReadableSpan) -> str:
    parts = [span.name, *(f"{k}={v!s}" for k, v in (span.attributes or {}).items())]
    for event in span.events:
        parts += [event.name, *(f"{k}={v!s}" for k, v in (event.attributes or {}).items())]
    return "\n".join(parts)


def test_a_session_upload_is_one_trace_from_request_to_commit(
    traced: TestClient, spans: InMemorySpanExporter
) -> None:
    user = register_user(traced)
    forget(spans)
    response = traced.post(
        "/v1/progress/sessions",
        json=session_payload(notes="Pain shot down my left leg after lifting"),
        headers=user.headers,
    )
    assert response.status_code == 201, response.text
    recorded = finished(spans)
    server = [s for s in recorded if s.kind.name == "SERVER"]
    assert len(server) == 1
    assert server[0].name == "POST /v1/progress/sessions"
    trace_id = server[0].context.trace_id
    assert {s.context.trace_id for s in recorded} == {trace_id}
    names = [s.name for s in recorded]
    assert "db.commit" in names
    statements = [s for s in recorded if "db.statement" in (s.attributes or {})]
    assert any(str((s.attributes or {})["db.statement"]).startswith("INSERT") for s in statements)
    # Every span of the upload hangs from the request's span.
    ids = {s.context.span_id for s in recorded}
    for span in recorded:
        if span is not server[0]:
            assert span.parent is not None and span.parent.span_id in ids
    everything = "\n".join(_values(s) for s in recorded)
    for secret in ("left leg", "Pain shot", user.access_token, user.email, '"pain_before"'):
        assert secret not in everything


def test_an_incoming_traceparent_is_continued(
    traced: TestClient, spans: InMemorySpanExporter
) -> None:
    parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    response = traced.get("/v1/exercises/knee-rolls?q=secret", headers={"traceparent": parent})
    assert response.status_code == 200
    server = [s for s in finished(spans) if s.kind.name == "SERVER"]
    assert len(server) == 1
    assert format(server[0].context.trace_id, "032x") == "0af7651916cd43dd8448eb211c80319c"
    assert server[0].parent is not None
    assert format(server[0].parent.span_id, "016x") == "b7ad6b7169203331"
    assert "secret" not in _values(server[0])


def test_log_lines_carry_the_trace_id(traced: TestClient, spans: InMemorySpanExporter) -> None:
    parent = "00-1af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    access = logging.getLogger("app.access")
    access.addHandler(handler)
    level = access.level
    access.setLevel(logging.INFO)
    try:
        traced.get("/v1/exercises/knee-rolls", headers={"traceparent": parent})
    finally:
        access.removeHandler(handler)
        access.setLevel(level)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [line["trace_id"] for line in lines] == ["1af7651916cd43dd8448eb211c80319c"]
    formatter = JsonFormatter()
    record = logging.LogRecord("app.worker", logging.INFO, "", 0, "working", None, None)
    with tracing.tracer.start_as_current_span("job") as span:
        during = json.loads(formatter.format(record))
    assert during["trace_id"] == format(span.get_span_context().trace_id, "032x")
    assert "trace_id" not in json.loads(formatter.format(record))


def test_the_worker_send_of_a_queued_email_links_to_the_request(
    traced: TestClient, spans: InMemorySpanExporter, db: Session
) -> None:
    from app.accounts.outbox import deliver_pending

    user = register_user(traced)
    forget(spans)
    assert traced.post("/v1/auth/password-reset", json={"email": user.email}).status_code == 202
    request_span = next(s for s in finished(spans) if s.kind.name == "SERVER")
    forget(spans)
    with smtp_server() as box:
        mailer = SmtpMailer(
            host="127.0.0.1",
            port=box.port,
            sender="Back Pain Relief <no-reply@backpain.example>",
            security=SmtpSecurity.NONE,
            timeout=5,
        )
        # What the worker's deliver_email job runs.
        assert deliver_pending(lambda: contextlib.nullcontext(db), mailer) >= 1
        # The address verification queued at sign-up, and the reset link.
        assert len(box.to(user.email)) == 2
        links = [box.token(message) for message in box.to(user.email)]
    recorded = finished(spans)
    send = [s for s in recorded if s.name == "email_outbox.send"]
    assert len(send) == 2
    for span in send:
        assert len(span.links) == 1 and span.parent is None
        assert span.context.trace_id != span.links[0].context.trace_id
    reset = [s for s in send if s.links[0].context.span_id == request_span.context.span_id]
    assert len(reset) == 1
    assert reset[0].links[0].context.trace_id == request_span.context.trace_id
    smtp = [s for s in recorded if s.name == "smtp send"]
    assert len(smtp) == 2
    assert {s.parent.span_id for s in smtp if s.parent} == {s.context.span_id for s in send}
    everything = "\n".join(_values(s) for s in recorded)
    # No value: the address, the links' tokens (statements name the token columns, no more).
    assert user.email not in everything
    assert all(link not in everything for link in links)


def test_traces_are_off_unless_the_environment_asks() -> None:
    def requested(**environ: str) -> bool:
        return tracing.tracing_requested(environ)

    assert not requested()
    assert requested(OTEL_EXPORTER_OTLP_ENDPOINT="http://collector:4318")
    assert requested(OTEL_EXPORTER_OTLP_TRACES_ENDPOINT="http://collector:4318/v1/traces")
    assert requested(OTEL_TRACES_EXPORTER="otlp")
    assert not requested(OTEL_TRACES_EXPORTER="none", OTEL_EXPORTER_OTLP_ENDPOINT="http://c")
    assert not requested(OTEL_TRACES_EXPORTER="zipkin", OTEL_EXPORTER_OTLP_ENDPOINT="http://c")
    assert not requested(OTEL_SDK_DISABLED="true", OTEL_EXPORTER_OTLP_ENDPOINT="http://c")


def test_a_push_to_the_gateway_is_a_span_of_the_reminder_job(spans: InMemorySpanExporter) -> None:
    import threading
    import uuid
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from app.reminders.senders import Notification
    from app.worker.jobs import make_sender
    from app.worker.settings import SenderKind, WorkerSettings

    class Gateway(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(202)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_args: object) -> None:
            pass

    gateway = ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    threading.Thread(target=gateway.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{gateway.server_address[1]}/push"
        sender = make_sender(WorkerSettings(push_sender=SenderKind.HTTP, push_gateway_url=url))
        device_token = "device-token-that-must-not-leak"
        with tracing.job_span("send_reminder") as job:
            outcome = sender.send(
                Notification(
                    reminder_id=uuid.uuid4(),
                    device_id=uuid.uuid4(),
                    token=device_token,
                    platform="ios",
                    locale="en",
                    title="Time for your routine",
                    body="Your 07:30 plan is due.",
                )
            )
    finally:
        gateway.shutdown()
        gateway.server_close()
    assert outcome.status.value == "delivered"
    recorded = finished(spans)
    push = [s for s in recorded if s.kind.name == "CLIENT"]
    assert len(push) == 1
    assert push[0].parent is not None
    assert push[0].parent.span_id == job.get_span_context().span_id
    everything = "\n".join(_values(s) for s in recorded)
    assert "/push" in everything and device_token not in everything
