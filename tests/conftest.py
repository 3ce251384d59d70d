import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy import Engine
from sqlmodel import Session

# Tests run as development does: a random signing key per process, no production checks.
os.environ.setdefault("ENVIRONMENT", "development")

from tests.factories import AuthUser, register_user
from tests.support import fresh_database, migrate


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


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    """One migrated and seeded database for the whole run; tests roll back their writes."""
    with fresh_database() as url:
        migrate(url)
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
def engine(database_url: str) -> Engine:
    from app.core.db import get_engine

    return get_engine()


@pytest.fixture()
def session(engine: Engine) -> Iterator[Session]:
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


@pytest.fixture()
def client(session: Session) -> Iterator[TestClient]:
    from app.core.config import get_settings
    from app.core.db import get_session
    from app.core.ratelimit import install_rate_limiting
    from app.main import app

    # Each test starts with a full rate-limit allowance, as a fresh client would.
    install_rate_limiting(app, get_settings())

    def session_override() -> Iterator[Session]:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise

    app.dependency_overrides[get_session] = session_override
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client
    app.dependency_overrides.clear()


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
