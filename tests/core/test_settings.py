"""Settings checked at start: no public signing key, no malformed proxy or CORS lists."""

import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
import pytest
from fastapi.testclient import TestClient

from app.core.config import (
    LEGACY_DEV_JWT_SECRET,
    Environment,
    Settings,
    secret_problem,
    startup_problems,
)
from tests.factories import register_user

ROOT = Path(__file__).resolve().parents[2]
# As `secrets.token_urlsafe(48)` makes one; fixed, so every run tests the same key (keys from
# each recipe are drawn by the hundred thousand in test_signing_keys.py).
STRONG = "Xb0uT1WSy2rz7CGLMfYdu5JP3dQp6ZEK9nhqNoVA0gi6Hk4wFAjsk3vRtl8I2mcE"
# Production refuses SQLite; nothing here connects to this database.
PRODUCTION_DATABASE = "postgresql+psycopg://app@127.0.0.1:1/none"


def production(**values: object) -> Settings:
    return Settings(
        environment=Environment.PRODUCTION,
        database_url=PRODUCTION_DATABASE,
        **values,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("secret", "complaint"),
    [
        (None, "not set"),
        ("", "not set"),
        (LEGACY_DEV_JWT_SECRET, "public development key"),
        ("short-but-random-Zq8", "shorter than 32 bytes"),
        ("a" * 32, "too predictable"),
        ("abcabcabcabcabcabcabcabcabcabcabcabc", "too predictable"),
        ("password" * 4, "too predictable"),
    ],
)
def test_weak_signing_keys_are_refused_in_production(secret: str | None, complaint: str) -> None:
    problems = startup_problems(production(jwt_secret=secret))
    assert len(problems) == 1 and complaint in problems[0] and "JWT_SECRET" in problems[0]


def test_a_random_key_passes_every_start_up_check() -> None:
    assert secret_problem(STRONG) is None
    assert startup_problems(production(jwt_secret=STRONG)) == []


def test_development_makes_a_random_key_per_process() -> None:
    first = Settings(environment=Environment.DEVELOPMENT)
    second = Settings(environment=Environment.DEVELOPMENT)
    assert first.jwt_secret and second.jwt_secret and first.jwt_secret != second.jwt_secret
    assert secret_problem(first.jwt_secret) is None
    assert startup_problems(first) == []


def test_production_is_the_default() -> None:
    assert Settings().environment == Environment.PRODUCTION or "ENVIRONMENT" in os.environ


@pytest.mark.parametrize(
    ("values", "name"),
    [
        ({"trusted_proxies": "10.0.0.0/8, not-an-address"}, "TRUSTED_PROXIES"),
        ({"cors_origins": "https://app.example.com/path"}, "CORS_ORIGINS"),
        ({"cors_origins": "*"}, "CORS_ORIGINS"),
        ({"rate_limit_storage_url": "memcached://127.0.0.1"}, "RATE_LIMIT_STORAGE_URL"),
    ],
)
def test_malformed_lists_are_named(values: dict[str, str], name: str) -> None:
    problems = startup_problems(production(jwt_secret=STRONG, **values))
    assert any(p.startswith(name) for p in problems), problems


def start(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("ENVIRONMENT", "JWT_SECRET")}
    return subprocess.run(
        [sys.executable, "-c", "import app.main"],
        env={**clean, "DATABASE_URL": PRODUCTION_DATABASE, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    "env",
    [
        {},  # production is the default
        {"ENVIRONMENT": "production", "JWT_SECRET": LEGACY_DEV_JWT_SECRET},
        {"ENVIRONMENT": "production", "JWT_SECRET": "a" * 32},
    ],
)
def test_the_service_refuses_to_start_with_one_line_naming_the_setting(
    env: dict[str, str],
) -> None:
    result = start(env)
    assert result.returncode == 78
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("configuration error: JWT_SECRET")
    assert "Traceback" not in result.stderr


def test_a_malformed_value_is_one_line_too() -> None:
    result = start({"ENVIRONMENT": "development", "ACCESS_TOKEN_MINUTES": "many"})
    assert result.returncode == 78
    assert result.stderr.strip().splitlines() == [
        result.stderr.strip()
    ] and result.stderr.startswith("configuration error: ACCESS_TOKEN_MINUTES")


def test_production_with_a_strong_key_starts() -> None:
    assert start({"ENVIRONMENT": "production", "JWT_SECRET": STRONG}).returncode == 0


@pytest.mark.parametrize("key", [LEGACY_DEV_JWT_SECRET, "a-key-anyone-could-read-in-a-repository"])
def test_a_token_forged_with_a_public_key_is_refused(client: TestClient, key: str) -> None:
    user = register_user(client)
    now = datetime.now(UTC)
    forged = jwt.encode(
        {
            "sub": user.id,
            "typ": "access",
            "jti": uuid.uuid4().hex,
            "iat": int(now.timestamp()),
            "exp": int((now + timedelta(days=365)).timestamp()),
        },
        key,
        algorithm="HS256",
    )
    response = client.get("/v1/me", headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401
