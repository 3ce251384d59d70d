"""Rate limits: for endpoints worth guessing at (sign-in, registration), for the costly or
abusable ones (refresh, uploads, export, the report), and a default one for every request.

Counting is done by the `limits` package with its moving-window strategy, in the storage
`RATE_LIMIT_STORAGE_URL` names: `memory://` for one process, `redis://` so that every worker
and replica shares one count. Each attempt is counted twice, per client address and per
account tried, so neither many accounts from one address nor one account from many addresses
gets unlimited guesses; the costly routes count the signed-in account (or, for a refresh, the
token's owner) instead of an account tried.

An attempt is one increment-and-test for all its keys at once: in Redis one script checks that
every key has room and, only then, records the attempt under each; in memory the same under a
lock. Reading the counts and recording in separate calls let a burst through: every request
of the burst read "room left" before any had recorded.

Endpoints opt in with `dependencies=[rate_limited(account_field=...)]` (the account named in
the body) or `account_limited(bucket, account)` (the account from a dependency, such as the
signed-in person); each bucket may count the address under a bucket of its own, with its own
quota.

Besides these, every request is counted per client address under one generous default policy
(`gate`; `DefaultLimitRefusal` answers those over it), in the worker process that answers it:
a network round trip on every read would cost more than the cached catalog answer it guards,
and a flood guard need not be exact across workers. Every answer reports where its caller
stands, in the IETF headers (draft-ietf-httpapi-ratelimit-headers): `RateLimit-Policy:
"default";q=3000;w=60` names each policy that counted the request, `RateLimit:
"default";r=2999;t=42` what is left of it and in how many seconds its window resets.
"""

import hashlib
import ipaddress
import logging
import threading
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from limits import RateLimitItem, RateLimitItemPerHour, RateLimitItemPerSecond
from limits.errors import StorageError
from limits.storage import MemoryStorage, RedisStorage, Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request as StarletteRequest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core import quotas
from app.core.config import Settings, parse_networks
from app.core.emails import lookup_form
from app.core.errors import ServiceUnavailable, TooManyRequests, problem_response

AUTH_BUCKET = "auth"
DEFAULT_POLICY = "default"
# Per account, and per address under "<bucket>-address" with a quota of its own.
REFRESH_BUCKET = "refresh"
UPLOAD_BUCKET = "upload"
EXPORT_BUCKET = "export"
REPORT_BUCKET = "report"
ADDRESS_SUFFIX = "-address"
# Not counted by the default policy: Prometheus scrapes it, outside the contract.
EXEMPT_PATHS = frozenset({"/metrics"})
# Addresses the default policy counts apart in one window; past this many (a flood from
# fresh addresses), further new ones share one count.
MAX_TRACKED_ADDRESSES = 100_000
OVERFLOW_KEY = "overflow"
# IPv6 clients are counted by their /64: one subscriber is usually given a whole /64.
IPV6_PREFIX_GROUPS = 4
# Where a request's policies are kept between the gate, the route and the answer.
USAGES_KEY = "rate_limits"
REFUSED_KEY = "rate_limit_refused"
# Openings of one share link (its page and downloads), and of any link from one address.
# Inferred: a clinician opens a page and its downloads a handful of times in an hour; a
# forwarded or scraped link many more. Guessing a 256-bit token needs no limit to fail.
SHARE_LINK_BUCKET = "share-link"
SHARE_LINK_OPENS_PER_HOUR = 60
SHARE_ADDRESS_BUCKET = "share-address"
SHARE_ADDRESS_OPENS_PER_HOUR = 600
# `limits`' own prefix, so counts kept before the prefix was a setting still apply.
REDIS_KEY_PREFIX = "LIMITS"
# Redis must answer quickly: a sign-in waits on it.
STORAGE_TIMEOUT_SECONDS = 1.0
# Longest client key kept (an address, or a digest); anything longer is cut.
MAX_KEY_LENGTH = 64

# Every key's moving window (the list `limits` keeps, newest first) has room, then the attempt
# goes into each: nothing is recorded unless all have room. The layout is `limits`' own, so
# its window statistics read these lists as they read its. ARGV: now, then each key's limit
# and window. Answers allowed (1 or 0), then for each key the hits in its window and the
# oldest of them (a string: Lua numbers come back as integers).
ACQUIRE_ALL = """
local now = tonumber(ARGV[1])
local counts, oldest = {}, {}
local allowed = 1
for i, key in ipairs(KEYS) do
    local limit = tonumber(ARGV[2 * i])
    local expiry = tonumber(ARGV[2 * i + 1])
    local count, first = 0, nil
    for _, entry in ipairs(redis.call('lrange', key, 0, limit - 1)) do
        local stamp = tonumber(entry)
        if stamp < now - expiry then
            break
        end
        count = count + 1
        first = stamp
    end
    counts[i], oldest[i] = count, first
    if count >= limit then
        allowed = 0
    end
end
if allowed == 1 then
    for i, key in ipairs(KEYS) do
        local limit = tonumber(ARGV[2 * i])
        redis.call('lpush', key, ARGV[1])
        redis.call('ltrim', key, 0, limit - 1)
        redis.call('expire', key, tonumber(ARGV[2 * i + 1]))
        counts[i] = counts[i] + 1
        oldest[i] = oldest[i] or now
    end
end
local answer = {allowed}
for i = 1, #KEYS do
    table.insert(answer, counts[i])
    table.insert(answer, tostring(oldest[i] or now))
end
return answer
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


@dataclass(frozen=True)
class Usage:
    """Where a caller stands in one policy after a request: its quota of requests per window
    of seconds, what is left and the seconds until the window resets."""

    policy: str
    quota: int
    window: int
    remaining: int
    reset: int


def policy_field(usages: Sequence[Usage]) -> str:
    """`RateLimit-Policy`: a structured-field list of the policies and their quotas."""
    return ", ".join(f'"{u.policy}";q={u.quota};w={u.window}' for u in usages)


def ratelimit_field(usages: Sequence[Usage]) -> str:
    """`RateLimit`: what is left of each policy and when its window resets."""
    return ", ".join(f'"{u.policy}";r={max(u.remaining, 0)};t={u.reset}' for u in usages)


def _seconds(value: float) -> int:
    return max(0, int(value + 0.999))


class RateLimitUnavailable(ServiceUnavailable):
    example_detail = "This operation is unavailable for a moment."
    title = "Rate limiting unavailable"
    slug = "service-unavailable"
    headers = {"Retry-After": "5"}  # noqa: RUF012 (read-only)


def build_storage(url: str, key_prefix: str = REDIS_KEY_PREFIX) -> Storage:
    if url.startswith("memory://"):
        return PrunedMemoryStorage()
    options: dict[str, Any] = {}
    if url.startswith(("redis://", "rediss://")):
        options = {
            "socket_timeout": STORAGE_TIMEOUT_SECONDS,
            "socket_connect_timeout": STORAGE_TIMEOUT_SECONDS,
            "key_prefix": key_prefix,
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
        self._held: set[str] = set()

    def hit(self, bucket: str, *keys: str) -> float | None:
        """Count one attempt under each key: None when every key is within its allowance,
        else the seconds until the most limited key may try again. A refused attempt is not
        counted under any key, so hammering does not extend the wait."""
        allowed, usages = self.acquire([(bucket, key) for key in keys])
        if allowed:
            return None
        return max((u.reset for u in usages if u.remaining <= 0), default=1)

    def acquire(self, pairs: Sequence[tuple[str, str]]) -> tuple[bool, list[Usage]]:
        """Count one attempt under each (bucket, key) if every one has room, in one step;
        then where the caller stands in each bucket (its most limited key)."""
        if not self.enabled or not pairs:
            return True, []
        items = [self.items[bucket] for bucket, _ in pairs]
        try:
            allowed, stats = self._acquire(items, pairs)
        except self._errors() as exc:
            # Refuse rather than allow: an unlimited sign-in is what the limit prevents.
            cause = getattr(exc, "storage_error", exc)
            logger.error("rate-limit storage failed: %s", type(cause).__name__)
            raise RateLimitUnavailable("This operation is unavailable for a moment.") from exc
        now = time.time()
        usages: dict[str, Usage] = {}
        for (bucket, _), item, (count, oldest) in zip(pairs, items, stats, strict=True):
            remaining = item.amount - count
            # Refused: the oldest hit leaves the window then, and there is room again.
            reset = _seconds(oldest + item.get_expiry() - now) if count else 0
            usage = Usage(bucket, item.amount, item.get_expiry(), remaining, max(reset, 1))
            known = usages.get(bucket)
            if known is None or (usage.remaining, -usage.reset) < (known.remaining, -known.reset):
                usages[bucket] = usage
        return allowed, list(usages.values())

    def _errors(self) -> tuple[type[BaseException], ...]:
        errors: tuple[type[BaseException], ...] = (StorageError,)
        if isinstance(self.storage, RedisStorage):
            base = self.storage.base_exceptions
            errors += base if isinstance(base, tuple) else (base,)
        return errors

    def _acquire(
        self, items: Sequence[RateLimitItem], pairs: Sequence[tuple[str, str]]
    ) -> tuple[bool, list[tuple[int, float]]]:
        """Record the attempt under every key if each has room, atomically; then each key's
        hits in its window and the oldest of them."""
        if isinstance(self.storage, RedisStorage):
            if self._script is None:
                connection = self.storage.get_connection()
                self._script = connection.register_script(ACQUIRE_ALL.encode())
            names = [
                self.storage.prefixed_key(item.key_for(bucket, key))
                for item, (bucket, key) in zip(items, pairs, strict=True)
            ]
            args: list[Any] = [repr(time.time())]
            for item in items:
                args += [item.amount, item.get_expiry()]
            answer = self._script(keys=names, args=args)
            stats = [(int(answer[i]), float(answer[i + 1])) for i in range(1, len(answer), 2)]
            return bool(answer[0]), stats
        with self._lock:
            allowed = all(
                self.strategy.test(item, bucket, key)
                for item, (bucket, key) in zip(items, pairs, strict=True)
            )
            if allowed:
                for item, (bucket, key) in zip(items, pairs, strict=True):
                    self.strategy.hit(item, bucket, key)
            stats = []
            for item, (bucket, key) in zip(items, pairs, strict=True):
                window = self.strategy.get_window_stats(item, bucket, key)
                count = item.amount - window.remaining
                stats.append((count, window.reset_time - item.get_expiry()))
            return allowed, stats

    @contextmanager
    def one_at_a_time(self, key: str, seconds: int) -> Iterator[bool]:
        """Holds `key` while the block runs: True when it was free, False when another
        request (in any process sharing the storage) holds it. The mark expires after
        `seconds` should its holder die."""
        if not self.enabled:
            yield True
            return
        name = f"in-flight/{key}"
        try:
            if isinstance(self.storage, RedisStorage):
                connection: Any = self.storage.get_connection()
                name = self.storage.prefixed_key(name)
                taken = bool(connection.set(name, "1", nx=True, ex=seconds))
            else:
                with self._lock:
                    taken = name not in self._held
                    self._held.add(name)
        except self._errors() as exc:
            logger.error("rate-limit storage failed: %s", type(exc).__name__)
            raise RateLimitUnavailable("This operation is unavailable for a moment.") from exc
        try:
            yield taken
        finally:
            if taken:
                self._release(name)

    def _release(self, name: str) -> None:
        if not isinstance(self.storage, RedisStorage):
            with self._lock:
                self._held.discard(name)
            return
        try:
            self.storage.get_connection().delete(name)
        except self._errors() as exc:
            # The answer is made; the mark expires on its own.
            logger.error("rate-limit storage failed: %s", type(exc).__name__)

    def reset(self) -> None:
        self.storage.reset()


def _per(amount: int, seconds: int) -> RateLimitItem:
    return RateLimitItemPerSecond(amount, seconds)


def build_limiter(settings: Settings) -> Limiter:
    items: dict[str, RateLimitItem] = {
        AUTH_BUCKET: _per(settings.auth_rate_limit, settings.auth_rate_window_seconds),
        SHARE_LINK_BUCKET: RateLimitItemPerHour(SHARE_LINK_OPENS_PER_HOUR),
        SHARE_ADDRESS_BUCKET: RateLimitItemPerHour(SHARE_ADDRESS_OPENS_PER_HOUR),
        REFRESH_BUCKET: _per(settings.refresh_rate_limit, quotas.REFRESH_WINDOW_SECONDS),
        REFRESH_BUCKET + ADDRESS_SUFFIX: _per(
            settings.refresh_address_rate_limit, quotas.REFRESH_WINDOW_SECONDS
        ),
        UPLOAD_BUCKET: _per(settings.upload_rate_limit, quotas.UPLOAD_WINDOW_SECONDS),
        UPLOAD_BUCKET + ADDRESS_SUFFIX: _per(
            settings.upload_address_rate_limit, quotas.UPLOAD_WINDOW_SECONDS
        ),
        EXPORT_BUCKET: _per(settings.export_rate_limit, quotas.EXPORT_WINDOW_SECONDS),
        EXPORT_BUCKET + ADDRESS_SUFFIX: _per(
            settings.export_address_rate_limit, quotas.EXPORT_WINDOW_SECONDS
        ),
        REPORT_BUCKET: _per(settings.report_rate_limit, quotas.REPORT_WINDOW_SECONDS),
        REPORT_BUCKET + ADDRESS_SUFFIX: _per(
            settings.report_address_rate_limit, quotas.REPORT_WINDOW_SECONDS
        ),
    }
    return Limiter(
        build_storage(settings.rate_limit_storage_url, settings.rate_limit_key_prefix),
        items,
        enabled=settings.rate_limit_enabled,
    )


class AddressCounter:
    """The default policy: requests per client address in fixed windows aligned to the
    clock, counted in this process. Each window starts a fresh map, so memory holds only the
    addresses of the current window."""

    def __init__(self, quota: int, window: int, enabled: bool = True) -> None:
        self.quota = quota
        self.window = window
        self.enabled = enabled
        self._index = -1
        self._counts: dict[str, int] = {}
        self.policy_header = policy_field([self.usage(quota, window)]).encode()

    def hit(self, address: str, now: float) -> tuple[int, int]:
        """Count one request: what is left of the quota (negative once over it) and the
        whole seconds until the window ends."""
        seconds = int(now)
        index = seconds // self.window
        if index != self._index:
            self._index = index
            self._counts = {}
        counts = self._counts
        key = _counted_as(address)
        if key not in counts and len(counts) >= MAX_TRACKED_ADDRESSES:
            key = OVERFLOW_KEY
        count = counts.get(key, 0) + 1
        counts[key] = count
        remaining = self.quota - count if self.enabled else self.quota
        return remaining, self.window - seconds % self.window

    def usage(self, remaining: int, reset: int) -> Usage:
        return Usage(DEFAULT_POLICY, self.quota, self.window, remaining, reset)


def _counted_as(address: str) -> str:
    if ":" not in address:
        return address
    try:
        network = ipaddress.IPv6Network(f"{address}/64", strict=False)
    except ValueError:
        return address
    return str(network.network_address)


def install_rate_limiting(app: FastAPI, settings: Settings) -> None:
    app.state.rate_limiter = build_limiter(settings)
    app.state.default_limit = AddressCounter(
        settings.default_rate_limit,
        settings.default_rate_window_seconds,
        enabled=settings.rate_limit_enabled,
    )
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
        await enforce(request, self.bucket, await self._account(request), separate_address=False)

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


def record_usages(scope: Scope, usages: Sequence[Usage]) -> None:
    """Adds policies to the ones the answer reports (`RateLimitGate` writes them)."""
    scope.setdefault("state", {}).setdefault(USAGES_KEY, []).extend(usages)


async def enforce(
    request: Request, bucket: str, account: str | None, *, separate_address: bool = True
) -> None:
    """One attempt in `bucket` per client address and, when known, per account (one round
    trip to the storage); 429 when either is used up. The address counts under
    `<bucket>-address` when `separate_address`, else under `bucket` with the same quota."""
    address_bucket = bucket + ADDRESS_SUFFIX if separate_address else bucket
    pairs = [(address_bucket, f"addr:{caller_address(request)}")]
    if account is not None:
        pairs.append((bucket, f"account:{account}"))
    limiter: Limiter = request.app.state.rate_limiter
    allowed, usages = await _run_sync(limiter.acquire, pairs)
    record_usages(request.scope, usages)
    if not allowed:
        raise TooManyRequests(max((u.reset for u in usages if u.remaining <= 0), default=1))


class AccountRateLimit:
    """Dependency enforcing one bucket per account, the account's key given by the
    dependency `account` (for example the signed-in person's id), and per client address
    under the bucket's address quota."""

    def __init__(self, bucket: str, account: Callable[..., Any]) -> None:
        self.bucket = bucket
        self.account = account

    def dependency(self) -> Any:
        async def limit(request: Request, key: Annotated[Any, Depends(self.account)]) -> None:
            await enforce(request, self.bucket, None if key is None else str(key))

        # The OpenAPI document finds limited operations by this mark.
        limit.rate_limit = self  # type: ignore[attr-defined]
        return Depends(limit)


def rate_limited(bucket: str = AUTH_BUCKET, account_field: str | None = None) -> Any:
    """`dependencies=[rate_limited(account_field="email")]` on a route."""
    return Depends(RateLimit(bucket, account_field))


def account_limited(bucket: str, account: Callable[..., Any]) -> Any:
    """`dependencies=[account_limited(UPLOAD_BUCKET, current_account)]` on a route."""
    return AccountRateLimit(bucket, account).dependency()


def route_policies(call: Any) -> list[str]:
    """The policies a dependency that is one of the route limits above reports, else none."""
    if isinstance(call, RateLimit):
        return [call.bucket]
    limit = getattr(call, "rate_limit", None)
    if isinstance(limit, AccountRateLimit):
        return [limit.bucket, limit.bucket + ADDRESS_SUFFIX]
    return []


def _gate_address(scope: Scope, trusted: Sequence[Network]) -> str:
    client = scope.get("client")
    peer = client[0] if client else "unknown"
    if not trusted:
        return str(peer)
    forwarded = None
    for name, value in scope["headers"]:
        if name == b"x-forwarded-for":
            forwarded = value.decode("latin-1")
            break
    return client_address(peer, forwarded, trusted)


ASGICall = Callable[[Scope, Receive, Send], Awaitable[None]]


async def gate(state: Any, scope: Scope, receive: Receive, send: Send, app: ASGICall) -> None:
    """Counts every HTTP request under the default policy and writes the `RateLimit` and
    `RateLimit-Policy` headers of every policy that counted it onto the answer. Over the
    default quota, the request is marked refused (`DefaultLimitRefusal` answers it inside
    the middleware stack, so it is logged, measured and labelled like any answer)."""
    if scope["path"] in EXEMPT_PATHS:
        await app(scope, receive, send)
        return
    counter: AddressCounter = state.default_limit
    remaining, reset = counter.hit(_gate_address(scope, state.trusted_proxies), time.time())
    # Routes add their own policies here (`enforce`); most add none.
    routes: list[Usage] = []
    request_state = scope.setdefault("state", {})
    request_state[USAGES_KEY] = routes
    if remaining < 0:
        request_state[REFUSED_KEY] = reset

    async def send_with_limits(message: Message) -> None:
        if message["type"] == "http.response.start":
            if routes:
                usages = [counter.usage(remaining, reset), *routes]
                policy = policy_field(usages).encode()
                left = ratelimit_field(usages).encode()
            else:
                policy = counter.policy_header
                left = b'"default";r=%d;t=%d' % (max(remaining, 0), reset)
            message["headers"] = [
                *message.get("headers", ()),
                (b"ratelimit-policy", policy),
                (b"ratelimit", left),
            ]
        await send(message)

    await app(scope, receive, send_with_limits)


class RateLimitGate:
    """Pure ASGI middleware, the outermost of the app's own: every request goes through
    `gate`, so every answer (one sent from memory too) reports the caller's allowance."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await gate(scope["app"].state, scope, receive, send, self.app)


def refused(scope: Scope) -> bool:
    return REFUSED_KEY in scope.get("state", {})


class DefaultLimitRefusal:
    """Answers 429 to a request the gate found over the default quota, before any route
    or body reading runs."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not refused(scope):
            await self.app(scope, receive, send)
            return
        error = TooManyRequests(scope["state"][REFUSED_KEY])
        response = problem_response(
            StarletteRequest(scope),
            error.status_code,
            str(error),
            slug=error.slug,
            title=error.title,
            headers={"Retry-After": str(error.retry_after)},
        )
        await response(scope, receive, send)
