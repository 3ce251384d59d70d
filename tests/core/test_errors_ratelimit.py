"""Sign-in limits: the moving window from `limits`, per address and per account, in memory and
in Redis, and the client address behind trusted proxies."""

import ipaddress
import time
import uuid

import pytest
import redis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from time_machine import TimeMachineFixture

from app.core.config import Settings, parse_networks
from app.core.ratelimit import (
    AUTH_BUCKET,
    Limiter,
    PrunedMemoryStorage,
    account_key,
    build_limiter,
    client_address,
)
from tests.factories import small_limiter

REDIS_URL = "redis://127.0.0.1:6379/15"


def redis_available() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


# The clock stands still: the window is measured, not the machine's speed.
@pytest.mark.time_machine("2026-11-24T12:00:00Z", tick=False)
def test_allows_the_limit_then_says_how_long_to_wait() -> None:
    limiter = small_limiter(limit=3, window_seconds=60)
    assert all(limiter.hit(AUTH_BUCKET, "addr:a") is None for _ in range(3))
    wait = limiter.hit(AUTH_BUCKET, "addr:a")
    assert wait is not None and 55 < wait <= 60


def test_refused_attempts_are_not_counted(time_machine: TimeMachineFixture) -> None:
    # Every attempt at one instant, then the clock moved past the window: none of it depends
    # on how fast the machine is.
    time_machine.move_to("2026-11-24T12:00:00Z", tick=False)
    limiter = small_limiter(limit=1, window_seconds=1)
    assert limiter.hit(AUTH_BUCKET, "addr:a") is None
    for _ in range(20):
        assert limiter.hit(AUTH_BUCKET, "addr:a") is not None
    time_machine.shift(1.1)
    # Had the refusals counted, the window would still be full.
    assert limiter.hit(AUTH_BUCKET, "addr:a") is None


def test_every_key_must_have_room_and_the_longest_wait_wins() -> None:
    limiter = small_limiter(limit=2, window_seconds=60)
    assert limiter.hit(AUTH_BUCKET, "addr:a", "account:x") is None
    assert limiter.hit(AUTH_BUCKET, "addr:b", "account:x") is None
    # A third address, but the same account: refused.
    assert limiter.hit(AUTH_BUCKET, "addr:c", "account:x") is not None
    # The third address was not charged for the refused attempt.
    assert limiter.hit(AUTH_BUCKET, "addr:c", "account:y") is None


def test_disabled_limiter_allows_everything() -> None:
    limiter = build_limiter(Settings(rate_limit_enabled=False))
    assert all(limiter.hit(AUTH_BUCKET, "addr:a") is None for _ in range(100))


def test_memory_stays_bounded_by_the_keys_in_the_window() -> None:
    storage = PrunedMemoryStorage()
    limiter = Limiter(storage, small_limiter(1, 1).items)
    for i in range(100_000):
        limiter.hit(AUTH_BUCKET, f"addr:{i}")
    assert 0 < len(storage.events) <= 100_000
    # Every key leaves once its one-second window has passed, with no further traffic.
    deadline = time.monotonic() + 10
    # (Both maps: the sweeper drops a key's events, then its lock.)
    while (storage.events or storage.locks) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(storage.events) == 0 and len(storage.locks) == 0


@pytest.mark.skipif(not redis_available(), reason="Redis is not running at 127.0.0.1:6379")
def test_redis_storage_is_shared_by_every_process_that_uses_it() -> None:
    settings = Settings(rate_limit_storage_url=REDIS_URL, auth_rate_limit=3)
    first, second = build_limiter(settings), build_limiter(settings)  # two workers
    key = f"addr:{uuid.uuid4()}"
    assert first.hit(AUTH_BUCKET, key) is None
    assert second.hit(AUTH_BUCKET, key) is None
    assert first.hit(AUTH_BUCKET, key) is None
    assert second.hit(AUTH_BUCKET, key) is not None


def test_unreachable_storage_refuses_sign_in_with_503(client: TestClient) -> None:
    app = client.app
    assert isinstance(app, FastAPI)
    # Nothing listens on port 1: every check fails at once.
    app.state.rate_limiter = build_limiter(Settings(rate_limit_storage_url="redis://127.0.0.1:1/0"))
    response = client.post(
        "/v1/auth/token", data={"username": "ana@example.com", "password": "whatever123"}
    )
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"] == "5"


PROXIES = parse_networks("10.0.0.0/8, 192.168.1.1")


@pytest.mark.parametrize(
    ("peer", "forwarded", "trusted", "expected"),
    [
        # No trusted proxies: the header is the client's own words and is ignored.
        ("203.0.113.9", "198.51.100.1", (), "203.0.113.9"),
        # An untrusted peer cannot pick its address either.
        ("203.0.113.9", "198.51.100.1", PROXIES, "203.0.113.9"),
        # Through one trusted proxy: the address it saw.
        ("10.1.2.3", "198.51.100.1", PROXIES, "198.51.100.1"),
        # The client prepends a fake; the proxy appends the real one, which wins.
        ("10.1.2.3", "1.1.1.1, 198.51.100.1", PROXIES, "198.51.100.1"),
        # Two trusted hops.
        ("10.1.2.3", "198.51.100.1, 192.168.1.1", PROXIES, "198.51.100.1"),
        ("10.1.2.3", None, PROXIES, "10.1.2.3"),
    ],
)
def test_client_address_believes_only_trusted_proxies(
    peer: str,
    forwarded: str | None,
    trusted: tuple[ipaddress.IPv4Network, ...],
    expected: str,
) -> None:
    assert client_address(peer, forwarded, trusted) == expected


def test_account_keys_ignore_case_and_hold_no_email() -> None:
    key = account_key(" Ana@Example.com ")
    assert key == account_key("ana@example.com")
    assert key is not None and "ana" not in key
    assert account_key("") is None and account_key(None) is None and account_key(3) is None


def test_one_account_from_many_addresses_is_limited(client: TestClient) -> None:
    app = client.app
    assert isinstance(app, FastAPI)
    app.state.rate_limiter = small_limiter(limit=3, window_seconds=60)
    saved = app.state.trusted_proxies
    app.state.trusted_proxies = parse_networks("10.0.0.0/8")
    statuses = []
    try:
        # Behind a trusted proxy, each attempt comes from another address.
        with TestClient(app, raise_server_exceptions=False, client=("10.0.0.2", 4000)) as proxy:
            for i in range(4):
                response = proxy.post(
                    "/v1/auth/token",
                    data={"username": "Target@example.com", "password": f"guess-{i}-xxxx"},
                    headers={"X-Forwarded-For": f"198.51.100.{i + 1}"},
                )
                statuses.append(response.status_code)
            # Another account from a fresh address still gets in line.
            other = proxy.post(
                "/v1/auth/token",
                data={"username": "someone@example.com", "password": "guess-xxxx"},
                headers={"X-Forwarded-For": "198.51.100.50"},
            )
    finally:
        app.state.trusted_proxies = saved
    assert statuses == [401, 401, 401, 429]
    assert other.status_code == 401


def test_one_address_trying_many_accounts_is_limited(client: TestClient) -> None:
    app = client.app
    assert isinstance(app, FastAPI)
    app.state.rate_limiter = small_limiter(limit=2, window_seconds=60)
    statuses = [
        client.post(
            "/v1/auth/token", data={"username": f"u{i}@example.com", "password": "guess-xxxx"}
        ).status_code
        for i in range(3)
    ]
    assert statuses == [401, 401, 429]
