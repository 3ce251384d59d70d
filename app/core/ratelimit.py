"""Rate limits for endpoints worth guessing at (log-in, registration).

Endpoints opt in with `dependencies=[rate_limited("auth")]`; the OpenAPI document then lists a
429 for them automatically. Limiters live on `app.state.rate_limiters`, one per bucket, behind
the small `RateLimiter` protocol, so a shared store (several processes behind a load balancer)
can replace the in-process one without touching any endpoint.
"""

import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any, Protocol

from fastapi import Depends, FastAPI, Request

from app.core.config import Settings
from app.core.errors import TooManyRequests

AUTH_BUCKET = "auth"


class RateLimiter(Protocol):
    def hit(self, key: str) -> float | None:
        """Count one request for `key`: None when allowed, else the seconds to wait."""
        ...

    def reset(self) -> None:
        """Forget every count."""
        ...


class SlidingWindowLimiter:
    """At most `limit` requests per key in any `window_seconds`, exactly (a log of hit times
    per key, not fixed buckets, so a burst across a bucket edge cannot double the allowance)."""

    # Past this many tracked keys, idle ones are swept so memory stays bounded.
    MAX_KEYS = 10_000

    def __init__(
        self, limit: int, window_seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if limit < 1 or window_seconds <= 0:
            raise ValueError("limit must be at least 1 and the window positive")
        self.limit = limit
        self.window = window_seconds
        self.clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> float | None:
        with self._lock:
            now = self.clock()
            horizon = now - self.window
            hits = self._hits.get(key)
            if hits is None:
                if len(self._hits) >= self.MAX_KEYS:
                    self._sweep(horizon)
                hits = self._hits[key] = deque()
            while hits and hits[0] <= horizon:
                hits.popleft()
            if len(hits) >= self.limit:
                return hits[0] + self.window - now
            hits.append(now)
            return None

    def reset(self) -> None:
        with self._lock:
            self._hits.clear()

    def _sweep(self, horizon: float) -> None:
        for key in [k for k, hits in self._hits.items() if not hits or hits[-1] <= horizon]:
            del self._hits[key]


class Unlimited:
    """Limiter that allows everything (rate limiting switched off)."""

    def hit(self, key: str) -> float | None:
        return None

    def reset(self) -> None:
        return None


def build_rate_limiters(settings: Settings) -> dict[str, RateLimiter]:
    auth: RateLimiter = (
        SlidingWindowLimiter(settings.auth_rate_limit, settings.auth_rate_window_seconds)
        if settings.rate_limit_enabled
        else Unlimited()
    )
    return {AUTH_BUCKET: auth}


def install_rate_limiting(app: FastAPI, settings: Settings) -> None:
    app.state.rate_limiters = build_rate_limiters(settings)


def client_key(request: Request) -> str:
    """The caller's address. Behind a proxy, run uvicorn with --proxy-headers and
    --forwarded-allow-ips so this is the client's address, not the proxy's."""
    return request.client.host if request.client else "unknown"


class RateLimit:
    """Dependency enforcing one bucket's limit per client address."""

    def __init__(self, bucket: str) -> None:
        self.bucket = bucket

    def __call__(self, request: Request) -> None:
        limiters: dict[str, RateLimiter] = request.app.state.rate_limiters
        retry_after = limiters[self.bucket].hit(f"{self.bucket}:{client_key(request)}")
        if retry_after is not None:
            raise TooManyRequests(retry_after)


def rate_limited(bucket: str = AUTH_BUCKET) -> Any:
    """`dependencies=[rate_limited()]` on a route or router."""
    return Depends(RateLimit(bucket))
