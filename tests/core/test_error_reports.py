"""Error reports: an unhandled error reaches the SENTRY_DSN's host with no health data,
address, token, cookie or request body in it."""

import gzip
import json
import threading
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from fastapi import Request
from fastapi.testclient import TestClient

from app.core.config import get_settings
from app.core.error_reports import FILTERED, scrub

NOTE = "Numb saddle area since Tuesday"
EMAIL = "someone.private@example.com"
TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl"


class IngestServer(ThreadingHTTPServer):
    envelopes: list[bytes]


class Collector(BaseHTTPRequestHandler):
    """Sentry's ingest endpoint, as far as an SDK can tell: keeps each envelope it is sent."""

    server: IngestServer

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "deflate":
            body = zlib.decompress(body)
        elif encoding == "br":
            import brotli

            body = brotli.decompress(body)
        self.server.envelopes.append(body)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *_args: Any) -> None:
        pass


@pytest.fixture()
def sentry_host() -> Iterator[IngestServer]:
    server = IngestServer(("127.0.0.1", 0), Collector)
    server.envelopes = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def _items(envelope: bytes) -> list[dict[str, Any]]:
    """The JSON items of an envelope (header line, then item header and payload lines)."""
    items = []
    for line in envelope.splitlines()[1:]:
        try:
            value = json.loads(line)
        except ValueError:
            continue
        if isinstance(value, dict) and "type" not in value:
            items.append(value)
    return items


def test_an_unhandled_error_arrives_scrubbed(sentry_host: IngestServer) -> None:
    import sentry_sdk

    from app.main import create_app

    port = sentry_host.server_address[1]
    settings = get_settings().model_copy(update={"sentry_dsn": f"http://public@127.0.0.1:{port}/1"})
    app = create_app(settings)

    async def broken(request: Request) -> None:
        body = await request.json()
        pain, notes = body["pain"], body["notes"]
        raise RuntimeError(f"could not file pain {pain} for {EMAIL}: {notes} {TOKEN}")

    app.add_api_route("/v1/broken", broken, methods=["POST"])
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            response = client.post(
                f"/v1/broken?email={EMAIL}",
                json={"pain": 9, "notes": NOTE, "red_flags": ["saddle_numbness"]},
                headers={"Authorization": f"Bearer {TOKEN}", "Cookie": f"session={TOKEN}"},
            )
        assert response.status_code == 500
        sentry_sdk.flush(timeout=5)
    finally:
        sentry_sdk.get_client().close()
        sentry_sdk.init()
    events = [item for envelope in sentry_host.envelopes for item in _items(envelope)]
    errors = [e for e in events if e.get("exception")]
    assert errors, sentry_host.envelopes
    received = b"\n".join(sentry_host.envelopes).decode()
    assert "RuntimeError" in received
    for secret in (NOTE, EMAIL, TOKEN, "saddle_numbness", "Bearer", "session="):
        assert secret not in received
    for event in errors:
        request = event.get("request", {})
        assert "data" not in request and "cookies" not in request
        assert "authorization" not in {name.lower() for name in request.get("headers", {})}


def test_the_scrubber_removes_health_data_wherever_it_is() -> None:
    event = {
        "message": f"reset link for {EMAIL}",
        "extra": {"checkin": {"pain_now": 7, "areas": ["lower"], "notes": NOTE}},
        "contexts": {"peg": {"peg_items": [5, 6, 7]}, "cautions": ["pregnancy"]},
        "breadcrumbs": {"values": [{"message": f"Authorization: Bearer {TOKEN}"}]},
        "request": {
            "url": f"https://api.example/v1/x?email={EMAIL}",
            "data": {"pain": 5},
            "cookies": {"a": "b"},
            "headers": {"Authorization": "Bearer x", "User-Agent": "app/1.0"},
        },
        "user": {"email": EMAIL},
    }
    scrubbed = json.dumps(scrub(event))
    for secret in (EMAIL, NOTE, "lower", "pregnancy", TOKEN, "Bearer x", '"pain": 5'):
        assert secret not in scrubbed
    assert FILTERED in scrubbed and "app/1.0" in scrubbed
