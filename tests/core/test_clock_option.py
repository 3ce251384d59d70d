"""`--clock-at`, the option that starts the test processes' wall clock elsewhere: the instants
it understands."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from tests.conftest import clock_instant

LATE = datetime(2026, 12, 6, 23, 58, 30, tzinfo=UTC)


def test_a_time_of_day_is_that_time_today_in_utc() -> None:
    assert clock_instant("00:05", LATE) == datetime(2026, 12, 6, 0, 5, tzinfo=UTC)
    # "Today" is the UTC date, even when the machine's clock is read with another offset.
    east = LATE.astimezone(timezone(timedelta(hours=14)))
    assert clock_instant("23:55", east) == datetime(2026, 12, 6, 23, 55, tzinfo=UTC)


def test_an_instant_keeps_its_offset() -> None:
    assert clock_instant("2026-03-29T00:55Z", LATE) == datetime(2026, 3, 29, 0, 55, tzinfo=UTC)
    berlin = clock_instant("2026-10-25T02:30+02:00", LATE)
    assert berlin == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_an_instant_without_an_offset_is_refused() -> None:
    with pytest.raises(pytest.UsageError, match="offset"):
        clock_instant("2026-03-29T00:55", LATE)
