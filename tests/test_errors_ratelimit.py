"""The sliding-window limiter behind 429 responses, on a clock the test controls."""

import pytest

from app.core.config import Settings
from app.core.ratelimit import AUTH_BUCKET, SlidingWindowLimiter, Unlimited, build_rate_limiters


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_allows_the_limit_then_says_how_long_to_wait() -> None:
    clock = FakeClock()
    limiter = SlidingWindowLimiter(limit=3, window_seconds=60, clock=clock)
    for _ in range(3):
        assert limiter.hit("a") is None
        clock.now += 10
    # Hits at 1000, 1010, 1020; now 1030: the oldest leaves the window at 1060.
    assert limiter.hit("a") == pytest.approx(30)


def test_window_slides_rather_than_resetting_at_a_boundary() -> None:
    clock = FakeClock()
    limiter = SlidingWindowLimiter(limit=2, window_seconds=60, clock=clock)
    assert limiter.hit("a") is None  # t=1000
    clock.now += 50
    assert limiter.hit("a") is None  # t=1050
    clock.now += 11  # t=1061: the first hit has left the window, the second has not
    assert limiter.hit("a") is None
    assert limiter.hit("a") == pytest.approx(49)


def test_refused_requests_do_not_extend_the_wait() -> None:
    clock = FakeClock()
    limiter = SlidingWindowLimiter(limit=1, window_seconds=10, clock=clock)
    assert limiter.hit("a") is None
    for _ in range(5):
        clock.now += 1
        assert limiter.hit("a") is not None
    clock.now += 5  # 10 s after the only allowed hit
    assert limiter.hit("a") is None


def test_keys_are_counted_separately_and_reset_forgets() -> None:
    limiter = SlidingWindowLimiter(limit=1, window_seconds=60, clock=FakeClock())
    assert limiter.hit("a") is None
    assert limiter.hit("b") is None
    assert limiter.hit("a") is not None
    limiter.reset()
    assert limiter.hit("a") is None


def test_idle_keys_are_swept_when_many_are_tracked() -> None:
    clock = FakeClock()
    limiter = SlidingWindowLimiter(limit=1, window_seconds=1, clock=clock)
    limiter.MAX_KEYS = 3
    for key in "abc":
        limiter.hit(key)
    clock.now += 2
    limiter.hit("d")
    assert set(limiter._hits) == {"d"}


def test_invalid_configuration_is_rejected() -> None:
    with pytest.raises(ValueError):
        SlidingWindowLimiter(limit=0, window_seconds=60)
    with pytest.raises(ValueError):
        SlidingWindowLimiter(limit=1, window_seconds=0)


def test_settings_choose_the_limiter() -> None:
    on = build_rate_limiters(Settings(auth_rate_limit=5, auth_rate_window_seconds=30))
    limiter = on[AUTH_BUCKET]
    assert isinstance(limiter, SlidingWindowLimiter)
    assert (limiter.limit, limiter.window) == (5, 30)
    off = build_rate_limiters(Settings(rate_limit_enabled=False))
    assert isinstance(off[AUTH_BUCKET], Unlimited)
    assert all(off[AUTH_BUCKET].hit("a") is None for _ in range(100))
