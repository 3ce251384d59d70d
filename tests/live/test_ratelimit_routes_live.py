"""The limits of refresh, uploads, export and the report under load: two worker processes
counting in one Redis refuse exactly what is over the limit, each refusal a 429 with
`Retry-After` and the `RateLimit` and `RateLimit-Policy` headers naming the policy."""

import re
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterator

import httpx
import pytest
import redis

from tests.factories import AuthUser, register_user, session_payload
from tests.live.test_ratelimit_live import unique_address
from tests.live_server import ServerProcess, missing_tool
from tests.support import fresh_database

pytestmark = pytest.mark.slow

REDIS_URL = "redis://127.0.0.1:6379/14"
PER_ACCOUNT = 4
UPLOAD_PER_ADDRESS = 6
BURST = 12


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        missing_tool(f"no Redis at {REDIS_URL}")
    env = {
        "WEB_CONCURRENCY": "2",
        "RATE_LIMIT_STORAGE_URL": REDIS_URL,
        # Counts left in the shared Redis by other runs never meet this server's.
        "RATE_LIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        "AUTH_RATE_LIMIT": "1000",
        "REFRESH_RATE_LIMIT": str(PER_ACCOUNT),
        "UPLOAD_RATE_LIMIT": str(PER_ACCOUNT),
        "UPLOAD_ADDRESS_RATE_LIMIT": str(UPLOAD_PER_ADDRESS),
        "EXPORT_RATE_LIMIT": str(PER_ACCOUNT),
        "REPORT_RATE_LIMIT": str(PER_ACCOUNT),
        # Each test is its own client address (X-Forwarded-For from the local proxy).
        "TRUSTED_PROXIES": "127.0.0.1",
    }
    with fresh_database() as url:
        server = ServerProcess(url, env)
        try:
            server.start()
            yield server.base
        finally:
            server.close()


def burst(
    base: str, count: int, send: Callable[[httpx.Client, int], httpx.Response]
) -> list[httpx.Response]:
    """`count` requests at once, each on its own connection, so both workers take some."""
    ready = threading.Barrier(count, timeout=60)
    answers: list[httpx.Response | None] = [None] * count

    def run(slot: int) -> None:
        with httpx.Client(base_url=base, timeout=60) as http:
            http.get("/healthz")
            ready.wait()
            answers[slot] = send(http, slot)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(answer is not None for answer in answers)
    return [answer for answer in answers if answer is not None]


def person(base: str, address: str) -> AuthUser:
    with httpx.Client(base_url=base, headers={"X-Forwarded-For": address}) as http:
        return register_user(http)  # type: ignore[arg-type]


def assert_refused_by(response: httpx.Response, policy: str, quota: int, window: int) -> None:
    assert response.status_code == 429, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert 1 <= int(response.headers["retry-after"]) <= window
    assert f'"{policy}";q={quota};w={window}' in response.headers["ratelimit-policy"]
    left = re.search(rf'"{policy}";r=(\d+);t=(\d+)', response.headers["ratelimit"])
    assert left is not None, response.headers["ratelimit"]
    assert left.group(1) == "0" and 1 <= int(left.group(2)) <= window


def tally(answers: list[httpx.Response]) -> Counter[int]:
    return Counter(answer.status_code for answer in answers)


def test_a_burst_of_refreshes_for_one_account_gets_the_limit(base: str) -> None:
    address = unique_address()
    user = person(base, address)
    headers = {"X-Forwarded-For": address}
    # The same token each time: the first exchange works, the rest are reuse (401); every
    # one counts against the account the token belongs to.
    answers = burst(
        base,
        BURST,
        lambda http, _: http.post(
            "/v1/auth/refresh", json={"refresh_token": user.refresh_token}, headers=headers
        ),
    )
    counted = tally(answers)
    assert counted[429] == BURST - PER_ACCOUNT, counted
    assert counted[200] == 1 and counted[401] == PER_ACCOUNT - 1, counted
    for answer in answers:
        if answer.status_code == 429:
            assert_refused_by(answer, "refresh", PER_ACCOUNT, 60)


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/v1/progress/sessions", lambda slot: session_payload(id=str(uuid.uuid4()))),
        (
            "/v1/checkins",
            lambda slot: {"recorded_at": f"2026-11-{slot + 1:02d}T21:15:00-05:00", "pain": 4},
        ),
        (
            "/v1/outcomes/peg/responses",
            lambda slot: {
                "answered_at": f"2026-11-{slot + 1:02d}T09:00:00Z",
                "pain": 6,
                "enjoyment": 6,
                "activity": 6,
            },
        ),
    ],
)
def test_a_burst_of_uploads_from_one_account_gets_the_limit(
    base: str, path: str, body: Callable[[int], dict]
) -> None:
    address = unique_address()
    user = person(base, address)
    headers = {"X-Forwarded-For": address, **user.headers}
    answers = burst(
        base, BURST, lambda http, slot: http.post(path, json=body(slot), headers=headers)
    )
    counted = tally(answers)
    assert counted[429] == BURST - PER_ACCOUNT, counted
    assert counted[201] == PER_ACCOUNT, counted
    for answer in answers:
        if answer.status_code == 429:
            assert_refused_by(answer, "upload", PER_ACCOUNT, 60)


def test_uploads_from_many_accounts_on_one_address_get_the_address_limit(base: str) -> None:
    address = unique_address()
    people = [person(base, address) for _ in range(3)]
    answers = burst(
        base,
        BURST,
        lambda http, slot: http.post(
            "/v1/progress/sessions",
            json=session_payload(id=str(uuid.uuid4())),
            headers={"X-Forwarded-For": address, **people[slot % 3].headers},
        ),
    )
    counted = tally(answers)
    # Three people of four uploads each could store twelve; the address allows six.
    assert counted == {201: UPLOAD_PER_ADDRESS, 429: BURST - UPLOAD_PER_ADDRESS}, counted
    for answer in answers:
        if answer.status_code == 429:
            assert_refused_by(answer, "upload-address", UPLOAD_PER_ADDRESS, 60)


def test_a_burst_of_exports_gets_the_limit(base: str) -> None:
    address = unique_address()
    user = person(base, address)
    headers = {"X-Forwarded-For": address, **user.headers}
    answers = burst(base, BURST, lambda http, _: http.get("/v1/me/export", headers=headers))
    assert tally(answers) == {200: PER_ACCOUNT, 429: BURST - PER_ACCOUNT}
    for answer in answers:
        if answer.status_code == 429:
            assert_refused_by(answer, "export", PER_ACCOUNT, 3600)


def test_the_report_paths_share_one_limit(base: str) -> None:
    address = unique_address()
    user = person(base, address)
    headers = {"X-Forwarded-For": address, **user.headers}
    paths = ["/v1/me/report/pdf", "/v1/me/report/csv", "/v1/me/report?format=csv"] * 3
    # One after another (a report at a time is the other rule), each on a new connection so
    # that both workers answer some.
    answers = []
    for path in paths:
        with httpx.Client(base_url=base, timeout=60) as http:
            answers.append(http.get(path, headers=headers))
    assert [a.status_code for a in answers] == [200] * PER_ACCOUNT + [429] * (
        len(paths) - PER_ACCOUNT
    )
    for answer in answers[PER_ACCOUNT:]:
        assert_refused_by(answer, "report", PER_ACCOUNT, 3600)
