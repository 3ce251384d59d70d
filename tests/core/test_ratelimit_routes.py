"""The default limit on every request, the limits of the costly routes and the report made one
at a time, as a client sees them: 429 problems with `Retry-After`, and the `RateLimit` and
`RateLimit-Policy` headers on every answer."""

import re

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from time_machine import TimeMachineFixture

from app.core.config import get_settings
from app.core.ratelimit import Limiter, install_rate_limiting
from tests.factories import register_user, session_payload

PROBLEM = "application/problem+json"
CHECKIN = {"recorded_at": "2026-11-23T21:15:00-05:00", "pain": 3}


def limits(client: TestClient, **settings: int) -> FastAPI:
    app = client.app
    assert isinstance(app, FastAPI)
    install_rate_limiting(app, get_settings().model_copy(update=settings))
    return app


def left(response: httpx.Response, policy: str) -> tuple[int, int]:
    found = re.search(rf'"{policy}";r=(\d+);t=(\d+)', response.headers["ratelimit"])
    assert found is not None, response.headers.get("ratelimit")
    return int(found.group(1)), int(found.group(2))


def test_every_answer_reports_the_default_policy(client: TestClient) -> None:
    limits(client, default_rate_limit=50, default_rate_window_seconds=60)
    answers = [
        client.get("/v1/exercises"),
        client.get("/v1/exercises"),
        client.get("/v1/exercises/no-such-move"),
        client.get("/v1/me"),
        client.post(
            "/v1/recommendations", content=b"{", headers={"content-type": "application/json"}
        ),
        client.get("/healthz"),
    ]
    assert [a.status_code for a in answers] == [200, 200, 404, 401, 400, 200]
    for answer in answers:
        assert answer.headers["ratelimit-policy"] == '"default";q=50;w=60'
    remaining = [left(answer, "default")[0] for answer in answers]
    assert remaining == [49, 48, 47, 46, 45, 44]
    assert all(1 <= left(answer, "default")[1] <= 60 for answer in answers)


def test_over_the_default_quota_every_route_answers_429_until_the_window_ends(
    client: TestClient, time_machine: TimeMachineFixture
) -> None:
    time_machine.move_to("2026-11-24T12:00:10Z", tick=False)
    limits(client, default_rate_limit=3, default_rate_window_seconds=60)
    assert all(client.get("/v1/exercises").status_code == 200 for _ in range(3))
    refused = client.get("/v1/exercises")
    assert refused.status_code == 429
    assert refused.headers["content-type"] == PROBLEM
    assert refused.json()["type"].endswith("/rate-limited")
    # Windows are aligned to the clock: this one ends at 12:01:00.
    assert refused.headers["retry-after"] == "50"
    assert refused.headers["ratelimit"] == '"default";r=0;t=50'
    assert refused.headers["x-request-id"] and refused.headers["api-version"]
    assert client.post("/v1/recommendations", json={}).status_code == 429
    time_machine.move_to("2026-11-24T12:01:00Z", tick=False)
    assert client.get("/v1/exercises").status_code == 200


def test_the_metrics_scrape_is_not_counted(client: TestClient) -> None:
    limits(client, default_rate_limit=1)
    assert client.get("/v1/exercises").status_code == 200
    scrape = client.get("/metrics")
    assert scrape.status_code == 200 and "ratelimit" not in scrape.headers


def test_an_upload_reports_the_account_and_address_policies(client: TestClient) -> None:
    limits(client, upload_rate_limit=2, upload_address_rate_limit=10)
    user = register_user(client)
    first = client.post("/v1/progress/sessions", json=session_payload(), headers=user.headers)
    assert first.status_code == 201
    policy = first.headers["ratelimit-policy"]
    assert '"upload";q=2;w=60' in policy and '"upload-address";q=10;w=60' in policy
    assert left(first, "upload")[0] == 1 and left(first, "upload-address")[0] == 9
    assert client.post("/v1/checkins", json=CHECKIN, headers=user.headers).status_code == 201
    # Sessions, check-ins and PEG responses draw on one allowance.
    peg = {"answered_at": "2026-11-02T09:00:00Z", "pain": 6, "enjoyment": 6, "activity": 6}
    refused = client.post("/v1/outcomes/peg/responses", json=peg, headers=user.headers)
    assert refused.status_code == 429 and refused.headers["content-type"] == PROBLEM
    assert left(refused, "upload")[0] == 0
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    # Another person behind the same address still has their own allowance.
    other = register_user(client)
    allowed = client.post("/v1/progress/sessions", json=session_payload(), headers=other.headers)
    assert allowed.status_code == 201 and left(allowed, "upload-address")[0] == 7


def test_refresh_counts_per_account_whatever_the_token(client: TestClient) -> None:
    limits(client, refresh_rate_limit=2)
    user = register_user(client)
    token = user.refresh_token
    for _ in range(2):
        answer = client.post("/v1/auth/refresh", json={"refresh_token": token})
        assert answer.status_code == 200
        token = answer.json()["refresh_token"]
    refused = client.post("/v1/auth/refresh", json={"refresh_token": token})
    assert refused.status_code == 429
    assert '"refresh";q=2;w=60' in refused.headers["ratelimit-policy"]
    # A token nobody holds counts only against the address.
    unknown = client.post("/v1/auth/refresh", json={"refresh_token": "x" * 43})
    assert unknown.status_code == 401
    assert '"refresh-address"' in unknown.headers["ratelimit"]


def test_a_second_report_while_one_is_made_is_told_to_retry(client: TestClient) -> None:
    app = limits(client)
    user = register_user(client)
    limiter: Limiter = app.state.rate_limiter
    # The person's report being made by another request (in this or another process).
    with limiter.one_at_a_time(f"report:{user.id}", 60) as held:
        assert held
        for path in ("/v1/me/report/pdf", "/v1/me/report/csv", "/v1/me/report?format=csv"):
            busy = client.get(path, headers=user.headers)
            assert busy.status_code == 429 and busy.headers["retry-after"] == "1", path
            assert busy.headers["content-type"] == PROBLEM
    assert client.get("/v1/me/report/csv", headers=user.headers).status_code == 200


@pytest.mark.parametrize(
    ("path", "setting"),
    [("/v1/me/export", "export_rate_limit"), ("/v1/me/report/csv", "report_rate_limit")],
)
def test_export_and_report_are_limited_per_account(
    client: TestClient, path: str, setting: str
) -> None:
    limits(client, **{setting: 1})
    user = register_user(client)
    assert client.get(path, headers=user.headers).status_code == 200
    refused = client.get(path, headers=user.headers)
    assert refused.status_code == 429
    assert 3500 <= int(refused.headers["retry-after"]) <= 3600
