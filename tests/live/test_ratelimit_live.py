"""The sign-in limit under a burst: two worker processes counting in one Redis allow exactly
the limit, however many guesses arrive at once."""

import ipaddress
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterator

import httpx
import pytest
import redis

from tests.factories import ALL_CONSENTS
from tests.live_server import ServerProcess, missing_tool
from tests.support import fresh_database

pytestmark = pytest.mark.slow

REDIS_URL = "redis://127.0.0.1:6379/14"
LIMIT = 10
# Long enough that no burst, however slow the machine, outlives the window.
WINDOW_SECONDS = 3600


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        missing_tool(f"no Redis at {REDIS_URL}")
    env = {
        "WEB_CONCURRENCY": "2",
        "RATE_LIMIT_STORAGE_URL": REDIS_URL,
        "AUTH_RATE_LIMIT": str(LIMIT),
        "AUTH_RATE_WINDOW_SECONDS": str(WINDOW_SECONDS),
        # Each test is its own client address (X-Forwarded-For from the local proxy), so
        # counts left in the shared Redis by other runs never meet its own.
        "TRUSTED_PROXIES": "127.0.0.1",
    }
    with fresh_database() as url:
        server = ServerProcess(url, env)
        try:
            server.start()
            yield server.base
        finally:
            server.close()


def burst(base: str, count: int, send: Callable[[httpx.Client], httpx.Response]) -> Counter[int]:
    ready = threading.Barrier(count, timeout=60)
    statuses: list[int] = [0] * count

    def run(slot: int) -> None:
        with httpx.Client(base_url=base, timeout=60) as http:
            http.get("/healthz")
            ready.wait()
            statuses[slot] = send(http).status_code

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return Counter(statuses)


def unique_address() -> str:
    """An address of the documentation range no other run uses."""
    return str(ipaddress.IPv6Address((0x20010DB8 << 96) | (uuid.uuid4().int >> 32)))


@pytest.mark.parametrize("guesses", [40, 60])
def test_a_burst_of_guesses_at_one_account_gets_exactly_the_limit(base: str, guesses: int) -> None:
    headers = {"X-Forwarded-For": unique_address()}
    email = f"burst-{uuid.uuid4().hex[:10]}@example.com"
    form = {"username": email, "password": "not the password"}
    tally = burst(
        base, guesses, lambda http: http.post("/v1/auth/token", data=form, headers=headers)
    )
    assert tally == {401: LIMIT, 429: guesses - LIMIT}


def test_a_burst_of_sign_ups_from_one_address_gets_exactly_the_limit(base: str) -> None:
    headers = {"X-Forwarded-For": unique_address()}

    def sign_up(http: httpx.Client) -> httpx.Response:
        body = {
            "email": f"burst-{uuid.uuid4().hex[:10]}@example.com",
            "password": "correct horse battery",
            "consents": ALL_CONSENTS,
        }
        return http.post("/v1/auth/register", json=body, headers=headers)

    tally = burst(base, 40, sign_up)
    assert tally == {201: LIMIT, 429: 40 - LIMIT}
