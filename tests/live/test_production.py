"""A production-like deployment on this machine: PostgreSQL, Redis, the one-shot migration
run twice at once, and two production servers of several workers each behind no balancer.
What an operator relies on is checked through the network, as a load balancer would see it."""

import ctypes
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO, Any

import httpx
import pytest
import sqlalchemy as sa
from prometheus_client.parser import text_string_to_metric_families

from app.migrate import MIGRATION_LOCK_KEY
from tests.live_server import free_port, in_ci
from tests.support import BACKEND, fresh_database

pytestmark = pytest.mark.slow

# A Redis database of its own, emptied before the run, so counts left by an earlier run or
# another suite cannot reach these servers' limits.
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
STRONG_KEY = "kP3v9QzL1xR7mT2wB8nY4cF6hJ0dS5gA-uE_oI"
WORKERS = 2
PASSWORD = "correct horse battery"
AUTH_RATE_LIMIT = 5
PR_SET_CHILD_SUBREAPER = 36


def from_client(address: str) -> dict[str, str]:
    """Requests as a load balancer on this machine (a trusted proxy) forwards them for
    `address`, so each test is its own client to the rate limiter. Only a header: nothing
    is sent to that address."""
    return {"X-Forwarded-For": address}


def production_env(database_url: str, **extra: str) -> dict[str, str]:
    return {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "ENVIRONMENT": "production",
        "JWT_SECRET": STRONG_KEY,
        "DATABASE_URL": database_url,
        "RATE_LIMIT_STORAGE_URL": REDIS_URL,
        "LOG_JSON": "true",
        "LOG_LEVEL": "INFO",
        "HOST": "127.0.0.1",
        "WEB_CONCURRENCY": str(WORKERS),
        "SHUTDOWN_GRACE_SECONDS": "15",
        "AUTH_RATE_LIMIT": str(AUTH_RATE_LIMIT),
        "AUTH_RATE_WINDOW_SECONDS": "60",
        "TRUSTED_PROXIES": "127.0.0.1",
        **extra,
    }


def log_lines(log: IO[bytes]) -> list[dict[str, Any]]:
    """Every line a process wrote, each of which must be a JSON object."""
    log.seek(0)
    return [json.loads(line) for line in log.read().decode().splitlines() if line.strip()]


class Server:
    def __init__(self, proc: subprocess.Popen[bytes], base: str, log: IO[bytes]) -> None:
        self.proc = proc
        self.base = base
        self.log = log

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-5000:]


@contextmanager
def production_server(database_url: str, tmp: Path, name: str) -> Iterator[Server]:
    port = free_port()
    log = (tmp / f"{name}.log").open("w+b")
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.serve"],
        env=production_env(database_url, PORT=str(port)),
        cwd=tmp,  # no stray .env joins in
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server = Server(proc, f"http://127.0.0.1:{port}", log)
    try:
        deadline = time.monotonic() + 90
        while True:
            assert proc.poll() is None, f"{name} exited:\n{server.output()}"
            try:
                if httpx.get(f"{server.base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, f"{name} did not become ready:\n{server.output()}"
            time.sleep(0.3)
        yield server
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=30)
        log.close()


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    if BACKEND != "postgresql":
        pytest.skip("production runs on PostgreSQL: run the suite with DATABASE_URL on it")
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).flushdb()
    except Exception as exc:
        if in_ci():
            pytest.fail(f"Redis at {REDIS_URL} is unreachable: {exc}")
        pytest.skip(f"Redis at {REDIS_URL} is unreachable: {exc}")
    with fresh_database() as url:
        yield url


def advisory_waiters(conn: sa.Connection) -> int:
    return int(
        conn.execute(
            sa.text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
                "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            )
        ).scalar_one()
    )


def test_concurrent_migrations_take_turns(database_url: str, tmp_path: Path) -> None:
    """Two releases' migrate jobs at once: one migrates and seeds, the other waits for it and
    then finds nothing to do. The lock is held here first so both are seen waiting."""
    holder = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")
    with ExitStack() as stack:
        conn = stack.enter_context(holder.connect())
        conn.execute(sa.text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATION_LOCK_KEY})
        logs = [stack.enter_context((tmp_path / f"migrate{i}.log").open("w+b")) for i in (1, 2)]
        runs = [
            subprocess.Popen(
                [sys.executable, "-m", "app.migrate"],
                env=production_env(database_url),
                cwd=tmp_path,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            for log in logs
        ]
        deadline = time.monotonic() + 60
        while advisory_waiters(conn) < 2:
            assert all(run.poll() is None for run in runs), [log_lines(log) for log in logs]
            assert time.monotonic() < deadline, "the migrate runs never waited for the lock"
            time.sleep(0.2)
        conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATION_LOCK_KEY})
        assert [run.wait(timeout=120) for run in runs] == [0, 0]
        outcomes = []
        for log in logs:
            lines = log_lines(log)
            messages = [line["message"] for line in lines]
            assert "another migration is running; waiting for it to finish" in messages
            schema = [line for line in lines if "migrated" in line]
            seeds = {line["seed"]: line for line in lines if "seed" in line}
            assert len(schema) == 1 and set(seeds) == {
                "exercises",
                "policies",
                "referrals",
                "routines",
                "outcomes",
            }
            outcomes.append((schema[0]["migrated"], sum(s["created"] for s in seeds.values())))
    holder.dispose()
    first, second = sorted(outcomes, reverse=True)
    assert first[0] is True and first[1] > 0  # migrated and seeded
    assert second == (False, 0)  # found the schema at head and the seed already there


@pytest.fixture(scope="module")
def servers(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Server]]:
    tmp = tmp_path_factory.mktemp("production")
    env = production_env(database_url)
    subprocess.run([sys.executable, "-m", "app.migrate"], env=env, cwd=tmp, check=True)
    with (
        production_server(database_url, tmp, "a") as a,
        production_server(database_url, tmp, "b") as b,
    ):
        yield [a, b]


def sign_up(base: str, address: str) -> str:
    email = f"p-{uuid.uuid4().hex[:12]}@example.com"
    response = httpx.post(
        f"{base}/v1/auth/register",
        json={"email": email, "password": PASSWORD},
        headers=from_client(address),
    )
    assert response.status_code == 201, response.text
    return email


def sign_in(base: str, email: str, address: str, password: str = PASSWORD) -> httpx.Response:
    return httpx.post(
        f"{base}/v1/auth/token",
        data={"username": email, "password": password},
        headers=from_client(address),
    )


def bearer(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_both_servers_serve_the_same_data(servers: list[Server]) -> None:
    a, b = servers
    client = "203.0.113.10"
    email = sign_up(a.base, client)
    on_a, on_b = bearer(sign_in(a.base, email, client)), bearer(sign_in(b.base, email, client))
    routine = {
        "name": "Morning",
        "areas": ["lower"],
        "steps": [{"exercise_slug": "knee-rolls", "sets": 1, "reps": 6, "hold_seconds": 3}],
    }
    created = httpx.post(f"{a.base}/v1/routines", json=routine, headers=on_a)
    assert created.status_code == 201, created.text
    seen = httpx.get(f"{b.base}/v1/routines/{created.json()['id']}", headers=on_b)
    assert seen.status_code == 200
    assert seen.json() == created.json()
    # A token signed by one server is good on the other: they share the key, not memory.
    assert httpx.get(f"{b.base}/v1/me", headers=on_a).json()["email"] == email
    assert httpx.get(f"{a.base}/v1/exercises").json() == httpx.get(f"{b.base}/v1/exercises").json()


def test_the_sign_in_limit_counts_across_both_servers(servers: list[Server]) -> None:
    """Wrong passwords for one account from one client, alternating between the servers:
    the allowance is spent once in total (Redis), not once per server or worker."""
    a, b = servers
    client = "203.0.113.20"
    email = sign_up(a.base, "203.0.113.21")
    answers = [
        sign_in(server.base, email, client, password="wrong password!").status_code
        for server in [a, b] * AUTH_RATE_LIMIT
    ]
    # The sign-up spent one of the account's attempts; one server alone would have allowed
    # AUTH_RATE_LIMIT more, each worker of it too if counts were kept in memory.
    allowed = AUTH_RATE_LIMIT - 1
    assert answers == [401] * allowed + [429] * (2 * AUTH_RATE_LIMIT - allowed)
    # Another client and account are still welcome on either server.
    other = sign_up(b.base, "203.0.113.22")
    assert sign_in(a.base, other, "203.0.113.22").status_code == 200


def healthz_total(base: str) -> float:
    text = httpx.get(f"{base}/metrics").text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            labels = sample.labels
            if (
                sample.name == "http_requests_total"
                and labels.get("route") == "/healthz"
                and labels.get("status") == "200"
            ):
                return sample.value
    return 0.0


def test_metrics_add_up_across_workers(servers: list[Server]) -> None:
    """Whichever worker answers the scrape, it reports every worker's requests."""
    server = servers[0]
    before = healthz_total(server.base)
    sent = 0
    pids: set[int] = set()
    # New connections until requests have landed on more than one worker (the kernel picks).
    while len(pids) < WORKERS and sent < 400:
        for _ in range(20):
            assert httpx.get(f"{server.base}/healthz").status_code == 200
            sent += 1
        pids = {
            line["pid"]
            for line in log_lines(server.log)
            if line.get("logger") == "app.access" and line.get("path") == "/healthz"
        }
    assert len(pids) == WORKERS
    for _ in range(5):  # each scrape may be answered by a different worker
        assert healthz_total(server.base) - before == sent


def test_every_line_either_server_wrote_is_json(servers: list[Server]) -> None:
    for server in servers:
        lines = log_lines(server.log)
        loggers = {line["logger"] for line in lines}
        assert {"uvicorn.error", "app.access"} <= loggers
        for line in lines:
            assert {"timestamp", "level", "logger", "message", "pid"} <= set(line)


def children_of(pid: int) -> set[int]:
    kids = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                kids.add(int(entry.name))
    return kids


@pytest.fixture()
def subreaper() -> Iterator[None]:
    """Orphans of this test's processes come to this process instead of the machine's init,
    which may or may not stop them: like a normal init, this one leaves them running."""
    if not sys.platform.startswith("linux"):
        pytest.skip("needs Linux")
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    try:
        yield
    finally:
        libc.prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0)


def test_workers_do_not_outlive_a_killed_supervisor(
    database_url: str, tmp_path: Path, subreaper: None
) -> None:
    """SIGKILL (an out-of-memory kill) gives the supervisor no chance to stop its workers;
    they stop on their own instead of serving a port nothing manages any more."""
    subprocess.run(
        [sys.executable, "-m", "app.migrate"],
        env=production_env(database_url),
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    with production_server(database_url, tmp_path, "killed") as server:
        workers = children_of(server.proc.pid)
        assert len(workers) >= WORKERS
        server.proc.send_signal(signal.SIGKILL)
        server.proc.wait(timeout=30)
        deadline = time.monotonic() + 30
        running = set(workers)
        try:
            while running and time.monotonic() < deadline:
                for pid in list(running):
                    try:
                        if os.waitpid(pid, os.WNOHANG)[0]:
                            running.discard(pid)
                    except ChildProcessError:
                        pass  # not handed to this process yet
                time.sleep(0.2)
        finally:
            for pid in running:  # stop what should have stopped itself
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
        assert running == set(), "workers still running after their supervisor was killed"
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"{server.base}/healthz")


def test_sigterm_lets_an_in_flight_request_finish(servers: list[Server]) -> None:
    """Last, as it stops a server: a sign-up whose body is still arriving when SIGTERM comes
    is completed and stored, and then the server exits cleanly."""
    leaving, staying = servers
    client = "203.0.113.30"
    email = f"p-{uuid.uuid4().hex[:12]}@example.com"
    body = json.dumps({"email": email, "password": PASSWORD}).encode()
    headers_sent = threading.Event()
    terminated = threading.Event()

    def slow_body() -> Iterator[bytes]:
        yield body[:10]
        headers_sent.set()
        terminated.wait(timeout=60)
        yield body[10:]

    result: dict[str, httpx.Response | Exception] = {}

    def send() -> None:
        try:
            result["response"] = httpx.post(
                f"{leaving.base}/v1/auth/register",
                content=slow_body(),
                headers={"Content-Type": "application/json"},
                timeout=60,
            )
        except httpx.HTTPError as exc:  # the server dropped the request
            result["response"] = exc

    sender = threading.Thread(target=send)
    sender.start()
    assert headers_sent.wait(timeout=30)
    leaving.proc.send_signal(signal.SIGTERM)
    # Every worker has begun shutting down before the rest of the body goes.
    deadline = time.monotonic() + 30
    while sum(line["message"] == "Shutting down" for line in log_lines(leaving.log)) < WORKERS:
        assert time.monotonic() < deadline, leaving.output()
        time.sleep(0.1)
    terminated.set()
    sender.join(timeout=60)
    response = result["response"]
    assert isinstance(response, httpx.Response), f"request cut off: {response!r}"
    assert response.status_code == 201, response.text
    assert leaving.proc.wait(timeout=60) == 0
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{leaving.base}/healthz")
    assert sign_in(staying.base, email, client).status_code == 200
