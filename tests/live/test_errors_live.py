"""The error contract over a real socket (uvicorn), where bodies really arrive in chunks."""

from collections.abc import Iterator

import httpx
import pytest

from app.contract.versioning import API_VERSION

PROBLEM = "application/problem+json"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def base_url(live_base_url: str) -> str:
    return live_base_url


def chunks(count: int) -> Iterator[bytes]:
    yield b'{"area": "lower", "pain_level": 3, "red_flags": [], "cautions": [], "notes": "'
    for _ in range(count):
        yield b"x" * 65536
    yield b'"}'


def test_streamed_body_over_the_limit_is_cut_off_with_413(base_url: str) -> None:
    response = httpx.post(
        f"{base_url}/v1/recommendations",
        content=chunks(40),
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    assert response.request.headers["transfer-encoding"] == "chunked"
    assert response.status_code == 413
    assert response.headers["content-type"] == PROBLEM
    assert response.headers["api-version"] == API_VERSION


def test_streamed_body_under_the_limit_reaches_validation(base_url: str) -> None:
    response = httpx.post(
        f"{base_url}/v1/recommendations",
        content=chunks(2),
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    # Read in full and validated: the extra field is named, nothing was lost on the way.
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["body.notes"]


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("GET", "/v1/nowhere", None, 404),
        ("PUT", "/v1/exercises", None, 405),
        ("POST", "/v1/recommendations", b'{"area": ', 400),
        ("GET", "/v1/exercises?limit=1000", None, 422),
        ("GET", "/v1/me", None, 401),
    ],
)
def test_framework_errors_are_problems_on_the_wire(
    base_url: str, method: str, path: str, body: bytes | None, status: int
) -> None:
    response = httpx.request(
        method,
        base_url + path,
        content=body,
        headers={"Content-Type": "application/json"} if body else {},
    )
    assert response.status_code == status
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["status"] == status
    assert response.headers["api-version"] == API_VERSION
