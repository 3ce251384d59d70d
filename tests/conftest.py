import contextlib
import os
import re
import sys
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import time_machine
from fastapi.testclient import TestClient
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy import Engine
from sqlmodel import Session

# Tests run as development does: a random signing key per process, no production checks.
os.environ.setdefault("ENVIRONMENT", "development")

from tests.factories import AuthUser, register_user
from tests.support import fresh_database, migrate


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--clock-at",
        metavar="INSTANT",
        help="Start this process's wall clock at INSTANT, ISO 8601 with an offset "
        "(2026-03-29T00:55Z) or HH:MM for that time today in UTC, and let it run from there. "
        "The monotonic clock and other processes keep the machine's time, so pair it with "
        "-m 'not slow'. Set TZ for the machine's timezone.",
    )


CLOCK_TRAVEL = pytest.StashKey[time_machine.travel]()


def clock_instant(value: str, today: datetime) -> datetime:
    """`--clock-at`'s value as an aware instant."""
    if re.fullmatch(r"\d{1,2}:\d{2}", value):
        hour, minute = map(int, value.split(":"))
        return today.astimezone(UTC).replace(hour=hour, minute=minute, second=0, microsecond=0)
    instant = datetime.fromisoformat(value)
    if instant.tzinfo is None:
        raise pytest.UsageError(f"--clock-at {value}: give an offset, such as Z or +01:00")
    return instant


def pytest_configure(config: pytest.Config) -> None:
    value = config.getoption("--clock-at")
    if value:
        # Every test process starts its clock there: the runner and each xdist worker.
        travel = time_machine.travel(clock_instant(value, datetime.now(UTC)), tick=True)
        travel.start()
        config.stash[CLOCK_TRAVEL] = travel


def pytest_unconfigure(config: pytest.Config) -> None:
    travel = config.stash.get(CLOCK_TRAVEL, None)
    if travel is not None:
        travel.stop()


def pytest_report_header(config: pytest.Config) -> str | None:
    value = config.getoption("--clock-at")
    return f"wall clock started at {value} (--clock-at)" if value else None


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing() -> Iterator[None]:
    """Argon2 at production cost is most of the suite's time; the tests that check the
    production parameters use `PRODUCTION_PASSWORD_HASH` directly."""
    from app.accounts import security

    security.use_password_hash(
        PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))
    )
    yield
    security.use_password_hash(security.PRODUCTION_PASSWORD_HASH)


@pytest.fixture(autouse=True)
def full_rate_limit_allowance() -> None:
    """Each test starts with the app's limits as configured and unspent, whichever client it
    uses: a test that swaps in its own limiter must not leave it to the next."""
    main = sys.modules.get("app.main")
    if main is not None:
        from app.core.config import get_settings
        from app.core.ratelimit import install_rate_limiting

        install_rate_limiting(main.app, get_settings())


@pytest.fixture(autouse=True)
def rate_limit_storages_end_with_the_test(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test's limiter counts in a new in-memory storage, which sweeps itself on a timer
    thread for as long as it holds anything: a minute after a sign-in. Left to run, a worker
    would carry hundreds of these threads, each waking every second to start another; the
    storages a test made are emptied and stopped when it ends."""
    from app.core.ratelimit import PrunedMemoryStorage

    created: list[PrunedMemoryStorage] = []
    original = PrunedMemoryStorage.__init__

    def tracked(self: PrunedMemoryStorage, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        created.append(self)

    monkeypatch.setattr(PrunedMemoryStorage, "__init__", tracked)
    yield
    for storage in created:
        storage.reset()
        storage.timer.cancel()


@pytest.fixture(scope="session")
def migrated_template() -> Iterator[str]:
    """A database migrated to head that nothing connects to: a test that needs an empty
    migrated database of its own gets a copy, `fresh_database(template=migrated_template)`,
    instead of running every migration again."""
    with fresh_database() as url:
        migrate(url)
        yield url


@pytest.fixture(scope="session")
def database_url(migrated_template: str) -> Iterator[str]:
    """One migrated and seeded database for the whole run; tests roll back their writes."""
    with fresh_database(template=migrated_template) as url:
        os.environ["DATABASE_URL"] = url
        from app.core import db
        from app.core.config import get_settings

        get_settings.cache_clear()
        db._engine = None
        from seed.loader import load_all

        load_all(db.get_engine())
        yield url
        db.get_engine().dispose()
        db._engine = None


@pytest.fixture(scope="session")
def live_base_url() -> Iterator[str]:
    """One real server per worker (`scripts/start.sh` on a fresh database) for the tests that
    drive the API from outside: SDKs, a browser, bodies over a socket. None of them depends on
    a fresh database (each signs up accounts of its own), so they share it rather than each
    paying for a start. They all sign in from 127.0.0.1, so the sign-in limit is raised; the
    limit itself is tested in-process."""
    from tests.live_server import live_server

    with live_server({"AUTH_RATE_LIMIT": "1000"}) as url:
        yield url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Engine:
    from app.core.db import get_engine

    return get_engine()


@pytest.fixture()
def db(engine: Engine) -> Iterator[Session]:
    """A session inside a transaction that is rolled back after the test. The app's commits
    become savepoint releases, so nothing a test writes outlives it."""
    connection = engine.connect()
    outer = connection.begin()
    db_session = Session(bind=connection, join_transaction_mode="create_savepoint")
    try:
        yield db_session
    finally:
        db_session.close()
        outer.rollback()
        connection.close()
        # Whatever the test did to the seed content is gone: read its version afresh.
        from app.shared.content import CONTENT

        CONTENT.forget()


@pytest.fixture()
def content_changed(db: Session) -> Callable[[], None]:
    """For a test that changes the seed content inside its transaction: call it after the
    change, and the service records a new content version (as `python -m seed` does), so what
    it built from the old content is built again. After the test (its changes rolled back),
    the version is read afresh (`session`)."""
    from app.shared.content import CONTENT
    from seed.loader import record_version

    def changed() -> None:
        record_version(db, uuid.uuid4().hex)
        db.flush()
        CONTENT.forget()

    return changed


@pytest.fixture()
def client(db: Session) -> Iterator[TestClient]:
    from app.accounts.outbox import Delivery, get_delivery
    from app.core.config import get_settings
    from app.core.db import get_caller_db, get_db, get_read_db
    from app.core.mail import mailer_from_settings
    from app.core.ratelimit import install_rate_limiting
    from app.main import app

    # Each test starts with a full rate-limit allowance, as a fresh client would.
    install_rate_limiting(app, get_settings())

    def session_override() -> Iterator[Session]:
        try:
            yield db
            db.commit()
        except BaseException:
            db.rollback()
            raise

    app.dependency_overrides[get_db] = session_override
    app.dependency_overrides[get_read_db] = session_override
    app.dependency_overrides[get_caller_db] = session_override
    # Emails queued by a request are delivered after it, in the test's transaction (a
    # connection of its own would wait behind the test's write lock on SQLite).
    app.dependency_overrides[get_delivery] = lambda: Delivery(
        lambda: contextlib.nullcontext(db), mailer_from_settings(get_settings())
    )
    with TestClient(app, raise_server_exceptions=False) as test_client:
        test_client.event_hooks = {"response": [problems_sent.record]}
        yield test_client
    app.dependency_overrides.clear()


class ProblemsSent:
    """Every problem the service answers with during the run, by operation and status."""

    def __init__(self) -> None:
        self.seen: dict[tuple[str, str, str], set[str]] = {}
        self._templates: list[tuple[re.Pattern[str], str]] | None = None

    def _template(self, path: str) -> str | None:
        from app.main import app

        if self._templates is None:
            self._templates = [
                # No parameter of this API holds a control character.
                (re.compile(re.sub(r"\{[^}]+\}", r"[^/\\x00-\\x1f]+", template)), template)
                for template in app.openapi()["paths"]
            ]
        return next((t for pattern, t in self._templates if pattern.fullmatch(path)), None)

    def record(self, response: httpx.Response) -> None:
        problem = response.headers.get("content-type") == "application/problem+json"
        if not problem or response.request.method == "HEAD":
            return
        response.read()
        template = self._template(response.request.url.path)
        if template is not None:
            key = (response.request.method.lower(), template, str(response.status_code))
            self.seen.setdefault(key, set()).add(response.json()["type"])


problems_sent = ProblemsSent()


def documented_problem_types(response: dict[str, Any]) -> set[str]:
    media = response.get("content", {}).get("application/problem+json", {})
    examples = [media["example"]] if "example" in media else []
    examples += [e["value"] for e in media.get("examples", {}).values()]
    return {example["type"] for example in examples}


@pytest.fixture(scope="session", autouse=True)
def every_problem_sent_is_documented() -> Iterator[None]:
    """After the run: each problem `type` the service answered an operation with is one that
    operation documents an example of, for that status (405s belong to no operation)."""
    yield
    from app.main import app

    paths = app.openapi()["paths"]
    undocumented = []
    for (method, template, status), types in sorted(problems_sent.seen.items()):
        operation = paths[template].get(method)
        if operation is None or status == "405":
            continue
        documented = documented_problem_types(operation["responses"].get(status, {}))
        for problem_type in sorted(types - documented):
            undocumented.append(f"{method.upper()} {template} {status}: {problem_type}")
    assert undocumented == [], "problems sent but not documented:\n" + "\n".join(undocumented)


SOURCE_ARTICLE = Path(__file__).resolve().parents[2] / "shared" / "source-article.txt"


@pytest.fixture(scope="session")
def source_article() -> str:
    """The article the catalog is written from, which lives beside the checkout."""
    if not SOURCE_ARTICLE.exists():
        pytest.skip("source article not beside the checkout")
    return SOURCE_ARTICLE.read_text(encoding="utf-8")


@pytest.fixture()
def alice(client: TestClient) -> AuthUser:
    """Someone signed up, for tests of what one person may see or change of another's."""
    return register_user(client)


@pytest.fixture()
def bob(client: TestClient) -> AuthUser:
    """A second person, who must never see or change alice's things."""
    return register_user(client)


@pytest.fixture()
def mailbox(client: TestClient, db: Session) -> Iterator[Any]:
    """Emails the service sends go to a real SMTP server in the test process."""
    from app.accounts.outbox import Delivery, get_delivery
    from app.core.config import SmtpSecurity
    from app.core.mail import SmtpMailer
    from app.main import app
    from tests.mailbox import smtp_server

    with smtp_server() as box:
        mailer = SmtpMailer(
            host="127.0.0.1",
            port=box.port,
            sender="Back Pain Relief <no-reply@backpain.example>",
            security=SmtpSecurity.NONE,
            timeout=5,
        )
        app.dependency_overrides[get_delivery] = lambda: Delivery(
            lambda: contextlib.nullcontext(db), mailer
        )
        yield box
