"""When the database is down, hangs, or is not seeded, callers get a 503 problem with
Retry-After within the configured timeouts, never a 500 and never a hang."""

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from app.core import db
from app.core.config import Environment, Settings, get_settings
from app.core.ratelimit import install_rate_limiting
from app.main import app
from tests.support import fresh_database

FAST = Settings(
    environment=Environment.DEVELOPMENT,
    database_connect_timeout_seconds=2,
    database_pool_timeout_seconds=1,
    readiness_timeout_seconds=1,
)


AppOn = Callable[[str], TestClient]


class SilentServer:
    """Accepts TCP connections and never says a word, like a database host that has hung."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(50)
        self.port = self.sock.getsockname()[1]
        self.held: list[socket.socket] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        self.sock.settimeout(0.2)
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
                self.held.append(conn)
            except OSError:
                continue

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=5)
        for conn in self.held:
            conn.close()
        self.sock.close()


@pytest.fixture()
def app_on(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], TestClient]]:
    """Point the app's engine at a database URL of the test's choosing."""
    engines = []

    def use(url: str) -> TestClient:
        engine = db.make_engine(url, FAST)
        engines.append(engine)
        monkeypatch.setattr(db, "_engine", engine)
        monkeypatch.setattr(db, "_writing_engine", None)
        get_settings.cache_clear()
        monkeypatch.setattr("app.health.router.get_settings", lambda: FAST)
        install_rate_limiting(app, FAST)
        return TestClient(app, raise_server_exceptions=False)

    yield use
    for engine in engines:
        engine.dispose()
    get_settings.cache_clear()


DATA_REQUESTS = [
    ("GET", "/v1/exercises", None),
    ("GET", "/v1/exercises/knee-rolls", None),
    ("GET", "/v1/routines", None),
    (
        "POST",
        "/v1/recommendations",
        {"area": "lower", "pain_level": 3, "red_flags": [], "cautions": []},
    ),
    ("POST", "/v1/auth/register", {"email": "down@example.com", "password": "long enough 1"}),
]


def assert_unavailable(response: httpx.Response, elapsed: float, within: float) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert int(response.headers["retry-after"]) >= 1
    assert "Traceback" not in response.text
    # Not a speed measurement: a hung request would take as long as the client lets it.
    assert elapsed < within, f"took {elapsed:.1f} s"


@pytest.mark.parametrize(("method", "path", "body"), DATA_REQUESTS)
def test_unreachable_database_is_a_503(app_on: AppOn, method: str, path: str, body: object) -> None:
    # Nothing listens on port 1 of this machine: the connection is refused at once.
    client = app_on("postgresql+psycopg://postgres@127.0.0.1:1/none")
    started = time.monotonic()
    response = client.request(method, path, json=body)
    assert_unavailable(response, time.monotonic() - started, within=10)


def test_hanging_database_is_a_503_within_the_connect_timeout(app_on: AppOn) -> None:
    silent = SilentServer()
    try:
        client = app_on(f"postgresql+psycopg://postgres@127.0.0.1:{silent.port}/none")

        def timed_get(path: str) -> tuple[httpx.Response, float]:
            # How long this request took, read when it ends: the other may end later.
            started = time.monotonic()
            response = client.get(path)
            return response, time.monotonic() - started

        # Both at once: each waits out a timeout, and neither waits for the other.
        with ThreadPoolExecutor(2) as pool:
            data = pool.submit(timed_get, "/v1/exercises")
            readiness = pool.submit(timed_get, "/readyz")
            assert_unavailable(*data.result(), within=10)
            # The readiness probe answers within its own, shorter timeout.
            response, took = readiness.result()
        assert_unavailable(response, took, within=FAST.readiness_timeout_seconds + 1.5)
        assert "did not answer" in response.json()["detail"]
    finally:
        silent.close()


def test_readyz_is_503_on_a_migrated_but_unseeded_database(
    app_on: AppOn, migrated_template: str
) -> None:
    with fresh_database(template=migrated_template) as url:
        client = app_on(url)
        started = time.monotonic()
        response = client.get("/readyz")
        assert_unavailable(response, time.monotonic() - started, within=10)
        assert "seed" in response.json()["detail"]


class PausableProxy:
    """A TCP proxy to the real database that the test can make stop forwarding, in both
    directions, without closing anything: the database as seen across a network that went
    silent. Connections made before the pause stay open, as pooled ones do."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(50)
        self.port = self.sock.getsockname()[1]
        self.forwarding = threading.Event()
        self.forwarding.set()
        self.closing = threading.Event()
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        self.sock.settimeout(0.2)
        while not self.closing.is_set():
            try:
                client, _ = self.sock.accept()
            except OSError:
                continue
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                # Read, then held here for as long as the pause lasts: never delivered.
                while not self.forwarding.is_set():
                    if self.closing.wait(0.1):
                        return
                sink.sendall(data)
        except OSError:
            pass

    def close(self) -> None:
        self.closing.set()
        self.forwarding.set()
        for sock in [self.sock, *self.sockets]:
            sock.close()


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgresql"),
    reason="the statement deadline of PostgreSQL connections",
)
def test_a_database_gone_silent_is_a_503_on_a_pooled_connection(
    app_on: AppOn, database_url: str
) -> None:
    url = make_url(database_url)
    proxy = PausableProxy(url.host or "127.0.0.1", url.port or 5432)
    try:
        client = app_on(url.set(host="127.0.0.1", port=proxy.port).render_as_string(False))
        assert client.get("/v1/exercises").status_code == 200  # a connection is pooled
        proxy.forwarding.clear()
        result: list[httpx.Response] = []
        # A sign-up must ask the database (a catalog read may be answered from memory).
        body = {"email": "silent@example.com", "password": "long enough 1"}
        request = threading.Thread(
            target=lambda: result.append(client.post("/v1/auth/register", json=body))
        )
        started = time.monotonic()
        request.start()
        # The pause never ends while the request waits: only a deadline can answer it.
        request.join(timeout=60)
        assert not request.is_alive(), "the request waited for as long as the silence lasted"
        assert_unavailable(
            result[0],
            time.monotonic() - started,
            within=FAST.database_statement_timeout_seconds + 10,
        )
    finally:
        proxy.close()
