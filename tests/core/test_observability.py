import io
import json
import logging
import logging.config
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from app.core.observability import JsonFormatter, configure_logging


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


def test_server_and_app_lines_share_one_json_format() -> None:
    """Under the process-wide configuration uvicorn's own lines and the app's are JSON with
    the same fields; uvicorn's access line, a duplicate of the app's, stays quiet."""
    from app.core.config import get_settings
    from app.core.observability import logging_config, request_id_var

    stream = io.StringIO()
    config = logging_config("INFO", json_logs=True)
    config["handlers"]["default"]["stream"] = stream
    logging.config.dictConfig(config)
    try:
        logging.getLogger("uvicorn.error").info("Started server process [%d]", 42)
        token = request_id_var.set("trace-9")
        logging.getLogger("app.errors").warning("unexpected %s", "thing")
        logging.getLogger("uvicorn.access").info('127.0.0.1 - "GET / HTTP/1.1" 200')
        request_id_var.reset(token)
    finally:
        settings = get_settings()
        configure_logging(settings.log_level, settings.log_json)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [line["logger"] for line in lines] == ["uvicorn.error", "app.errors"]
    common = {"timestamp", "level", "logger", "message", "pid"}
    assert set(lines[0]) == common
    assert set(lines[1]) == common | {"request_id"}
    assert lines[0]["message"] == "Started server process [42]"
    assert lines[1] == lines[1] | {"level": "WARNING", "request_id": "trace-9"}
    assert lines[0]["timestamp"].endswith("+00:00")


@pytest.mark.parametrize("path", ["/v1/exercises", '/v1/x"y\\z', "/v1/caf\u00e9/\u2603\n"])
@pytest.mark.parametrize("request_id", [None, "trace-9"])
def test_access_lines_are_the_json_every_other_line_is(path: str, request_id: str | None) -> None:
    """The access line is written without building a dict, for speed; it must be exactly
    what the general formatter writes for the same record, whatever the path holds."""
    from app.core.observability import request_id_var

    fields = {
        "method": "GET",
        "path": path,
        "route": "unmatched",
        "status": 404,
        "duration_ms": 0.12,
    }
    record = logging.LogRecord("app.access", logging.INFO, "", 0, "%s %s %s", None, None)
    record.args = ("GET", path, 404)
    record.fields = fields
    formatter = JsonFormatter()
    token = request_id_var.set(request_id)
    try:
        fast = formatter.format(record)
        record.name = "app.other"
        slow = formatter.format(record).replace('"logger": "app.other"', '"logger": "app.access"')
    finally:
        request_id_var.reset(token)
    assert fast == slow
    line = json.loads(fast)
    assert line["path"] == path and line["status"] == 404 and line["duration_ms"] == 0.12
    assert ("request_id" in line) == (request_id is not None)


def logged_lines(emit: Callable[[], None], json_logs: bool = True) -> str:
    """What the process-wide configuration writes while `emit` runs."""
    from app.core.config import get_settings
    from app.core.observability import logging_config

    stream = io.StringIO()
    config = logging_config("INFO", json_logs=json_logs)
    config["handlers"]["default"]["stream"] = stream
    configure_logging("INFO", json_logs)
    logging.config.dictConfig(config)
    try:
        emit()
    finally:
        settings = get_settings()
        configure_logging(settings.log_level, settings.log_json)
    return stream.getvalue()


@pytest.mark.parametrize("json_logs", [True, False])
def test_a_database_error_is_logged_without_its_detail_or_statement(json_logs: bool) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine("sqlite://", hide_parameters=True)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (email TEXT UNIQUE)")

    def fail() -> None:
        try:
            raise sa.exc.IntegrityError(
                "INSERT INTO t (email) VALUES (?)",
                ("ana@example.com",),
                Exception(
                    "duplicate key value violates unique constraint\n"
                    "DETAIL:  Key (email)=(ana@example.com) already exists."
                ),
            )
        except sa.exc.IntegrityError:
            logging.getLogger("app.errors").exception("unhandled error")

    text = logged_lines(fail, json_logs)
    assert "ana@example.com" not in text
    assert "INSERT INTO" not in text
    assert "duplicate key value" in text


def test_warnings_are_json_lines() -> None:
    import warnings

    def warn() -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("always")
            warnings.warn("a library says something", UserWarning, stacklevel=1)

    # pytest records each test's warnings itself: start from uncaptured, as a process does.
    logging.captureWarnings(False)

    lines = [json.loads(line) for line in logged_lines(warn).splitlines()]
    assert [line["logger"] for line in lines] == ["py.warnings"]
    assert "a library says something" in lines[0]["message"]
