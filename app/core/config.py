"""Runtime configuration, read from environment variables (and an optional `.env`), and the
checks that stop an unsafe configuration from serving anyone."""

import ipaddress
import secrets
from collections.abc import Callable
from enum import StrEnum
from functools import lru_cache
from urllib.parse import urlsplit

from pydantic import Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.core import quotas, signing_keys

# The key earlier releases fell back to. It is public, so it is refused outside development.
LEGACY_DEV_JWT_SECRET = signing_keys.LEGACY_DEV_KEY
KEY_RECIPE = "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`"


# Nothing this API accepts comes close to 1 MiB; larger bodies get 413.
DEFAULT_MAX_REQUEST_BODY_BYTES = 1024 * 1024


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


class SmtpSecurity(StrEnum):
    STARTTLS = "starttls"
    TLS = "tls"
    NONE = "none"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    # Production unless said otherwise: a forgotten setting must fail safe.
    environment: Environment = Environment.PRODUCTION

    database_url: str = "sqlite:///./backpain.db"
    database_echo: bool = False
    # Seconds to wait for a database connection and for a statement (PostgreSQL); past
    # either the request is a 503 with Retry-After.
    database_connect_timeout_seconds: float = Field(default=3.0, gt=0, le=60)
    database_statement_timeout_seconds: float = Field(default=5.0, gt=0, le=300)
    # SQLite: how long a write waits in line for the one writer ahead of it. Writes are
    # queued, not refused, so this is generous; past it the request is a 503.
    database_lock_timeout_seconds: float = Field(default=15.0, gt=0, le=300)
    # Connections kept per process, and as many again in bursts: together the size of the
    # thread pool that runs requests (40), so no request waits for a connection while a
    # thread is free. Lower it when many processes share one PostgreSQL.
    database_pool_size: int = Field(default=20, ge=1, le=200)
    database_pool_timeout_seconds: float = Field(default=5.0, gt=0, le=60)
    # /readyz answers within this, whatever the database does (keep it under the probe's).
    readiness_timeout_seconds: float = Field(default=2.0, gt=0, le=60)
    # Catalog content changes only when the seed is reloaded; clients may reuse it briefly
    # and revalidate cheaply with If-None-Match.
    catalog_max_age_seconds: int = Field(default=300, ge=0, le=86_400)
    # How often each process asks the database whether the seed content changed (0: on every
    # request that uses it); answers built from the content are reused meanwhile, so a reseed
    # shows within this time.
    content_recheck_seconds: float = Field(default=1.0, ge=0, le=3600)
    log_level: str = "INFO"
    # JSON lines for log shippers; plain text is easier to read on a laptop.
    log_json: bool = True
    metrics_enabled: bool = True
    # Error reports go to this Sentry (or compatible) DSN, scrubbed of health data, addresses
    # and tokens (app.core.error_reports); none are sent without it.
    sentry_dsn: str | None = None
    # Signs access tokens. Required outside development; in development a random key is made
    # per process when none is set.
    jwt_secret: str | None = None
    access_token_minutes: int = Field(default=15, ge=1, le=24 * 60)
    refresh_token_days: int = Field(default=30, ge=1, le=365)
    max_request_body_bytes: int = Field(default=DEFAULT_MAX_REQUEST_BODY_BYTES, ge=1)
    # Sign-in and registration attempts, per client address and per account, in a moving
    # window, counted in `rate_limit_storage_url` (memory:// or redis://host:port/db).
    rate_limit_enabled: bool = True
    rate_limit_storage_url: str = "memory://"
    # Prefix of every key in that Redis, so deployments (or test runs) can share one.
    rate_limit_key_prefix: str = Field(default="LIMITS", min_length=1, max_length=100)
    auth_rate_limit: int = Field(default=10, ge=1)
    auth_rate_window_seconds: int = Field(default=60, ge=1)
    # Every request per client address, counted in each worker process; and the costly or
    # abusable operations per account and per address (app/core/quotas.py says why each).
    default_rate_limit: int = Field(default=quotas.DEFAULT_PER_ADDRESS, ge=1)
    default_rate_window_seconds: int = Field(default=quotas.DEFAULT_WINDOW_SECONDS, ge=1)
    refresh_rate_limit: int = Field(default=quotas.REFRESH_PER_ACCOUNT, ge=1)
    refresh_address_rate_limit: int = Field(default=quotas.REFRESH_PER_ADDRESS, ge=1)
    upload_rate_limit: int = Field(default=quotas.UPLOAD_PER_ACCOUNT, ge=1)
    upload_address_rate_limit: int = Field(default=quotas.UPLOAD_PER_ADDRESS, ge=1)
    export_rate_limit: int = Field(default=quotas.EXPORT_PER_ACCOUNT, ge=1)
    export_address_rate_limit: int = Field(default=quotas.EXPORT_PER_ADDRESS, ge=1)
    report_rate_limit: int = Field(default=quotas.REPORT_PER_ACCOUNT, ge=1)
    report_address_rate_limit: int = Field(default=quotas.REPORT_PER_ADDRESS, ge=1)
    # Proxies whose X-Forwarded-For is believed, as addresses or networks ("10.0.0.0/8"),
    # comma-separated. Empty: the peer address is the client.
    trusted_proxies: str = ""
    # Origins allowed to call the API from a browser, comma-separated. Empty: none.
    cors_origins: str = ""

    # Email (password reset, address verification) goes out over SMTP. With no host set,
    # development writes each message in full to the log and to its mailbox (`GET
    # /dev/mailbox`) instead, and production keeps them in the outbox until a host is
    # configured.
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65_535)
    # starttls: upgrade a plain connection (port 587); tls: TLS from the start (port 465);
    # none: plain, for a relay on the same host or network only.
    smtp_security: SmtpSecurity = SmtpSecurity.STARTTLS
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    mail_from: str = "Back Pain Relief <no-reply@backpain.example>"
    # Links in emails open the app at this address (`/reset-password?token=...`).
    app_link_base_url: str = "https://app.backpain.example"
    # Where this API is reached from outside (https://api.backpain.example): share links for
    # clinicians (`/s/...`) are built on it. Unset: the request's own scheme and host, which
    # behind a proxy may be an internal one.
    public_base_url: str | None = None

    # The production server (`backpain-serve`): where it listens, how many worker processes
    # it runs, and how long in-flight requests may take to finish after SIGTERM.
    host: str = "0.0.0.0"
    port: int = Field(default=8000, ge=1, le=65_535)
    # None: 2 (a worker per core of a typical 2-CPU pod), or 1 on SQLite, whose writers all
    # queue for one file lock.
    web_concurrency: int | None = Field(default=None, ge=1, le=64)
    shutdown_grace_seconds: int = Field(default=20, ge=0, le=600)
    # What the server reads before the app sees a request (`app.core.http_server`): a request
    # head (request line and headers) over this many bytes is a 431, and one not complete
    # within this many seconds closes the connection.
    max_request_head_bytes: int = Field(default=64 * 1024, ge=1024, le=1024 * 1024)
    request_head_timeout_seconds: float = Field(default=10.0, gt=0, le=300)

    @model_validator(mode="after")
    def _development_key(self) -> "Settings":
        if self.jwt_secret is None and self.environment == Environment.DEVELOPMENT:
            self.jwt_secret = secrets.token_urlsafe(48)
        return self

    @property
    def signing_key(self) -> str:
        if self.jwt_secret is None:
            raise RuntimeError("JWT_SECRET is not set")
        return self.jwt_secret

    @property
    def workers(self) -> int:
        if self.web_concurrency is not None:
            return self.web_concurrency
        return 1 if self.database_url.startswith("sqlite") else 2

    @property
    def is_development(self) -> bool:
        return self.environment == Environment.DEVELOPMENT


def secret_problem(secret: str | None) -> str | None:
    """Why `secret` cannot sign tokens in production, or None if it can (the rules are in
    `app.core.signing_keys`)."""
    if not secret:
        return "JWT_SECRET is not set; set it to a long random value"
    if secret == LEGACY_DEV_JWT_SECRET:
        return "JWT_SECRET is the public development key; set a long random value"
    if secret in signing_keys.PUBLISHED_KEYS:
        return f"JWT_SECRET is a key published in documentation; generate one with {KEY_RECIPE}"
    if len(secret.encode()) < signing_keys.MIN_KEY_BYTES:
        return f"JWT_SECRET is shorter than {signing_keys.MIN_KEY_BYTES} bytes"
    if signing_keys.predictable(secret):
        return (
            "JWT_SECRET is too predictable (repeated pieces, runs such as abcd or 1234, or "
            f"common words); generate one with {KEY_RECIPE}"
        )
    return None


def _items(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def parse_networks(value: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """`TRUSTED_PROXIES`: addresses or networks, comma-separated; ValueError names a bad one."""
    networks = []
    for item in _items(value):
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError as exc:
            raise ValueError(f"'{item}' is not an IP address or network") from exc
    return tuple(networks)


def parse_origins(value: str) -> list[str]:
    """`CORS_ORIGINS`: exact origins (`https://app.example.com`), comma-separated."""
    origins = _items(value)
    for origin in origins:
        scheme, sep, rest = origin.partition("://")
        if scheme not in ("http", "https") or not sep or not rest or "/" in rest or "*" in rest:
            raise ValueError(f"'{origin}' is not an origin such as https://app.example.com")
    return origins


def database_problem(database_url: str) -> str | None:
    """Why `database_url` cannot back a production deployment, or None if it can."""
    if database_url.startswith("sqlite"):
        return (
            "DATABASE_URL points at SQLite, a file only one machine can use; set it to "
            "PostgreSQL (postgresql+psycopg://user:password@host:5432/name)"
        )
    return None


# Long enough for a Redis on the same network, short enough that a wrong address fails the
# start-up within seconds instead of hanging it.
STORAGE_PING_TIMEOUT_SECONDS = 2.0


def ping_redis(url: str) -> None:
    """Raises unless the Redis at `url` answers PING within the timeout."""
    import redis

    client = redis.Redis.from_url(
        url,
        socket_connect_timeout=STORAGE_PING_TIMEOUT_SECONDS,
        socket_timeout=STORAGE_PING_TIMEOUT_SECONDS,
    )
    try:
        client.ping()
    finally:
        client.close()


def rate_limit_storage_problem(url: str, ping: Callable[[str], None] = ping_redis) -> str | None:
    """Why the rate limiter could not count in `url`, or None if it can: the URL is not one
    the limiter understands, or its Redis does not answer. Messages name the host, never
    the password the URL may carry."""
    scheme = url.partition("://")[0]
    if url == "memory://":
        return None
    if scheme not in ("redis", "rediss") or "://" not in url:
        return (
            "RATE_LIMIT_STORAGE_URL must be memory:// or a Redis URL "
            "(redis://host:6379/0, rediss:// for TLS)"
        )
    parts = urlsplit(url)
    try:
        port = parts.port or 6379
    except ValueError:
        return "RATE_LIMIT_STORAGE_URL has a port that is not a number from 0 to 65535"
    if not parts.hostname:
        return "RATE_LIMIT_STORAGE_URL names no Redis host (redis://host:6379/0)"
    where = f"{parts.hostname}:{port}"
    try:
        ping(url)
    except Exception as exc:
        return f"RATE_LIMIT_STORAGE_URL: Redis at {where} did not answer ({type(exc).__name__})"
    return None


def startup_problems(settings: Settings) -> list[str]:
    """Settings that must stop the service from starting, one sentence each."""
    problems: list[str] = []
    if not settings.is_development:
        problem = secret_problem(settings.jwt_secret)
        if problem:
            problems.append(problem)
        problem = database_problem(settings.database_url)
        if problem:
            problems.append(problem)
    for name, parse, value in (
        ("TRUSTED_PROXIES", parse_networks, settings.trusted_proxies),
        ("CORS_ORIGINS", parse_origins, settings.cors_origins),
    ):
        try:
            parse(value)
        except ValueError as exc:
            problems.append(f"{name}: {exc}")
    if settings.rate_limit_enabled:
        problem = rate_limit_storage_problem(settings.rate_limit_storage_url)
        if problem:
            problems.append(problem)
    return problems


def describe_validation_error(exc: ValidationError) -> str:
    """One line naming each malformed setting by its environment variable."""
    parts = []
    for err in exc.errors():
        name = "_".join(str(p) for p in err.get("loc", ())).upper() or "settings"
        parts.append(f"{name}: {err.get('msg', 'invalid value')}")
    return "; ".join(parts)


@lru_cache
def get_settings() -> Settings:
    return Settings()
