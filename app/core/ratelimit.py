"""Rate limits for endpoints worth guessing at (sign-in, registration).

Counting is done by the `limits` package with its moving-window strategy, in the storage
`RATE_LIMIT_STORAGE_URL` names: `memory://` for one process, `redis://` so that every worker
and replica shares one count. Each attempt is counted twice, per client address and per
account tried, so neither many accounts from one address nor one account from many addresses
gets unlimited guesses.

An attempt is one increment-and-test for all its keys at once: in Redis one script checks that
every key has room and, only then, records the attempt under each; in memory the same under a
lock. Reading the counts and recording in separate calls let a burst through: every request
of the burst read "room left" before any had recorded.

Endpoints opt in with `dependencies=[rate_limited(account_field=...)]`; the OpenAPI document
then lists a 429 for them automatically.
"""

import hashlib
import ipaddress
import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from fastapi import Depends, FastAPI, Request
from limits import RateLimitItem, RateLimitItemPerHour, RateLimitItemPerSecond
from limits.errors import StorageError
from limits.storage import MemoryStorage, RedisStorage, Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter
from starlette.concurrency import run_in_threadpool

from app.core.config import Settings, parse_networks
from app.core.emails import lookup_form
from app.core.errors import ServiceUnavailable, TooManyRequests

AUTH_BUCKET = "auth"
# Openings of one share link (its page and downloads), and of any link from one address.
# Inferred: a clinician opens a page and its downloads a handful of times in an hour; a
# forwarded or scraped link many more. Guessing a 256-bit token needs no limit to fail.
SHARE_LINK_BUCKET = "share-link"
SHARE_LINK_OPENS_PER_HOUR = 60
SHARE_ADDRESS_BUCKET = "share-address"
SHARE_ADDRESS_OPENS_PER_HOUR = 600
# Redis must answer quickly: a sign-in waits on it.
STORAGE_TIMEOUT_SECONDS = 1.0
# Longest client key kept (an address, or a digest); anything longer is cut.
MAX_KEY_LENGTH = 64

# Every key's moving window (the list `limits` keeps, newest first) has room, then the attempt
# goes into each: nothing is recorded unless all have room. The layout is `limits`' own, so
# its window statistics read these lists as they read its.
ACQUIRE_ALL = """
local timestamp = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local expiry = tonumber(ARGV[3])
for _, key in ipairs(KEYS) do
    local entry = redis.call('lindex', key, limit - 1)
    if entry and tonumber(entry) >= timestamp - expiry then
        return 0
    end
end
for _, key in ipairs(KEYS) do
    redis.call('lpush', key, timestamp)
    redis.call('ltrim', key, 0, limit - 1)
    redis.call('expire', key, expiry)
end
return 1
"""

logger = logging.getLogger("app.ratelimit")
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class PrunedMemoryStorage(MemoryStorage):
    """`limits`' memory storage keeps an empty list for every key it has ever seen, and sweeps
    only right after a hit. This one drops emptied keys too, and keeps sweeping while anything
    is stored, so memory follows the keys active in the current window, not every address
    that ever called, even once traffic stops."""

    SWEEP_SECONDS = 1.0

    def _MemoryStorage__expire_events(self) -> None:
        getattr(super(), "_MemoryStorage__expire_events")()  # noqa: B009
        for key in [k for k, events in self.events.copy().items() if not events]:
            with self.locks[key]:
                if not self.events.get(key):
                    self.events.pop(key, None)
                    self.locks.pop(key, None)
        if self.events or self.expirations:
            timer = threading.Timer(self.SWEEP_SECONDS, self._MemoryStorage__expire_events)
            timer.daemon = True
            self.timer = timer
            timer.start()


class RateLimitUnavailable(ServiceUnavailable):
    example_detail = "Sign-in is unavailable for a moment."
    title = "Rate limiting unavailable"
    slug = "service-unavailable"
    headers = {"Retry-After": "5"}  # noqa: RUF012 (read-only)


def build_storage(url: str) -> Storage:
    if url.startswith("memory://"):
        return PrunedMemoryStorage()
    options: dict[str, Any] = {}
    if url.startswith(("redis://", "rediss://")):
        options = {
            "socket_timeout": STORAGE_TIMEOUT_SECONDS,
            "socket_connect_timeout": STORAGE_TIMEOUT_SECONDS,
        }
    storage = storage_from_string(url, wrap_exceptions=True, **options)
    assert isinstance(storage, Storage)  # a sync scheme, never limits.aio's
    return storage


@dataclass
class Limiter:
    """Allowances per bucket, counted in one storage. `enabled=False` allows everything."""

    storage: Storage
    items: dict[str, RateLimitItem]
    enabled: bool = True
    strategy: MovingWindowRateLimiter = field(init=False)

    def __post_init__(self) -> None:
        self.strategy = MovingWindowRateLimiter(self.storage)
        self._lock = threading.Lock()
        self._script: Any = None

    def hit(self, bucket: str, *keys: str) -> float | None:
        """Count one attempt under each key: None when every key is within its allowance,
        else the seconds until the most limited key may try again. A refused attempt is not
        counted under any key, so hammering does not extend the wait."""
        if not self.enabled:
            return None
        item = self.items[bucket]
        errors: tuple[type[BaseException], ...] = (StorageError,)
        if isinstance(self.storage, RedisStorage):
            base = self.storage.base_exceptions
            errors += base if isinstance(base, tuple) else (base,)
        try:
            if self._acquire(item, bucket, keys):
                return None
            waits = [
                stats.reset_time
                for key in keys
                if (stats := self.strategy.get_window_stats(item, bucket, key)).remaining <= 0
            ]
        except errors as exc:
            # Refuse rather than allow: an unlimited sign-in is what the limit prevents.
            cause = getattr(exc, "storage_error", exc)
            logger.error("rate-limit storage failed: %s", type(cause).__name__)
            raise RateLimitUnavailable("Sign-in is unavailable for a moment.") from exc
        # A window that emptied between the refusal and the look: try again in a second.
        return max(waits, default=time.time() + 1) - time.time()

    def _acquire(self, item: RateLimitItem, bucket: str, keys: Sequence[str]) -> bool:
        """Record the attempt under every key if each has room, atomically."""
        if isinstance(self.storage, RedisStorage):
            if self._script is None:
                connection = self.storage.get_connection()
                self._script = connection.register_script(ACQUIRE_ALL.encode())
            names = [self.storage.prefixed_key(item.key_for(bucket, key)) for key in keys]
            args = [time.time(), item.amount, item.get_expiry()]
            return bool(self._script(keys=names, args=args))
        with self._lock:
            if not all(self.strategy.test(item, bucket, key) for key in keys):
                return False
            for key in keys:
                self.strategy.hit(item, bucket, key)
            return True

    def reset(self) -> None:
        self.storage.reset()


def build_limiter(settings: Settings) -> Limiter:
    items: dict[str, RateLimitItem] = {
        AUTH_BUCKET: RateLimitItemPerSecond(
            settings.auth_rate_limit, settings.auth_rate_window_seconds
        ),
        SHARE_LINK_BUCKET: RateLimitItemPerHour(SHARE_LINK_OPENS_PER_HOUR),
        SHARE_ADDRESS_BUCKET: RateLimitItemPerHour(SHARE_ADDRESS_OPENS_PER_HOUR),
    }
    return Limiter(
        build_storage(settings.rate_limit_storage_url),
        items,
        enabled=settings.rate_limit_enabled,
    )


def install_rate_limiting(app: FastAPI, settings: Settings) -> None:
    app.state.rate_limiter = build_limiter(settings)
    app.state.trusted_proxies = parse_networks(settings.trusted_proxies)


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _trusted(value: str, networks: Sequence[Network]) -> bool:
    address = _address(value)
    return address is not None and any(address in network for network in networks)


def client_address(peer: str, forwarded_for: str | None, trusted: Sequence[Network]) -> str:
    """The caller's address. `X-Forwarded-For` is believed only when the peer is a trusted
    proxy, and then only back to the first hop no trusted proxy vouches for: the client can
    write anything at the left of the header, but not past the proxies that appended to it."""
    if not forwarded_for or not _trusted(peer, trusted):
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, trusted):
            return hop[:MAX_KEY_LENGTH]
    return hops[0][:MAX_KEY_LENGTH] if hops else peer


def account_key(value: object) -> str | None:
    """A digest of the account tried, so the limiter's storage holds no email addresses."""
    if not isinstance(value, str) or not value.strip():
        return None
    return hashlib.sha256(lookup_form(value).encode()).hexdigest()[:32]


def caller_address(request: Request) -> str:
    peer = request.client.host if request.client else "unknown"
    return client_address(
        peer, request.headers.get("x-forwarded-for"), request.app.state.trusted_proxies
    )


class RateLimit:
    """Dependency enforcing one bucket's allowance per client address and, when
    `account_field` names the form or JSON field holding the account tried, per account."""

    def __init__(self, bucket: str, account_field: str | None = None) -> None:
        self.bucket = bucket
        self.account_field = account_field

    async def __call__(self, request: Request) -> None:
        peer = request.client.host if request.client else "unknown"
        address = client_address(
            peer, request.headers.get("x-forwarded-for"), request.app.state.trusted_proxies
        )
        keys = [f"addr:{address}"]
        account = await self._account(request)
        if account is not None:
            keys.append(f"account:{account}")
        limiter: Limiter = request.app.state.rate_limiter
        retry_after = await _run_sync(limiter.hit, self.bucket, *keys)
        if retry_after is not None:
            raise TooManyRequests(retry_after)

    async def _account(self, request: Request) -> str | None:
        # FastAPI has read and parsed the body before dependencies run; these calls reuse it.
        if self.account_field is None:
            return None
        content_type = request.headers.get("content-type", "")
        try:
            if content_type.startswith(
                ("application/x-www-form-urlencoded", "multipart/form-data")
            ):
                return account_key((await request.form()).get(self.account_field))
            if "json" in content_type:
                body = await request.json()
                return account_key(body.get(self.account_field)) if isinstance(body, dict) else None
        except Exception:  # an unreadable body is the validator's to report, not ours
            return None
        return None


async def _run_sync(func: Any, *args: Any) -> Any:
    """Memory storage answers at once; Redis is a network call, kept off the event loop."""
    return await run_in_threadpool(func, *args)


def rate_limited(bucket: str = AUTH_BUCKET, account_field: str | None = None) -> Any:
    """`dependencies=[rate_limited(account_field="email")]` on a route."""
    return Depends(RateLimit(bucket, account_field))
