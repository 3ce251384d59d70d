"""Writes under real concurrency and crashes, against the real server over a socket.

Phones retry uploads on flaky networks, often while the first attempt is still in flight, and
servers get killed. On whichever database the suite runs (SQLite or PostgreSQL), every write
that was acknowledged must be stored exactly once, retries must be answered as repeats,
different content under a used id must be a 409, and nothing may be a 5xx.
"""

import asyncio
import random
import secrets
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.factories import ALL_CONSENTS
from tests.live_server import ServerProcess
from tests.support import fresh_database

pytestmark = pytest.mark.slow

CLIENTS = 20
# A fixed key, as an operator sets it: tokens stay valid when the server is restarted.
SERVER_ENV = {"RATE_LIMIT_ENABLED": "false", "JWT_SECRET": secrets.token_urlsafe(48)}
MOVES = ["cat-camel", "knee-rolls", "hamstring-stretch", "shoulder-rotations"]


@dataclass
class Write:
    """One upload attempt: whose, which id, what body, and what came back."""

    token: str
    session_id: str
    body: dict[str, Any]
    status: int | None = None
    response: dict[str, Any] | None = None


@dataclass
class Account:
    email: str
    token: str
    sent: dict[str, list[Write]] = field(default_factory=lambda: defaultdict(list))


@pytest.fixture(scope="module")
def module_server() -> Iterator[ServerProcess]:
    """One server and database for the module: each test signs up accounts of its own and
    reads back only what those accounts sent, so none depends on what another wrote."""
    with fresh_database() as url:
        # Production password hashing: a sign-up holds SQLite's write lock while it hashes,
        # and these tests are about how writes queue behind one another as deployed.
        process = ServerProcess(url, SERVER_ENV, cheap_password_hashing=False)
        try:
            process.start()
            yield process
        finally:
            process.close()


@pytest.fixture()
def server(module_server: ServerProcess) -> ServerProcess:
    """The module's server, started again if a test before left it down (the crash test
    restarts it itself, unless it failed before then)."""
    if module_server.proc is None or module_server.proc.poll() is not None:
        module_server.start()
    return module_server


def sign_up(base: str, n: int) -> list[Account]:
    accounts = []
    with httpx.Client(base_url=base, timeout=30) as http:
        for _ in range(n):
            email = f"load-{uuid.uuid4().hex[:10]}@example.com"
            password = "correct horse battery"
            body = {"email": email, "password": password, "consents": ALL_CONSENTS}
            created = http.post("/v1/auth/register", json=body)
            assert created.status_code == 201, created.text
            tokens = http.post("/v1/auth/token", data={"username": email, "password": password})
            assert tokens.status_code == 200, tokens.text
            accounts.append(Account(email, tokens.json()["access_token"]))
    return accounts


def session_body(session_id: str, rng: random.Random) -> dict[str, Any]:
    # Within the three weeks before the server's clock (the machine's: a separate process),
    # so that it is in the past at any hour on any date.
    earliest = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(days=21)
    completed = earliest + timedelta(minutes=rng.randrange(30_000))
    moves = rng.sample(MOVES, rng.randint(1, 3))
    return {
        "id": session_id,
        "area": rng.choice(["upper", "mid", "lower"]),
        "started_at": (completed - timedelta(minutes=12)).isoformat(),
        "completed_at": completed.isoformat(),
        "pain_before": rng.randint(0, 6),
        "pain_after": rng.randint(0, 6),
        "exercises": [{"exercise_slug": m, "sets": 1, "reps": 5} for m in moves],
        "notes": f"note {uuid.uuid4().hex}",
    }


def plan_writes(
    accounts: list[Account], rng: random.Random, unique: int, duplicated: int, conflicting: int
) -> list[list[Write]]:
    """Groups of writes to send at the same moment: single uploads, 2-4 identical copies of
    one upload, and pairs with one id but different content."""
    groups: list[list[Write]] = []
    for kind, count in (("unique", unique), ("duplicate", duplicated), ("conflict", conflicting)):
        for _ in range(count):
            account = rng.choice(accounts)
            sid = str(uuid.uuid4())
            body = session_body(sid, rng)
            if kind == "unique":
                group = [Write(account.token, sid, body)]
            elif kind == "duplicate":
                group = [Write(account.token, sid, body) for _ in range(rng.randint(2, 4))]
            else:
                other = {**body, "notes": f"other {uuid.uuid4().hex}"}
                group = [Write(account.token, sid, body), Write(account.token, sid, other)]
            for write in group:
                account.sent[sid].append(write)
            groups.append(group)
    rng.shuffle(groups)
    return groups


async def send(http: httpx.AsyncClient, write: Write) -> None:
    try:
        response = await http.post(
            "/v1/progress/sessions",
            json=write.body,
            headers={"Authorization": f"Bearer {write.token}"},
        )
    except httpx.TransportError:
        write.status = None  # no answer: the client does not know whether it was stored
        return
    write.status = response.status_code
    if response.status_code in (200, 201):
        write.response = response.json()


async def send_all(base: str, groups: list[list[Write]], on_progress: Any = None) -> None:
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    gate = asyncio.Semaphore(CLIENTS)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as http:

        async def run(group: list[Write]) -> None:
            async with gate:
                await asyncio.gather(*(send(http, w) for w in group))
            if on_progress is not None:
                await on_progress()

        await asyncio.gather(*(run(g) for g in groups))


def stored_sessions(base: str, account: Account) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    with httpx.Client(base_url=base, timeout=30) as http:
        while True:
            page = http.get(
                "/v1/progress/sessions",
                params={"limit": 100, "offset": len(rows)},
                headers={"Authorization": f"Bearer {account.token}"},
            )
            assert page.status_code == 200, page.text
            data = page.json()["data"]
            rows.extend(data)
            if len(data) < 100:
                return rows


def check_stored_exactly_once(base: str, accounts: list[Account]) -> Counter[str]:
    """Every acknowledged write is stored once with the acknowledged content; nothing else is
    stored. Returns a tally for the report."""
    tally: Counter[str] = Counter()
    for account in accounts:
        stored = stored_sessions(base, account)
        ids = Counter(row["id"] for row in stored)
        assert all(n == 1 for n in ids.values()), "a session is listed twice"
        by_id = {row["id"]: row for row in stored}
        for sid, writes in account.sent.items():
            statuses = [w.status for w in writes]
            tally.update(str(s) for s in statuses)
            acknowledged = [w for w in writes if w.status in (200, 201)]
            assert all(s is not None and s < 500 for s in statuses), (sid, statuses)
            if not acknowledged:
                assert sid not in by_id, f"{sid} stored without being acknowledged"
                continue
            assert sid in by_id, f"acknowledged {sid} was lost: {statuses}"
            row = by_id[sid]
            for write in acknowledged:
                assert write.body["notes"] == row["notes"], "acknowledged content differs"
                assert write.response == row
            losers = [w for w in writes if w.body["notes"] != row["notes"]]
            assert all(w.status == 409 for w in losers), (sid, statuses)
        assert set(by_id) <= set(account.sent), "a session nobody sent is stored"
        tally["stored"] += len(stored)
    return tally


def test_concurrent_uploads_with_retries_and_conflicts(server: ServerProcess) -> None:
    rng = random.Random(8)
    accounts = sign_up(server.base, 4)
    groups = plan_writes(accounts, rng, unique=300, duplicated=80, conflicting=25)
    writes = [w for g in groups for w in g]
    assert len(writes) >= 500
    asyncio.run(send_all(server.base, groups))

    assert all(w.status is not None for w in writes), server.output()
    assert not [w.status for w in writes if w.status >= 500], server.output()  # type: ignore[operator]
    for group in groups:
        statuses = sorted(w.status for w in group)  # type: ignore[type-var]
        if len(group) == 1:
            assert statuses == [201]
        elif group[0].body == group[1].body:
            assert statuses == [200] * (len(group) - 1) + [201]
        else:
            assert statuses == [201, 409]
    tally = check_stored_exactly_once(server.base, accounts)
    assert tally["stored"] == len(groups)
    print(f"\nconcurrency: {len(writes)} writes, {dict(tally)}")


def test_acknowledged_writes_survive_sigkill_and_retries_store_nothing_twice(
    server: ServerProcess,
) -> None:
    rng = random.Random(9)
    accounts = sign_up(server.base, 3)
    groups = plan_writes(accounts, rng, unique=400, duplicated=40, conflicting=10)
    writes = [w for g in groups for w in g]
    done = 0
    killed = False

    async def kill_mid_load() -> None:
        nonlocal done, killed
        done += 1
        if done >= len(groups) // 3 and not killed:
            killed = True
            await asyncio.get_running_loop().run_in_executor(None, server.kill)

    asyncio.run(send_all(server.base, groups, on_progress=kill_mid_load))
    assert killed
    unanswered = [w for w in writes if w.status is None]
    answered = [w for w in writes if w.status is not None]
    assert unanswered, "the kill came too late to interrupt anything"
    assert not [w.status for w in answered if w.status >= 500]  # type: ignore[operator]

    server.start()
    # The phone retries everything that got no answer, with the same id and content.
    asyncio.run(send_all(server.base, [[w] for w in unanswered]))
    assert all(w.status in (200, 201, 409) for w in unanswered), server.output()
    tally = check_stored_exactly_once(server.base, accounts)
    print(
        f"\ncrash: {len(writes)} writes, {len(answered)} answered before SIGKILL, "
        f"{len(unanswered)} retried after restart, {dict(tally)}"
    )


def test_parallel_writes_of_every_kind_succeed(server: ServerProcess) -> None:
    [account] = sign_up(server.base, 1)
    auth = {"Authorization": f"Bearer {account.token}"}
    routine = {
        "name": "Lunchtime reset",
        "areas": ["lower"],
        "steps": [{"exercise_slug": "knee-rolls", "sets": 1, "reps": 6, "hold_seconds": 3}],
    }
    same_email = f"twin-{uuid.uuid4().hex[:8]}@example.com"

    async def burst() -> dict[str, list[int]]:
        limits = httpx.Limits(max_connections=40)
        async with httpx.AsyncClient(base_url=server.base, timeout=60, limits=limits) as http:
            timezones = ["Europe/Berlin", "America/Chicago", "Asia/Tokyo", "UTC", "Europe/Lisbon"]
            patches = [
                http.patch("/v1/me", json={"timezone": timezones[i % 5]}, headers=auth)
                for i in range(10)
            ]
            routines = [http.post("/v1/routines", json=routine, headers=auth) for _ in range(30)]
            signups = [
                http.post(
                    "/v1/auth/register",
                    json={"email": same_email, "password": "correct horse battery"},
                )
                for _ in range(10)
            ]
            results = await asyncio.gather(*patches, *routines, *signups)
        codes = [r.status_code for r in results]
        return {"patch": codes[:10], "routines": codes[10:40], "signups": codes[40:]}

    codes = asyncio.run(burst())
    assert codes["patch"] == [200] * 10, server.output()
    assert codes["routines"] == [201] * 30, server.output()
    assert sorted(codes["signups"]) == [201] + [409] * 9, server.output()
    mine = httpx.get(f"{server.base}/v1/routines", params={"limit": 100}, headers=auth).json()
    assert sum(1 for r in mine["data"] if not r["curated"]) == 30
