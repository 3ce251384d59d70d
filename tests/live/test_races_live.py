"""Requests that race one another, against the real server with two worker processes: the
database settles each race, so no request is a 500 and no limit is exceeded.

- Copies of one check-in sent at once store it once (201, then 200 for each copy).
- One push token registered by several accounts at once ends with exactly one of them.
- Different check-ins for one day sent at once each replace the day's check-in (201), never a
  409, which the contract keeps for "same id, other content"; one check-in is left.
- The plan limit holds when many plans are created at once.
- A late retry of a session deleted since is a 410: it does not come back.
"""

import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from app.plans.schemas import MAX_PLANS
from app.routines.models import curated_routine_id
from tests.factories import AuthUser, register_user
from tests.live_server import ServerProcess
from tests.support import fresh_database

pytestmark = pytest.mark.slow

AT_ONCE = 24


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with fresh_database() as url:
        server = ServerProcess(url, {"WEB_CONCURRENCY": "2", "AUTH_RATE_LIMIT": "1000"})
        try:
            server.start()
            yield server.base
        finally:
            server.close()


def at_once(base: str, requests: list[Callable[[httpx.Client], httpx.Response]]) -> list[int]:
    """Send every request on its own connection, all released together; their statuses."""
    ready = threading.Barrier(len(requests), timeout=30)
    statuses: list[int] = [0] * len(requests)

    def run(slot: int) -> None:
        with httpx.Client(base_url=base, timeout=60) as http:
            http.get("/healthz")  # connected before the start
            ready.wait()
            statuses[slot] = requests[slot](http).status_code

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    return statuses


def sign_up(base: str) -> AuthUser:
    with httpx.Client(base_url=base, timeout=30) as http:
        return register_user(http)  # type: ignore[arg-type]


def test_one_push_token_registered_by_many_accounts_at_once(base: str) -> None:
    accounts = [sign_up(base) for _ in range(6)]
    for _ in range(3):
        token = f"tok-{uuid.uuid4().hex}"
        body = {"token": token, "platform": "ios", "app_version": "2.3.1", "locale": "de-DE"}
        statuses = at_once(base, [register_device(accounts[i % 6], body) for i in range(AT_ONCE)])
        assert set(statuses) <= {200, 201}, Counter(statuses)
        with httpx.Client(base_url=base, timeout=30) as http:
            held = [
                [d["token"] for d in http.get("/v1/me/devices", headers=u.headers).json()["data"]]
                for u in accounts
            ]
        assert sum(token in tokens for tokens in held) == 1


def register_device(user: AuthUser, body: dict[str, Any]) -> Callable[[httpx.Client], Any]:
    return lambda http: http.post("/v1/me/devices", json=body, headers=user.headers)


def test_different_checkins_for_one_day_at_once_each_replace(base: str) -> None:
    user = sign_up(base)

    def post(pain: int) -> Callable[[httpx.Client], httpx.Response]:
        body: dict[str, Any] = {
            "id": str(uuid.uuid4()),
            "recorded_at": f"2026-11-23T{10 + pain % 10:02d}:15:00Z",
            "pain": pain % 11,
            "notes": f"entry {pain}",
        }
        return lambda http: http.post("/v1/checkins", json=body, headers=user.headers)

    statuses = at_once(base, [post(i) for i in range(AT_ONCE)])
    assert Counter(statuses) == {201: AT_ONCE}
    with httpx.Client(base_url=base, timeout=30) as http:
        listed = http.get("/v1/checkins", headers=user.headers).json()
    assert listed["count"] == 1


def test_copies_of_one_checkin_at_once_store_it_once(base: str) -> None:
    user = sign_up(base)
    body = {"id": str(uuid.uuid4()), "recorded_at": "2026-11-20T08:00:00Z", "pain": 3}
    statuses = at_once(
        base,
        [lambda http: http.post("/v1/checkins", json=body, headers=user.headers)] * AT_ONCE,
    )
    assert Counter(statuses) == {201: 1, 200: AT_ONCE - 1}
    with httpx.Client(base_url=base, timeout=30) as http:
        listed = http.get("/v1/checkins", headers=user.headers).json()
    assert [c["id"] for c in listed["data"]] == [body["id"]]


def test_a_late_retry_of_a_deleted_session_is_gone(base: str) -> None:
    user = sign_up(base)
    body = {
        "id": str(uuid.uuid4()),
        "area": "lower",
        "started_at": "2026-11-20T07:30:00Z",
        "completed_at": "2026-11-20T07:42:00Z",
        "pain_before": 6,
        "pain_after": 3,
        "exercises": [{"exercise_slug": "knee-rolls", "sets": 1, "reps": 8}],
    }
    with httpx.Client(base_url=base, timeout=30, headers=user.headers) as http:
        first = http.get("/v1/progress/sessions").json()
        assert http.post("/v1/progress/sessions", json=body).status_code == 201
        assert http.delete(f"/v1/progress/sessions/{body['id']}").status_code == 204
        retried = http.post("/v1/progress/sessions", json=body)
        assert retried.status_code == 410, retried.text
        listed = http.get("/v1/progress/sessions").json()
        assert listed["count"] == 0
        changes = http.get(
            "/v1/progress/sessions", params={"changed_since": first["sync_token"]}
        ).json()
        assert changes["data"] == []
        assert [gone["id"] for gone in changes["deleted"]] == [body["id"]]


def test_the_plan_limit_holds_under_a_burst(base: str) -> None:
    user = sign_up(base)
    body = {
        "routine_id": str(curated_routine_id("mid-back-mobility")),
        "weekdays": ["mon", "wed", "fri"],
        "local_time": "07:30",
        "start_date": "2026-06-01",
    }
    count = MAX_PLANS + 10
    statuses = at_once(
        base,
        [lambda http: http.post("/v1/plans", json=body, headers=user.headers)] * count,
    )
    tally = Counter(statuses)
    assert set(tally) <= {201, 409, 422}, tally
    assert tally[201] == MAX_PLANS
    with httpx.Client(base_url=base, timeout=30) as http:
        listed = http.get("/v1/plans", params={"limit": 100}, headers=user.headers).json()
    assert listed["count"] == MAX_PLANS
