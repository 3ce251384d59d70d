import json
import logging

import pytest
from fastapi.testclient import TestClient

from app.core.observability import JsonFormatter


def test_every_response_carries_a_request_id(client: TestClient) -> None:
    generated = client.get("/healthz").headers["x-request-id"]
    assert len(generated) == 32
    echoed = client.get("/v1/exercises/nope", headers={"X-Request-ID": "app-42.retry_1"})
    assert echoed.headers["x-request-id"] == "app-42.retry_1"
    unsafe = client.get("/healthz", headers={"X-Request-ID": "bad id\twith spaces"})
    assert unsafe.headers["x-request-id"] != "bad id\twith spaces"


def test_access_log_is_one_json_line_per_request(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="app.access"):
        client.get("/v1/exercises/knee-rolls", headers={"X-Request-ID": "trace-1"})
    records = [r for r in caplog.records if r.name == "app.access"]
    assert len(records) == 1
    line = json.loads(JsonFormatter().format(records[0]))
    assert line["status"] == 200
    assert line["route"] == "/v1/exercises/{slug}"
    assert line["path"] == "/v1/exercises/knee-rolls"
    assert line["duration_ms"] >= 0


def test_metrics_count_requests_by_route_template(client: TestClient) -> None:
    client.get("/v1/exercises/knee-rolls")
    client.get("/v1/exercises/cat-camel")
    client.get("/no/such/path")
    text = client.get("/metrics").text
    assert 'route="/v1/exercises/{slug}",status="200"' in text
    assert 'route="unmatched"' in text
    assert "http_request_duration_seconds_bucket" in text
