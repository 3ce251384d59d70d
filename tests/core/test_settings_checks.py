"""The production checks that stop a start-up: pure functions over settings values."""

from collections.abc import Callable

import pytest

from app.core.config import (
    Environment,
    Settings,
    database_problem,
    rate_limit_storage_problem,
    startup_problems,
)

STRONG_KEY = "kP3v9QzL1xR7mT2wB8nY4cF6hJ0dS5gA-uE_oI"


def unreachable(url: str) -> None:
    raise ConnectionError(f"cannot reach {url}")


def answered(seen: list[str]) -> Callable[[str], None]:
    def ping(url: str) -> None:
        seen.append(url)

    return ping


@pytest.mark.parametrize(
    "url",
    ["sqlite:///./backpain.db", "sqlite:////data/backpain.db", "sqlite+pysqlite:///:memory:"],
)
def test_sqlite_is_refused_naming_the_setting(url: str) -> None:
    problem = database_problem(url)
    assert problem is not None
    assert problem.startswith("DATABASE_URL ")
    assert "PostgreSQL" in problem


def test_postgresql_is_accepted() -> None:
    assert database_problem("postgresql+psycopg://app:pw@db:5432/backpain") is None


def test_production_refuses_sqlite_but_development_allows_it() -> None:
    production = Settings(
        environment=Environment.PRODUCTION,
        jwt_secret=STRONG_KEY,
        database_url="sqlite:///./x.db",
        rate_limit_storage_url="memory://",
    )
    development = production.model_copy(update={"environment": Environment.DEVELOPMENT})
    assert [p.split(" ")[0] for p in startup_problems(production)] == ["DATABASE_URL"]
    assert startup_problems(development) == []


def test_memory_storage_needs_no_server() -> None:
    assert rate_limit_storage_problem("memory://", ping=unreachable) is None


@pytest.mark.parametrize(
    "url",
    ["redis://cache:6379/0", "rediss://user:pw@cache.internal:6380/1", "redis://cache"],
)
def test_a_redis_that_answers_is_accepted(url: str) -> None:
    seen: list[str] = []
    assert rate_limit_storage_problem(url, ping=answered(seen)) is None
    assert seen == [url]


def test_an_unreachable_redis_is_named_without_its_password() -> None:
    problem = rate_limit_storage_problem("redis://:s3cret@cache:6390/0", ping=unreachable)
    assert problem is not None
    assert problem.startswith("RATE_LIMIT_STORAGE_URL")
    assert "cache:6390" in problem
    assert "s3cret" not in problem


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("memcached://cache:11211", "must be memory://"),
        ("cache:6379", "must be memory://"),
        ("redis://cache:port/0", "port"),
        ("redis://:6379/0", "no Redis host"),
    ],
)
def test_malformed_storage_urls_are_refused_before_any_connection(url: str, says: str) -> None:
    seen: list[str] = []
    problem = rate_limit_storage_problem(url, ping=answered(seen))
    assert problem is not None and says in problem
    assert seen == []


def test_disabled_rate_limiting_needs_no_storage() -> None:
    settings = Settings(
        environment=Environment.DEVELOPMENT,
        rate_limit_enabled=False,
        rate_limit_storage_url="redis://nowhere.invalid:1/0",
    )
    assert startup_problems(settings) == []
